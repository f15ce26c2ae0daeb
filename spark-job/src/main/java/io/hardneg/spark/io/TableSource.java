package io.hardneg.spark.io;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import scala.Tuple2;

/**
 * Loads Parquet, CSV or LibSVM tables from any Hadoop FileSystem path into the items table ({@code
 * id: long, label: long, features: array<float>}), then checks it with {@link InputValidator}
 * before anything expensive runs. Ids and labels are read as exact 64-bit integers ({@link
 * ExactLong}), never through floating point.
 */
public final class TableSource {
  /** Whether the items must carry class labels. */
  public enum Labels {
    /** Class mode: a label column is required and at least two classes must occur. */
    REQUIRED,
    /**
     * Pair mode: relevance comes from the pairs table. A Parquet or CSV input without the label
     * column is accepted (every item gets label 0), and one class is no error; a label column that
     * is present must still hold integral numbers.
     */
    OPTIONAL
  }

  private TableSource() {}

  /** The items table of {@code spec} (any format), validated; labels required. */
  public static Dataset<Row> load(SparkSession spark, InputSpec spec, int partitions) {
    return load(spark, spec, partitions, Labels.REQUIRED);
  }

  /** The items table of {@code spec} (any format), validated. */
  public static Dataset<Row> load(
      SparkSession spark, InputSpec spec, int partitions, Labels labels) {
    if (spec.format() == InputSpec.Format.IDX) {
      return IdxSource.load(spark, spec.images(), spec.labels(), partitions, spec.zeroVectors());
    }
    String where = spec.describe();
    try {
      Dataset<Row> raw =
          switch (spec.format()) {
            case PARQUET -> {
              Dataset<Row> df = read(spark, spec, "parquet");
              yield fromFrame(spark, df, df, spec, partitions, labels);
            }
            case CSV -> {
              Dataset<Row> typed = read(spark, spec, "csv");
              yield fromFrame(
                  spark,
                  typed,
                  CsvTables.strings(spark, spec.path(), typed.schema()),
                  spec,
                  partitions,
                  labels);
            }
            case LIBSVM -> LibSvmSource.raw(spark, spec.path(), partitions);
            case IDX -> throw new IllegalStateException("unreachable");
          };
      return InputValidator.validate(
          raw,
          where,
          labels,
          spec.zeroVectors(),
          spec.format() == InputSpec.Format.LIBSVM ? "line" : "row");
    } catch (InputException e) {
      throw e;
    } catch (Exception e) {
      // files that list but do not read (a truncated Parquet file, a broken gzip CSV, a row
      // beyond the CSV parser's limits) fail in the validation job, the first one that reads
      // every row (Scala throws SparkException undeclared, hence the catch of Exception)
      InputException inner = SparkFailures.inputException(e, where);
      if (inner != null) {
        throw inner;
      }
      if (e instanceof org.apache.spark.SparkException) {
        throw new InputException(where + ": cannot read the input: " + rootMessage(e), e);
      }
      throw e;
    }
  }

  private static Dataset<Row> read(SparkSession spark, InputSpec spec, String format) {
    try {
      return format.equals("csv")
          ? CsvTables.inferred(spark, spec.path())
          : spark.read().format(format).load(spec.path());
    } catch (Exception e) {
      InputException inner = SparkFailures.inputException(e, spec.describe());
      if (inner != null) {
        throw inner;
      }
      throw new InputException(
          spec.path() + ": cannot read as " + format + ": " + firstLine(e.getMessage()), e);
    }
  }

