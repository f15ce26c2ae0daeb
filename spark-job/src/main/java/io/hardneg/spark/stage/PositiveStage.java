package io.hardneg.spark.stage;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import io.hardneg.spark.io.Schemas;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Positive policy {@code random} (class mode) for data of any size: within each label the items
 * are put in a seeded random cyclic order, sorted by {@code hash(seed, round, id)}, and each
 * item's positive is its successor. For a uniformly random order the successor of an item is
 * uniform over the other items of its class, so each anchor's positive is a uniform draw, made
 * without collecting a class anywhere and independent of partitioning. A class of one item
 * gives no positive (null). Then {@code d(a,p)} is computed from the positive's embedding.
 */
public final class PositiveStage {
  /** Embeddings plus {@code positive: long (nullable)} and {@code d_ap: double (nullable)}. */
  public static final StructType ANCHORS = Schemas.EMBEDDINGS
      .add("positive", DataTypes.LongType, true)
      .add("d_ap", DataTypes.DoubleType, true);

  private PositiveStage() {}

  /** Attaches a positive and its distance to every embedding row. */
  public static Dataset<Row> attach(SparkSession spark, Dataset<Row> embeddings, long seed,
      int round) {
    WindowSpec byClass = Window.partitionBy(col("label"))
        .orderBy(xxhash64(lit(seed), lit(round), col("id")), col("id"));
    Dataset<Row> paired = embeddings
        .withColumn("next", lead(col("id"), 1).over(byClass))
        .withColumn("head", first(col("id")).over(byClass))
        .withColumn("positive", coalesce(col("next"), col("head")))
        .withColumn("positive", org.apache.spark.sql.functions.when(
            col("positive").equalTo(col("id")), lit(null)).otherwise(col("positive")))
        .select(col("id"), col("label"), col("emb"), col("positive"));
    Dataset<Row> withPos = paired.join(
        embeddings.select(col("id").as("pid"), col("emb").as("pemb")),
        col("positive").equalTo(col("pid")), "left");
    JavaRDD<Row> rows = withPos.javaRDD().map(r -> {
      Object pos = r.get(r.fieldIndex("positive"));
      Double dap = null;
      if (pos != null) {
        scala.collection.Seq<Object> a = r.getSeq(r.fieldIndex("emb"));
        scala.collection.Seq<Object> p = r.getSeq(r.fieldIndex("pemb"));
        double ss = 0;
        for (int j = 0; j < a.length(); j++) {
          double diff = (Float) a.apply(j) - (double) (Float) p.apply(j);
          ss += diff * diff;
        }
        dap = Math.sqrt(ss);
      }
      return RowFactory.create(r.getLong(r.fieldIndex("id")), r.getLong(r.fieldIndex("label")),
          r.get(r.fieldIndex("emb")), pos, dap);
    });
    return spark.createDataFrame(rows, ANCHORS);
  }
}
