package io.hardneg.spark.io;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Spark schemas of hardneg's tables (docs/concepts.md). */
public final class Schemas {
  private Schemas() {}

  /** Items: {@code id: long, label: long, features: array<float>}. */
  public static final StructType ITEMS =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("id", DataTypes.LongType, false),
            DataTypes.createStructField("label", DataTypes.LongType, false),
            DataTypes.createStructField(
                "features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
          });

  /** Embeddings: {@code id: long, label: long, emb: array<float>} (unit norm). */
  public static final StructType EMBEDDINGS =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("id", DataTypes.LongType, false),
            DataTypes.createStructField("label", DataTypes.LongType, false),
            DataTypes.createStructField(
                "emb", DataTypes.createArrayType(DataTypes.FloatType, false), false)
          });

  /** Mined triplets, the Parquet contract of docs/concepts.md. */
  public static final StructType TRIPLETS =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("round", DataTypes.IntegerType, false),
            DataTypes.createStructField("anchor", DataTypes.LongType, false),
            DataTypes.createStructField("positive", DataTypes.LongType, false),
            DataTypes.createStructField("negative", DataTypes.LongType, false),
            DataTypes.createStructField("anchor_label", DataTypes.LongType, false),
            DataTypes.createStructField("negative_label", DataTypes.LongType, false),
            DataTypes.createStructField("d_ap", DataTypes.FloatType, false),
            DataTypes.createStructField("d_an", DataTypes.FloatType, false),
            DataTypes.createStructField("neg_rank", DataTypes.IntegerType, false),
            DataTypes.createStructField("kind", DataTypes.StringType, false),
            DataTypes.createStructField("model", DataTypes.StringType, false)
          });

  /**
   * Copies a Spark {@code array<float>} cell into {@code dst} at {@code off}; returns its length.
   */
  public static int copyFloats(org.apache.spark.sql.Row row, int field, float[] dst, int off) {
    scala.collection.Seq<Object> seq = row.getSeq(field);
    int n = seq.length();
    scala.collection.Iterator<Object> it = seq.iterator();
    for (int i = 0; i < n; i++) {
      dst[off + i] = (Float) it.next();
    }
    return n;
  }
}
