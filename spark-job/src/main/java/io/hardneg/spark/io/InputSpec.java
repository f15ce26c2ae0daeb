package io.hardneg.spark.io;

import java.io.Serializable;
import java.util.Locale;

/**
 * Where the items come from.
 *
 * @param format idx | parquet | csv | libsvm
 * @param path the table's path (parquet, csv, libsvm; a file or a directory, any Hadoop FS)
 * @param images IDX images file (idx)
 * @param labels IDX labels file (idx)
 * @param idColumn id column; empty = assign ids (the row's position in read order, which is
 *     stable for the same files)
 * @param labelColumn label column (integral numbers)
 * @param featuresColumn features column (parquet: array of float/double or a Spark ML vector;
 *     csv: empty = every column other than id and label)
 */
public record InputSpec(Format format, String path, String images, String labels,
    String idColumn, String labelColumn, String featuresColumn) implements Serializable {

  /** Input formats. */
  public enum Format {
    IDX, PARQUET, CSV, LIBSVM;

    /** Parses {@code idx | parquet | csv | libsvm}. */
    public static Format parse(String s) {
      return switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "idx" -> IDX;
        case "parquet" -> PARQUET;
        case "csv" -> CSV;
        case "libsvm" -> LIBSVM;
        default -> throw new IllegalArgumentException(
            "unknown input format '" + s + "' (expected idx | parquet | csv | libsvm)");
      };
    }
  }

  public InputSpec {
    if (format != Format.IDX && (path == null || path.isBlank())) {
      throw new IllegalArgumentException("input.path is required for format "
          + format.name().toLowerCase(Locale.ROOT));
    }
  }

  /** What the input is, for messages and run.json. */
  public String describe() {
    return format == Format.IDX ? images + " + " + labels
        : format.name().toLowerCase(Locale.ROOT) + ":" + path;
  }
}