  /**
   * The raw table ({@link InputValidator#RAW}) of a Parquet or CSV frame: the schema rules use
   * {@code typed}'s column types, the values come from {@code values} (the same frame for Parquet;
   * CSV's every-column-a-string reading, so ids and labels are parsed exactly).
   */
  static Dataset<Row> fromFrame(
      SparkSession spark,
      Dataset<Row> typed,
      Dataset<Row> values,
      InputSpec spec,
      int partitions,
      Labels labels) {
    String where = spec.describe();
    boolean hasLabel =
        labels == Labels.REQUIRED
            || java.util.Arrays.asList(typed.columns()).contains(spec.labelColumn());
    if (hasLabel) {
      StructField label = field(typed, spec.labelColumn(), where, "label");
      if (!(label.dataType() instanceof NumericType)) {
        throw new InputException(
            where
                + ": label column '"
                + spec.labelColumn()
                + "' has type "
                + label.dataType().simpleString()
                + "; labels must be integral numbers");
      }
    }
    Column features = featuresColumn(typed, spec, where);
    boolean hasId = spec.idColumn() != null && !spec.idColumn().isBlank();
    if (hasId) {
      StructField id = field(typed, spec.idColumn(), where, "id");
      if (!(id.dataType() instanceof NumericType)) {
        throw new InputException(
            where
                + ": id column '"
                + spec.idColumn()
                + "' has type "
                + id.dataType().simpleString()
                + "; ids must be integral numbers");
      }
    }
    boolean csv = java.util.Arrays.asList(values.columns()).contains(CsvTables.CORRUPT);
    int header = typed.columns().length;
    Dataset<Row> slim =
        values.select(
            hasId ? col(spec.idColumn()).as("id") : lit(null).as("id"),
            hasLabel ? col(spec.labelColumn()).as("label") : lit(0L).as("label"),
            features.as("features"),
            input_file_name().as("file"),
            csv ? col(CsvTables.CORRUPT) : lit(null).cast("string"),
            csv ? CsvTables.allFields(values) : lit(null));
    // ids in read order when absent: zipWithIndex is stable for the same files and splits
    var rows =
        slim.javaRDD()
            .zipWithIndex()
            .map((Tuple2<Row, Long> t) -> rawRow(t._1(), t._2(), hasId, header));
    Dataset<Row> raw = spark.createDataFrame(rows, InputValidator.RAW);
    return raw.repartition(partitions);
  }

  /** One {@link InputValidator#RAW} row: exact id and label, or the problem that stops them. */
  private static Row rawRow(Row r, long index, boolean hasId, int header) {
    String problem = null;
    String value = null;
    long id = index;
    long label = 0;
    if (!r.isNullAt(4)) {
      problem = "fields";
      value = CsvTables.describe(r.getString(4), header);
    }
    if (hasId && problem == null) {
      Object p = ExactLong.parse(r.get(0));
      if (p instanceof Long l) {
        id = l;
      } else {
        problem = InputValidator.code("id", (ExactLong.Problem) p);
        value = shown(r.get(0));
      }
    }
    if (problem == null) {
      Object p = ExactLong.parse(r.get(1));
      if (p instanceof Long l) {
        label = l;
      } else {
        problem = InputValidator.code("label", (ExactLong.Problem) p);
        value = shown(r.get(1));
      }
    }
    return RowFactory.create(
        id,
        label,
        r.isNullAt(2) ? null : r.get(2),
        index + 1,
        r.isNullAt(3) ? null : r.getString(3),
        problem,
        value);
  }

  /** A cell as the user wrote it (decimals without exponent), at most 80 characters. */
  static String shown(Object v) {
    String s = v instanceof java.math.BigDecimal d ? d.toPlainString() : String.valueOf(v);
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  private static Column featuresColumn(Dataset<Row> df, InputSpec spec, String where) {
    String name = spec.featuresColumn();
    if (name == null || name.isBlank()) {
      List<Column> cols = new ArrayList<>();
      for (StructField f : df.schema().fields()) {
        if (f.name().equals(spec.labelColumn()) || f.name().equals(spec.idColumn())) {
          continue;
        }
        if (!(f.dataType() instanceof NumericType)) {
          throw new InputException(
              where
                  + ": column '"
                  + f.name()
                  + "' has type "
                  + f.dataType().simpleString()
                  + "; every feature column must be numeric");
        }
        cols.add(col(f.name()).cast("float"));
      }
      if (cols.isEmpty()) {
        throw new InputException(where + ": no feature columns besides id and label");
      }
      return array(cols.toArray(new Column[0]));
    }
    StructField f = field(df, name, where, "features");
    DataType t = f.dataType();
    if (t instanceof VectorUDT) {
      return org.apache.spark.ml.functions.vector_to_array(col(name), "float32");
    }
    if (t instanceof ArrayType a && a.elementType() instanceof NumericType) {
      return col(name).cast(DataTypes.createArrayType(DataTypes.FloatType));
    }
    throw new InputException(
        where
            + ": features column '"
            + name
            + "' has type "
            + t.simpleString()
            + "; expected array<float>, array<double> or a Spark ML vector");
  }

  private static StructField field(Dataset<Row> df, String name, String where, String role) {
    for (StructField f : df.schema().fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new InputException(
        where
            + ": no "
            + role
            + " column '"
            + name
            + "' (columns: "
            + String.join(", ", df.columns())
            + ")");
  }

  /** The innermost cause's first line, which names the broken file for Parquet and CSV. */
  static String rootMessage(Throwable e) {
    Throwable t = e;
    String found = null;
    while (t != null) {
      if (t.getMessage() != null) {
        found = t.getClass().getSimpleName() + ": " + firstLine(t.getMessage());
      }
      t = t.getCause() == t ? null : t.getCause();
    }
    return found;
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
