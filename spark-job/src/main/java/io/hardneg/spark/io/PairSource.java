package io.hardneg.spark.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Loads the known positive pairs of pair mode ({@code anchor_id, positive_id}, Parquet or CSV with
 * a header, any Hadoop FS path) and checks them row by row: ids are exact 64-bit integers ({@link
 * ExactLong}: {@code 1.5} or text is an error, never truncated), a CSV row has the header's field
 * count, no pair names an item with itself ({@code d(a,p) = 0} teaches nothing), every id names an
 * item. The same pair given twice is one pair (deduplicated, the count logged); {@code (a, p)} and
 * {@code (p, a)} are two pairs: each makes its first id an anchor.
 */
public final class PairSource {
  private static final StructType CHECKED =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("anchor_id", DataTypes.LongType, false),
            DataTypes.createStructField("positive_id", DataTypes.LongType, false),
            DataTypes.createStructField("row", DataTypes.LongType, false),
            DataTypes.createStructField("file", DataTypes.StringType, true),
            DataTypes.createStructField("problem", DataTypes.StringType, true),
            DataTypes.createStructField("value", DataTypes.StringType, true)
          });

  /** Problem codes in report order, with their rules. */
  private static final List<String[]> RULES =
      List.of(
          new String[] {"fields", "have more or fewer fields than the header"},
          new String[] {"anchor_id:MISSING", "have a missing anchor_id"},
          new String[] {"anchor_id:NON_INTEGRAL", "have a non-integral anchor_id"},
          new String[] {"anchor_id:OUT_OF_RANGE", "have an anchor_id outside the 64-bit range"},
          new String[] {"anchor_id:INEXACT", "have a floating-point anchor_id beyond ±2^53"},
          new String[] {"positive_id:MISSING", "have a missing positive_id"},
          new String[] {"positive_id:NON_INTEGRAL", "have a non-integral positive_id"},
          new String[] {"positive_id:OUT_OF_RANGE", "have a positive_id outside the 64-bit range"},
          new String[] {"positive_id:INEXACT", "have a floating-point positive_id beyond ±2^53"},
          new String[] {"self", "pair an item with itself (d(a,p) = 0 teaches nothing)"});

  private PairSource() {}

  /** The pairs as {@code anchor_id: long, positive_id: long}, validated against the items. */
  public static Dataset<Row> load(
      SparkSession spark, String path, String format, Dataset<Row> items) {
    Dataset<Row> typed;
    Dataset<Row> values;
    try {
      if (format.equals("csv")) {
        typed = CsvTables.inferred(spark, path);
        values = CsvTables.strings(spark, path, typed.schema());
      } else {
        typed = spark.read().format(format).load(path);
        values = typed;
      }
    } catch (Exception e) {
      InputException inner = SparkFailures.inputException(e, path);
      if (inner != null) {
        throw inner;
      }
      throw new InputException(
          path
              + ": cannot read pairs as "
              + format
              + ": "
              + String.valueOf(e.getMessage()).lines().findFirst().orElse(""),
          e);
    }
    for (String c : new String[] {"anchor_id", "positive_id"}) {
      if (!java.util.Arrays.asList(typed.columns()).contains(c)) {
        throw new InputException(
            path
                + ": pairs need columns anchor_id and positive_id, found "
                + String.join(", ", typed.columns()));
      }
    }
    boolean csv = java.util.Arrays.asList(values.columns()).contains(CsvTables.CORRUPT);
    int header = typed.columns().length;
    var rows =
        values
            .select(
                col("anchor_id"),
                col("positive_id"),
                input_file_name(),
                csv ? col(CsvTables.CORRUPT) : lit(null).cast("string"),
                csv ? CsvTables.allFields(values) : lit(null))
            .javaRDD()
            .zipWithIndex()
            .map((Tuple2<Row, Long> t) -> checked(t._1(), t._2() + 1, header));
    Dataset<Row> all = spark.createDataFrame(rows, CHECKED).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return validate(all, path, items);
    } catch (InputException e) {
      throw e;
    } catch (Exception e) {
      InputException inner = SparkFailures.inputException(e, path);
      if (inner != null) {
        throw inner;
      }
      if (e instanceof org.apache.spark.SparkException) {
        throw new InputException(
            path + ": cannot read the pairs: " + TableSource.rootMessage(e), e);
      }
      throw e;
    }
  }

  private static Dataset<Row> validate(Dataset<Row> all, String path, Dataset<Row> items) {
    long n = all.count();
    if (n == 0) {
      throw new InputException(path + ": no pairs");
    }
    List<Row> kinds =
        all.filter(col("problem").isNotNull())
            .groupBy("problem")
            .agg(count(lit(1)), min(col("row")))
            .collectAsList();
    if (!kinds.isEmpty()) {
      throw firstProblem(all, path, kinds);
    }
    Dataset<Row> pairs =
        all.select(col("anchor_id"), col("positive_id"))
            .distinct()
            .persist(StorageLevel.MEMORY_AND_DISK());
    long distinct = pairs.count();
    all.unpersist();
    if (distinct < n) {
      LoggerFactory.getLogger(PairSource.class)
          .info(
              "{}: {} of {} pairs repeat an earlier pair " + "and are counted once",
              path,
              n - distinct,
              n);
    }
    Dataset<Row> ids = items.select(col("id"));
    for (String c : new String[] {"anchor_id", "positive_id"}) {
      Dataset<Row> unknown = pairs.join(ids, pairs.col(c).equalTo(ids.col("id")), "left_anti");
      if (!unknown.isEmpty()) {
        Row r = unknown.orderBy("anchor_id", "positive_id").first();
        throw new InputException(
            path
                + ": "
                + unknown.count()
                + " pairs name an unknown item in "
                + c
                + ", first: ("
                + r.getLong(0)
                + ", "
                + r.getLong(1)
                + ")");
      }
    }
    return pairs;
  }

  private static InputException firstProblem(Dataset<Row> all, String path, List<Row> kinds) {
    Row pick = null;
    String rule = null;
    for (String[] r : RULES) {
      for (Row k : kinds) {
        if (pick == null && k.getString(0).equals(r[0])) {
          pick = k;
          rule = r[1];
        }
      }
    }
    if (pick == null) {
      pick = kinds.get(0);
      rule = pick.getString(0);
    }
    Row bad = all.filter(col("row").equalTo(pick.getLong(2))).first();
    String at = "row " + bad.getLong(2);
    if (!bad.isNullAt(3)) {
      long start =
          all.filter(col("file").equalTo(bad.getString(3))).agg(min(col("row"))).first().getLong(0);
      at = "row " + (bad.getLong(2) - start + 1) + " of " + bad.getString(3);
    }
    String code = pick.getString(0);
    String detail =
        code.equals("fields")
            ? ": " + bad.getString(5)
            : code.equals("self")
                ? " (" + bad.getString(5) + ")"
                : " (" + code.substring(0, code.indexOf(':')) + " = " + bad.getString(5) + ")";
    return new InputException(
        path + ": " + pick.getLong(1) + " pairs " + rule + ", first: " + at + detail);
  }

  private static Row checked(Row r, long row, int header) {
    String file = r.isNullAt(2) ? null : r.getString(2);
    if (!r.isNullAt(3)) {
      return RowFactory.create(
          0L, 0L, row, file, "fields", CsvTables.describe(r.getString(3), header));
    }
    long[] ids = new long[2];
    String[] names = {"anchor_id", "positive_id"};
    for (int i = 0; i < 2; i++) {
      Object p = ExactLong.parse(r.get(i));
      if (!(p instanceof Long)) {
        return RowFactory.create(
            0L,
            0L,
            row,
            file,
            InputValidator.code(names[i], (ExactLong.Problem) p),
            TableSource.shown(r.get(i)));
      }
      ids[i] = (Long) p;
    }
    if (ids[0] == ids[1]) {
      return RowFactory.create(
          ids[0], ids[1], row, file, "self", "(" + ids[0] + ", " + ids[1] + ")");
    }
    return RowFactory.create(ids[0], ids[1], row, file, null, null);
  }

  /**
   * The pairs whose both ids name an item of {@code items} (the training split, the evaluation
   * split or set): a pair across the split serves neither side.
   */
  public static Dataset<Row> within(Dataset<Row> pairs, Dataset<Row> items) {
    Dataset<Row> a = items.select(col("id").as("within_a"));
    Dataset<Row> p = items.select(col("id").as("within_p"));
    return pairs
        .join(a, col("anchor_id").equalTo(col("within_a")), "left_semi")
        .join(p, col("positive_id").equalTo(col("within_p")), "left_semi");
  }
}
