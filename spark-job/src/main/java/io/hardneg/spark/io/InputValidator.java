package io.hardneg.spark.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a loaded table in one Spark aggregation, before any expensive stage, and names the first
 * offending row (lowest read position) and the rule it breaks: rows that do not parse (wrong field
 * count, bad LibSVM token), missing, non-integral or out-of-range ids and labels,
 * missing/NaN/infinite features, varying dimension, zero vectors, empty input, duplicate ids, a
 * single class (no negative exists).
 */
public final class InputValidator {
  private static final Logger LOG = LoggerFactory.getLogger(InputValidator.class);

  /**
   * Table as read: {@code id: long, label: long, features: array<float>?}, the 1-based read
   * position {@code row}, the {@code file} it came from, and the {@code problem} that makes the row
   * unusable (null when none) with the offending {@code value}.
   */
  public static final StructType RAW =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("id", DataTypes.LongType, false),
            DataTypes.createStructField("label", DataTypes.LongType, false),
            DataTypes.createStructField(
                "features", DataTypes.createArrayType(DataTypes.FloatType, true), true),
            DataTypes.createStructField("row", DataTypes.LongType, false),
            DataTypes.createStructField("file", DataTypes.StringType, true),
            DataTypes.createStructField("problem", DataTypes.StringType, true),
            DataTypes.createStructField("value", DataTypes.StringType, true)
          });

  /** Problem codes in the order they are reported, with the rule each one breaks. */
  private static final Map<String, String> RULES = orderedRules();

  private static Map<String, String> orderedRules() {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put("fields", "have more or fewer fields than the header");
    m.put("token", "are not valid LibSVM lines");
    m.put("id:MISSING", "have a missing id");
    m.put("id:NON_INTEGRAL", "have a non-integral id");
    m.put("id:OUT_OF_RANGE", "have an id outside the 64-bit integer range");
    m.put("id:INEXACT", "have a floating-point id beyond ±2^53 (store ids as integers)");
    m.put("label:MISSING", "have a missing or non-integral label");
    m.put("label:NON_INTEGRAL", "have a missing or non-integral label");
    m.put("label:OUT_OF_RANGE", "have a label outside the 64-bit integer range");
    m.put("label:INEXACT", "have a floating-point label beyond ±2^53 (store labels as integers)");
    return m;
  }

  private InputValidator() {}

  /** The problem code of an id or label cell that is no exact long. */
  static String code(String column, ExactLong.Problem p) {
    return column + ":" + p.name();
  }

  /**
   * Throws {@link InputException} on the first broken rule; else returns the items table ({@code
   * id, label, features}), without the zero vectors when {@code zero} is DROP.
   *
   * @param rowWord what a read position is called in messages: {@code row} or {@code line}
   */
  public static Dataset<Row> validate(
      Dataset<Row> raw,
      String where,
      TableSource.Labels labels,
      InputSpec.ZeroVectors zero,
      String rowWord) {
    Column problem = col("problem").isNotNull();
    Column badFeatures =
        col("features")
            .isNull()
            .or(
                expr(
                    "exists(features, x -> x is null or isnan(x) or abs(x) = double('infinity'))"));
    Column zeroVector =
        expr("aggregate(features, cast(0 as double), (acc, x) -> acc + "
                + "cast(x as double) * cast(x as double))")
            .lt(InputSpec.MIN_NORM * InputSpec.MIN_NORM);
    Row r =
        raw.agg(
                count(lit(1)),
                sum(when(problem, 1).otherwise(0)),
                sum(when(badFeatures, 1).otherwise(0)),
                min(size(col("features"))),
                max(size(col("features"))),
                sum(when(zeroVector, 1).otherwise(0)),
                countDistinct(col("id")),
                countDistinct(col("label")))
            .first();
    long n = r.getLong(0);
    if (n == 0) {
      throw new InputException(where + ": input is empty (0 items)");
    }
    if (r.getLong(1) > 0) {
      throw firstProblem(raw, where, rowWord);
    }
    if (r.getLong(2) > 0) {
      throw new InputException(
          where
              + ": "
              + r.getLong(2)
              + " items have missing, NaN or "
              + "infinite features, first: "
              + first(raw, badFeatures, "features", rowWord));
    }
    int lo = r.getInt(3);
    int hi = r.getInt(4);
    if (lo != hi) {
      throw new InputException(
          where
              + ": feature dimension varies from "
              + lo
              + " to "
              + hi
              + ", first item with "
              + hi
              + ": "
              + first(raw, size(col("features")).equalTo(hi), "features", rowWord));
    }
    if (lo == 0) {
      throw new InputException(where + ": items have no features");
    }
    long zeros = r.isNullAt(5) ? 0 : r.getLong(5);
    if (zeros > 0) {
      if (zero == InputSpec.ZeroVectors.REJECT) {
        throw new InputException(
            where
                + ": "
                + zeros
                + " items have a zero or near-zero "
                + "feature vector (L2 norm < "
                + InputSpec.MIN_NORM
                + "; it has no direction to "
                + "normalise; input.zeroVectors = drop leaves them out), first: "
                + first(raw, zeroVector, "features", rowWord));
      }
      LOG.info(
          "{}: dropped {} of {} items with a zero or near-zero feature vector "
              + "(input.zeroVectors = drop)",
          where,
          zeros,
          n);
      Dataset<Row> kept = raw.filter(org.apache.spark.sql.functions.not(zeroVector));
      return validate(
          kept,
          where + " (after dropping " + zeros + " zero vectors)",
          labels,
          InputSpec.ZeroVectors.REJECT,
          rowWord);
    }
    if (r.getLong(6) != n) {
      Row dup = raw.groupBy("id").count().filter(col("count").gt(1)).orderBy("id").first();
      throw new InputException(
          where
              + ": ids must be unique, but "
              + (n - r.getLong(6))
              + " are repeated; id "
              + dup.getLong(0)
              + " appears "
              + dup.getLong(1)
              + " times");
    }
    if (r.getLong(7) < 2 && labels == TableSource.Labels.REQUIRED) {
      throw new InputException(
          where
              + ": all "
              + n
              + " items have one label; mining needs "
              + "at least two classes (no negative exists)");
    }
    return raw.select(col("id"), col("label"), col("features"));
  }

  /** The first row (in read order) with the first problem (in {@link #RULES} order). */
  private static InputException firstProblem(Dataset<Row> raw, String where, String rowWord) {
    List<Row> kinds =
        raw.filter(col("problem").isNotNull())
            .groupBy("problem")
            .agg(count(lit(1)), min(col("row")))
            .collectAsList();
    Row pick = null;
    int best = Integer.MAX_VALUE;
    List<String> order = List.copyOf(RULES.keySet());
    for (Row k : kinds) {
      int at = order.indexOf(k.getString(0));
      at = at < 0 ? order.size() : at;
      if (at < best) {
        best = at;
        pick = k;
      }
    }
    String code = pick.getString(0);
    Row bad = raw.filter(col("row").equalTo(pick.getLong(2))).first();
    String rule = RULES.getOrDefault(code, code);
    String value = bad.isNullAt(6) ? "" : bad.getString(6);
    String at = position(raw, bad, rowWord);
    String first;
    if (code.startsWith("label:")) {
      first = "id " + bad.getLong(0) + " (" + at + ", label = " + value + ")";
    } else if (code.startsWith("id:")) {
      first = at + " (id = " + value + ")";
    } else {
      first = at + ": " + value;
    }
    return new InputException(
        where + ": " + pick.getLong(1) + " " + rowWord + "s " + rule + ", first: " + first);
  }

  /** {@code row R of FILE}, R counted within that file. */
  private static String position(Dataset<Row> raw, Row bad, String rowWord) {
    long row = bad.getLong(3);
    if (bad.isNullAt(4) || bad.getString(4).isEmpty()) {
      return rowWord + " " + row;
    }
    String file = bad.getString(4);
    long start = raw.filter(col("file").equalTo(file)).agg(min(col("row"))).first().getLong(0);
    return rowWord + " " + (row - start + 1) + " of " + file;
  }

  private static String first(Dataset<Row> raw, Column cond, String column, String rowWord) {
    Row bad = raw.filter(cond).orderBy("row").first();
    Object v = bad.get(bad.fieldIndex(column));
    String shown =
        v instanceof scala.collection.Seq<?> seq && seq.length() > 8
            ? seq.take(8).mkString("[", ", ", ", ...]")
            : String.valueOf(v);
    return "id "
        + bad.getLong(0)
        + " ("
        + position(raw, bad, rowWord)
        + ", "
        + column
        + " = "
        + shown
        + ")";
  }
}
