package io.hardneg.spark.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sort_array;

import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.knn.Mask;
import io.hardneg.core.mining.PositiveRule;
import io.hardneg.spark.config.SearchSettings;
import io.hardneg.spark.io.Schemas;
import io.hardneg.spark.result.PositivesReport;
import io.hardneg.spark.stage.search.SearchPlacement;
import io.hardneg.spark.stage.search.SearchRequest;
import io.hardneg.spark.stage.search.SearchResult;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Chooses each anchor's positive and computes {@code d(a,p)}, without collecting rows on the driver
 * (the random cycle sends it six numbers per task) and independently of partitioning; the rules are
 * miner-core's {@link PositiveRule} (and its single-machine runner, {@code TripletMiner}, gives the
 * same positives).
 *
 * <ul>
 *   <li><b>class mode</b>, policy {@code random}: within each label the items are put in a seeded
 *       random cyclic order, sorted by ({@link PositiveRule#orderKey}, id), and each item's
 *       positive is its successor. For a uniformly random order the successor is uniform over the
 *       other items of the class, so each positive is a uniform draw. A class of one item gives no
 *       positive (null). Placed by {@link ClassCycleStage}: a range partitioning of the global
 *       order, stitched, so no task holds a whole class.
 *   <li><b>class mode</b>, policy {@code hardest}: the farthest other item of the class among those
 *       the search visits (all of them in the exact placements, the probed lists in ivf), found as
 *       the nearest same-label item to the negated anchor ({@code |−a − b|² = 4 − |a − b|²} for
 *       unit vectors) with the same search machinery.
 *   <li><b>pair mode</b>: the anchors are the {@code anchor_id}s of the pairs table; the positive
 *       is one of the anchor's {@code positive_id}s, drawn by {@code hash(seed, round, anchor)};
 *       the anchor's known positives, in either direction of a pair, go to {@code excluded} and are
 *       masked out of its negative search. Items that are no anchor get no positive.
 * </ul>
 */
public final class PositiveStage {
  /** Embeddings plus {@code positive}, {@code d_ap} and {@code excluded} (all nullable). */
  public static final StructType ANCHORS =
      Schemas.EMBEDDINGS
          .add("positive", DataTypes.LongType, true)
          .add("d_ap", DataTypes.DoubleType, true)
          .add("excluded", DataTypes.createArrayType(DataTypes.LongType, false), true);

  private PositiveStage() {}

  /** Rows with their positive and {@code d(a,p)} ({@link #ANCHORS}), and how it was placed. */
  public record Attached(Dataset<Row> anchors, PositivesReport report) {}

  /**
   * Class mode, policy random: attaches a positive and its distance to every embedding row. The
   * report gives the cycle's task count and the most rows one of its tasks held.
   *
   * @param partitions the cycle's range partitions: this many or as many as {@code embeddings} has,
   *     whichever is more (fewer only when the sampled bounds cannot split the rows so far)
   */
  public static Attached attach(
      SparkSession spark, Dataset<Row> embeddings, long seed, int round, int partitions) {
    int tasks = Math.max(partitions, embeddings.rdd().getNumPartitions());
    ClassCycleStage.Cycled cycled =
        ClassCycleStage.successors(spark, embeddings, seed, round, tasks);
    PositivesReport report =
        new PositivesReport("random", cycled.taskRows().length, cycled.largestTask());
    return new Attached(withDistance(spark, embeddings, cycled.chosen()), report);
  }

  /** Class mode, policy hardest: the farthest same-class item each search visits. */
  public static Dataset<Row> attachHardest(
      SparkSession spark,
      Dataset<Row> embeddings,
      SearchSettings search,
      KnnOptions knn,
      long seed,
      int round,
      int partitions) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    StructType noPositive = ANCHORS;
    // queries: negated embeddings, with a dummy positive so they are searched, no bound
    Dataset<Row> queries =
        spark.createDataFrame(
            embeddings
                .javaRDD()
                .map(
                    r -> {
                      scala.collection.Seq<Object> e = r.getSeq(2);
                      float[] neg = new float[e.length()];
                      for (int j = 0; j < neg.length; j++) {
                        neg[j] = -(Float) e.apply(j);
                      }
                      return RowFactory.create(r.getLong(0), r.getLong(1), neg, -1L, -1.0, null);
                    }),
            noPositive);
    Dataset<Row> bases =
        spark.createDataFrame(
            embeddings
                .javaRDD()
                .map(
                    r -> RowFactory.create(r.getLong(0), r.getLong(1), r.get(2), null, null, null)),
            noPositive);
    SearchResult found =
        SearchPlacement.of(search)
            .search(
                jsc,
                queries,
                bases,
                new SearchRequest(Mask.SAME_LABEL, knn, 1, 0, seed, round, partitions));
    Dataset<Row> farthest =
        spark.createDataFrame(
            found
                .candidates()
                .map(
                    c ->
                        RowFactory.create(
                            c.anchor(), c.hardIds().length == 0 ? null : c.hardIds()[0])),
            new StructType()
                .add("fid", DataTypes.LongType, false)
                .add("positive", DataTypes.LongType, true));
    Dataset<Row> chosen =
        embeddings
            .join(farthest, col("id").equalTo(col("fid")))
            .select(
                col("id"),
                col("label"),
                col("emb"),
                col("positive"),
                lit(null).cast(DataTypes.createArrayType(DataTypes.LongType)).as("excluded"));
    // the search's broadcasts stay in this table's lineage (tasks serialise it): they are not
    // destroyed here; Spark's ContextCleaner drops them once the table is unreferenced
    return withDistance(spark, embeddings, chosen);
  }

  /** Pair mode: {@code pairs} has {@code anchor_id, positive_id}. */
  public static Dataset<Row> attachPairs(
      SparkSession spark, Dataset<Row> embeddings, Dataset<Row> pairs, long seed, int round) {
    Dataset<Row> known =
        pairs
            .select(col("anchor_id").as("a"), col("positive_id").as("p"))
            .union(pairs.select(col("positive_id").as("a"), col("anchor_id").as("p")))
            .groupBy("a")
            .agg(sort_array(collect_set(col("p"))).as("excluded"));
    Dataset<Row> lists =
        pairs
            .groupBy(col("anchor_id"))
            .agg(sort_array(collect_set(col("positive_id"))).as("plist"));
    Dataset<Row> joined =
        embeddings
            .join(lists, col("id").equalTo(col("anchor_id")), "left")
            .join(known, col("id").equalTo(col("a")), "left");
    JavaRDD<Row> rows =
        joined
            .javaRDD()
            .map(
                r -> {
                  int pl = r.fieldIndex("plist");
                  Object positive = null;
                  if (!r.isNullAt(pl)) {
                    scala.collection.Seq<Object> options = r.getSeq(pl);
                    long[] sorted = new long[options.length()];
                    for (int i = 0; i < sorted.length; i++) {
                      sorted[i] = (Long) options.apply(i);
                    }
                    positive =
                        PositiveRule.pick(sorted, seed, round, r.getLong(r.fieldIndex("id")));
                  }
                  int ex = r.fieldIndex("excluded");
                  return RowFactory.create(
                      r.getLong(r.fieldIndex("id")),
                      r.getLong(r.fieldIndex("label")),
                      r.get(r.fieldIndex("emb")),
                      positive,
                      r.isNullAt(ex) ? null : r.get(ex));
                });
    StructType chosenSchema =
        Schemas.EMBEDDINGS
            .add("positive", DataTypes.LongType, true)
            .add("excluded", DataTypes.createArrayType(DataTypes.LongType, false), true);
    return withDistance(spark, embeddings, spark.createDataFrame(rows, chosenSchema));
  }

  /** Joins the positive's embedding and computes d(a,p) in double precision. */
  private static Dataset<Row> withDistance(
      SparkSession spark, Dataset<Row> embeddings, Dataset<Row> chosen) {
    Dataset<Row> withPos =
        chosen.join(
            embeddings.select(col("id").as("pid"), col("emb").as("pemb")),
            col("positive").equalTo(col("pid")),
            "left");
    StructType schema = withPos.schema();
    int id = schema.fieldIndex("id");
    int label = schema.fieldIndex("label");
    int emb = schema.fieldIndex("emb");
    int positive = schema.fieldIndex("positive");
    int pemb = schema.fieldIndex("pemb");
    int ex = schema.fieldIndex("excluded");
    // Spark's internal rows: the vectors come out in one copy each (a Row boxes every float)
    JavaRDD<Row> rows =
        withPos
            .queryExecution()
            .toRdd()
            .toJavaRDD()
            .map(
                r -> {
                  float[] a = r.getArray(emb).toFloatArray();
                  Long pos = null;
                  Double dap = null;
                  if (!r.isNullAt(positive) && !r.isNullAt(pemb)) {
                    pos = r.getLong(positive);
                    float[] p = r.getArray(pemb).toFloatArray();
                    double ss = 0;
                    for (int j = 0; j < a.length; j++) {
                      double diff = a[j] - (double) p[j];
                      ss += diff * diff;
                    }
                    dap = Math.sqrt(ss);
                  }
                  return RowFactory.create(
                      r.getLong(id),
                      r.getLong(label),
                      a,
                      pos,
                      dap,
                      r.isNullAt(ex) ? null : r.getArray(ex).toLongArray());
                });
    return spark.createDataFrame(rows, ANCHORS);
  }
}
