package io.hardneg.spark.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Checks a loaded table in one Spark aggregation, before any expensive stage, and names the
 * first offending item and the rule it breaks: empty input, missing or non-integral labels,
 * non-integral or duplicate ids, missing/NaN/infinite features, varying dimension, a single
 * class (no negative exists).
 */
public final class InputValidator {
  /** Table as read: {@code id: double, label: double?, features: array<float>?}. */
  public static final StructType RAW = new StructType(new StructField[] {
      DataTypes.createStructField("id", DataTypes.DoubleType, false),
      DataTypes.createStructField("label", DataTypes.DoubleType, true),
      DataTypes.createStructField("features",
          DataTypes.createArrayType(DataTypes.FloatType, true), true)});

  private InputValidator() {}

  /** Throws {@link InputException} on the first broken rule; else returns nothing. */
  public static void check(Dataset<Row> raw, String where) {
    check(raw, where, TableSource.Labels.REQUIRED);
  }

  /**
   * Like {@link #check(Dataset, String)}; with {@link TableSource.Labels#OPTIONAL} (pair mode)
   * one class is no error: negatives come from the pairs, not from other labels.
   */
  public static void check(Dataset<Row> raw, String where, TableSource.Labels labels) {
    Column badLabel = col("label").isNull().or(col("label").notEqual(floor(col("label"))));
    Column badId = col("id").notEqual(floor(col("id")));
    Column badFeatures = col("features").isNull().or(expr(
        "exists(features, x -> x is null or isnan(x) or abs(x) = double('infinity'))"));
    Row r = raw.agg(count(lit(1)), sum(when(badLabel, 1).otherwise(0)),
        sum(when(badId, 1).otherwise(0)), sum(when(badFeatures, 1).otherwise(0)),
        min(size(col("features"))), max(size(col("features"))), countDistinct(col("id")),
        countDistinct(col("label"))).first();
    long n = r.getLong(0);
    if (n == 0) {
      throw new InputException(where + ": input is empty (0 items)");
    }
    if (r.getLong(1) > 0) {
      throw new InputException(where + ": " + r.getLong(1) + " items have a missing or "
          + "non-integral label, first: " + first(raw, badLabel, "label"));
    }
    if (r.getLong(2) > 0) {
      throw new InputException(where + ": " + r.getLong(2) + " items have a non-integral id, "
          + "first: " + first(raw, badId, "id"));
    }
    if (r.getLong(3) > 0) {
      throw new InputException(where + ": " + r.getLong(3) + " items have missing, NaN or "
          + "infinite features, first: " + first(raw, badFeatures, "features"));
    }
    int lo = r.getInt(4);
    int hi = r.getInt(5);
    if (lo != hi) {
      throw new InputException(where + ": feature dimension varies from " + lo + " to " + hi
          + ", first item with " + hi + ": " + first(raw, size(col("features")).equalTo(hi),
              "features"));
    }
    if (lo == 0) {
      throw new InputException(where + ": items have no features");
    }
    if (r.getLong(6) != n) {
      Row dup = raw.groupBy("id").count().filter(col("count").gt(1)).first();
      throw new InputException(where + ": ids must be unique, but " + (n - r.getLong(6))
          + " are repeated; id " + (long) dup.getDouble(0) + " appears " + dup.getLong(1)
          + " times");
    }
    if (r.getLong(7) < 2 && labels == TableSource.Labels.REQUIRED) {
      throw new InputException(where + ": all " + n + " items have one label; mining needs "
          + "at least two classes (no negative exists)");
    }
  }

  private static String first(Dataset<Row> raw, Column cond, String column) {
    Row bad = raw.filter(cond).first();
    Object v = bad.get(bad.fieldIndex(column));
    String shown = v instanceof scala.collection.Seq<?> seq && seq.length() > 8
        ? seq.take(8).mkString("[", ", ", ", ...]") : String.valueOf(v);
    return "id " + (long) bad.getDouble(0) + " (" + column + " = " + shown + ")";
  }

  /** The validated raw table as the items table (long ids and labels). */
  public static Dataset<Row> toItems(Dataset<Row> raw) {
    return raw.select(col("id").cast("long").as("id"), col("label").cast("long").as("label"),
        col("features"));
  }
}
