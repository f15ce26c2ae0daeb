package io.hardneg.spark.io;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a CSV table (header line) twice: once with schema inference, which decides each column's
 * kind for the schema rules, and once with every column as a string, so ids and labels are parsed
 * exactly ({@link ExactLong}) and a row with more or fewer fields than the header is caught
 * (Spark's permissive mode would silently drop or null-fill fields).
 */
final class CsvTables {
  /** The column holding the raw line of a row whose field count differs from the header's. */
  static final String CORRUPT = "_hardneg_malformed_row";

  private CsvTables() {}

  /** Inferred types (header and every row read once). */
  static Dataset<Row> inferred(SparkSession spark, String path) {
    return spark
        .read()
        .format("csv")
        .option("header", "true")
        .option("inferSchema", "true")
        .load(path);
  }

  /** The same columns as strings, plus {@link #CORRUPT}. */
  static Dataset<Row> strings(SparkSession spark, String path, StructType inferred) {
    StructType s = new StructType();
    for (StructField f : inferred.fields()) {
      s = s.add(f.name(), DataTypes.StringType, true);
    }
    s = s.add(CORRUPT, DataTypes.StringType, true);
    return spark
        .read()
        .format("csv")
        .option("header", "true")
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT)
        .schema(s)
        .load(path);
  }

  /**
   * Every column of the string reading, to select beside the used ones: Spark's CSV column pruning
   * parses only the selected columns and then counts the fields against those alone, so a row
   * missing a field the job does not use (a header with one more column) would pass.
   */
  static Column allFields(Dataset<Row> values) {
    return org.apache.spark.sql.functions.struct(
        Arrays.stream(values.columns())
            .filter(c -> !c.equals(CORRUPT))
            .map(c -> values.col("`" + c + "`"))
            .toArray(Column[]::new));
  }

  /** "has K fields, the header has H: LINE" for a malformed row (quote-aware count). */
  static String describe(String line, int header) {
    int fields = 1;
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields++;
      }
    }
    String shown = line.length() > 120 ? line.substring(0, 120) + "..." : line;
    return "has " + fields + " fields, the header has " + header + ": " + shown;
  }
}
