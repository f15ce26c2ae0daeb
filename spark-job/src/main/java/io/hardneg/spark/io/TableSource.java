package io.hardneg.spark.io;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;

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
 * Loads Parquet, CSV or LibSVM tables from any Hadoop FileSystem path into the items table
 * ({@code id: long, label: long, features: array<float>}), then checks it with
 * {@link InputValidator} before anything expensive runs.
 */
public final class TableSource {
  /** Whether the items must carry class labels. */
  public enum Labels {
    /** Class mode: a label column is required and at least two classes must occur. */
    REQUIRED,
    /**
     * Pair mode: relevance comes from the pairs table. A Parquet or CSV input without the label
     * column is accepted (every item gets label 0), and one class is no error; a label column
     * that is present must still hold integral numbers.
     */
    OPTIONAL
  }

  private TableSource() {}

  /** The items table of {@code spec} (any format), validated; labels required. */
  public static Dataset<Row> load(SparkSession spark, InputSpec spec, int partitions) {
    return load(spark, spec, partitions, Labels.REQUIRED);
  }

  /** The items table of {@code spec} (any format), validated. */
  public static Dataset<Row> load(SparkSession spark, InputSpec spec, int partitions,
      Labels labels) {
    Dataset<Row> items = switch (spec.format()) {
      case IDX -> IdxSource.load(spark, spec.images(), spec.labels(), partitions);
      case PARQUET -> fromFrame(spark, read(spark, spec, "parquet"), spec, partitions, labels);
      case CSV -> fromFrame(spark, read(spark, spec, "csv"), spec, partitions, labels);
      case LIBSVM -> fromFrame(spark, read(spark, spec, "libsvm"), new InputSpec(spec.format(),
          spec.path(), null, null, "", "label", "features"), partitions, labels);
    };
    if (spec.format() == InputSpec.Format.IDX) {
      return items;
    }
    try {
      InputValidator.check(items, spec.describe(), labels);
    } catch (InputException e) {
      throw e;
    } catch (Exception e) {
      // files that list but do not read (a truncated Parquet file, a broken gzip CSV) fail in
      // the validation job, the first one that reads every row (Scala throws SparkException
      // undeclared, hence the catch of Exception and the precise rethrow)
      if (e instanceof org.apache.spark.SparkException) {
        throw new InputException(spec.describe() + ": cannot read the input: "
            + rootMessage(e), e);
      }
      throw e;
    }
    return InputValidator.toItems(items);
  }

  private static Dataset<Row> read(SparkSession spark, InputSpec spec, String format) {
    try {
      var reader = spark.read().format(format);
      if (format.equals("csv")) {
        reader = reader.option("header", "true").option("inferSchema", "true");
      }
      return reader.load(spec.path());
    } catch (Exception e) {
      throw new InputException(spec.path() + ": cannot read as " + format + ": "
          + firstLine(e.getMessage()), e);
    }
  }

  static Dataset<Row> fromFrame(SparkSession spark, Dataset<Row> df, InputSpec spec,
      int partitions, Labels labels) {
    String where = spec.describe();
    boolean hasLabel = labels == Labels.REQUIRED
        || java.util.Arrays.asList(df.columns()).contains(spec.labelColumn());
    if (hasLabel) {
      StructField label = field(df, spec.labelColumn(), where, "label");
      if (!(label.dataType() instanceof NumericType)) {
        throw new InputException(where + ": label column '" + spec.labelColumn() + "' has type "
            + label.dataType().simpleString() + "; labels must be integral numbers");
      }
    }
    Column features = featuresColumn(df, spec, where);
    boolean hasId = spec.idColumn() != null && !spec.idColumn().isBlank();
    if (hasId) {
      StructField id = field(df, spec.idColumn(), where, "id");
      if (!(id.dataType() instanceof NumericType)) {
        throw new InputException(where + ": id column '" + spec.idColumn() + "' has type "
            + id.dataType().simpleString() + "; ids must be integral numbers");
      }
    }
    Dataset<Row> slim = df.select(
        hasId ? col(spec.idColumn()).cast("double").as("id") : org.apache.spark.sql.functions
            .lit(null).cast("double").as("id"),
        hasLabel ? col(spec.labelColumn()).cast("double").as("label")
            : org.apache.spark.sql.functions.lit(0.0).as("label"),
        features.as("features"));
    // ids in read order when absent: zipWithIndex is stable for the same files and splits
    var rows = slim.javaRDD().zipWithIndex().map((Tuple2<Row, Long> t) -> {
      Row r = t._1();
      return RowFactory.create(r.isNullAt(0) ? (double) t._2() : r.getDouble(0),
          r.isNullAt(1) ? null : r.getDouble(1), r.isNullAt(2) ? null : r.get(2));
    });
    Dataset<Row> raw = spark.createDataFrame(rows, InputValidator.RAW);
    return raw.repartition(partitions);
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
          throw new InputException(where + ": column '" + f.name() + "' has type "
              + f.dataType().simpleString() + "; every feature column must be numeric");
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
    throw new InputException(where + ": features column '" + name + "' has type "
        + t.simpleString() + "; expected array<float>, array<double> or a Spark ML vector");
  }

  private static StructField field(Dataset<Row> df, String name, String where, String role) {
    for (StructField f : df.schema().fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new InputException(where + ": no " + role + " column '" + name + "' (columns: "
        + String.join(", ", df.columns()) + ")");
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
