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
 * @param idColumn id column; empty = assign ids (the row's position in read order, which is stable
 *     for the same files)
 * @param labelColumn label column (integral numbers)
 * @param featuresColumn features column (parquet: array of float/double or a Spark ML vector; csv:
 *     empty = every column other than id and label)
 * @param zeroVectors what a zero or near-zero feature vector does (it has no direction, so its
 *     normalised embedding would be meaningless)
 */
public record InputSpec(
    Format format,
    String path,
    String images,
    String labels,
    String idColumn,
    String labelColumn,
    String featuresColumn,
    ZeroVectors zeroVectors)
    implements Serializable {

  /** A feature vector whose L2 norm is below this is "zero or near-zero". */
  public static final double MIN_NORM = 1e-12;

  /** What a zero or near-zero feature vector does. */
  public enum ZeroVectors {
    /** The input is rejected (exit 3) naming the first such row. */
    REJECT,
    /** Such items are left out; their number is logged. */
    DROP;

    /** Parses {@code reject | drop}. */
    public static ZeroVectors parse(String s) {
      return switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "reject" -> REJECT;
        case "drop" -> DROP;
        default -> throw new IllegalArgumentException("expected reject | drop");
      };
    }
  }

  /** A spec that rejects zero vectors. */
  public InputSpec(
      Format format,
      String path,
      String images,
      String labels,
      String idColumn,
      String labelColumn,
      String featuresColumn) {
    this(format, path, images, labels, idColumn, labelColumn, featuresColumn, ZeroVectors.REJECT);
  }

  /** Input formats. */
  public enum Format {
    IDX,
    PARQUET,
    CSV,
    LIBSVM;

    /** Parses {@code idx | parquet | csv | libsvm}. */
    public static Format parse(String s) {
      return switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "idx" -> IDX;
        case "parquet" -> PARQUET;
        case "csv" -> CSV;
        case "libsvm" -> LIBSVM;
        default ->
            throw new IllegalArgumentException(
                "unknown input format '" + s + "' (expected idx | parquet | csv | libsvm)");
      };
    }
  }

  public InputSpec {
    if (format != Format.IDX && (path == null || path.isBlank())) {
      throw new IllegalArgumentException(
          "input.path is required for format " + format.name().toLowerCase(Locale.ROOT));
    }
    if (zeroVectors == null) {
      throw new IllegalArgumentException("input.zeroVectors is required");
    }
  }

  /** What the input is, for messages and run.json. */
  public String describe() {
    return format == Format.IDX
        ? images + " + " + labels
        : format.name().toLowerCase(Locale.ROOT) + ":" + path;
  }
}
