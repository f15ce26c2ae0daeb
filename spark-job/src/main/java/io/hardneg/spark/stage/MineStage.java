package io.hardneg.spark.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.knn.Mask;
import io.hardneg.core.knn.MaskedKnn;
import io.hardneg.core.knn.Neighbors;
import io.hardneg.core.mining.MinedTriplet;
import io.hardneg.core.mining.MiningConfig;
import io.hardneg.core.mining.MiningStats;
import io.hardneg.core.mining.TripletMiner;
import io.hardneg.core.search.AnchorCandidates;
import io.hardneg.core.search.ListSearch;
import io.hardneg.core.search.SearchReport;
import io.hardneg.core.search.SearchReport.NearestNegativeRecall;
import io.hardneg.core.search.VectorEntry;
import io.hardneg.core.util.Seeds;
import io.hardneg.spark.config.IvfSearchSettings;
import io.hardneg.spark.config.SearchSettings;
import io.hardneg.spark.io.Schemas;
import io.hardneg.spark.result.PositivesReport;
import io.hardneg.spark.stage.search.EntryRows;
import io.hardneg.spark.stage.search.SearchPlacement;
import io.hardneg.spark.stage.search.SearchRequest;
import io.hardneg.spark.stage.search.SearchResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * MINE = positives ({@link PositiveStage}) → search ({@link SearchPlacement}, any placement) →
 * rules ({@link TripletMiner#select}) → triplet rows; miner-core's {@link TripletMiner} runs the
 * same steps in one JVM and gives the same triplets. Results depend only on (seed, round, anchor
 * id), never on partitioning or task attempts; with {@code ivf} the nearest-negative recall against
 * an exact search is measured on a seeded sample of anchors every round.
 */
public final class MineStage {
  private MineStage() {}

  /**
   * Triplets (schema {@link Schemas#TRIPLETS}, persisted), counters, the search report and how the
   * positives were chosen ({@code policy}; for {@code random}, the task count and the most rows one
   * task held).
   */
  public record Mined(
      Dataset<Row> triplets,
      MiningStats stats,
      SearchReport search,
      PositivesReport positives,
      JavaRDD<?> cached,
      List<Runnable> cleanup) {
    /** Drops cached results and broadcasts (kept until then for recomputation). */
    public void release() {
      triplets.unpersist();
      cached.unpersist();
      cleanup.forEach(Runnable::run);
    }
  }

  /**
   * Mines every row of {@code embeddings} ({@code id, label, emb}) against all of them.
   *
   * @param modelHash written in the {@code model} column
   */
  public static Mined mine(
      SparkSession spark,
      Dataset<Row> embeddings,
      MiningConfig mining,
      KnnOptions knn,
      SearchSettings search,
      int round,
      String modelHash,
      int partitions) {
    return mine(spark, embeddings, null, false, mining, knn, search, round, modelHash, partitions);
  }

  /**
   * Pair mode when {@code pairs} ({@code anchor_id, positive_id}) is given (then {@code
   * hardestPositive} is ignored): anchors are the pairs' anchors, negatives are items that are
   * neither the anchor nor a known positive of it (labels play no part); class mode when it is
   * null.
   */
  public static Mined mine(
      SparkSession spark,
      Dataset<Row> embeddings,
      Dataset<Row> pairs,
      boolean hardestPositive,
      MiningConfig mining,
      KnnOptions knn,
      SearchSettings search,
      int round,
      String modelHash,
      int partitions) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Mask mask = pairs == null ? Mask.OTHER_LABEL : Mask.SELF;
    PositivesReport positives;
    Dataset<Row> anchors;
    if (pairs != null) {
      positives = PositivesReport.of("pairs");
      anchors = PositiveStage.attachPairs(spark, embeddings, pairs, mining.seed(), round);
    } else if (hardestPositive) {
      positives = PositivesReport.of("hardest");
      anchors =
          PositiveStage.attachHardest(
              spark, embeddings, search, knn, mining.seed(), round, partitions);
    } else {
      PositiveStage.Attached attached =
          PositiveStage.attach(spark, embeddings, mining.seed(), round, partitions);
      positives = attached.report();
      anchors = attached.anchors();
    }
    anchors = anchors.persist(StorageLevel.MEMORY_AND_DISK());
    // at least one nearest negative per anchor: it tells "no negative" apart and feeds recall
    int kHard = mining.nearestNeeded();
    int kBeyond = mining.beyondNeeded();
    SearchResult found =
        SearchPlacement.of(search)
            .search(
                jsc,
                anchors,
                anchors,
                new SearchRequest(mask, knn, kHard, kBeyond, mining.seed(), round, partitions));
    JavaRDD<AnchorCandidates> candidates =
        found.candidates().persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<Tuple2<MiningStats, List<Row>>> parts =
        candidates
            .mapPartitions(
                it -> {
                  MiningStats stats = new MiningStats();
                  List<Row> out = new ArrayList<>();
                  it.forEachRemaining(c -> select(c, mining, round, modelHash, stats, out));
                  return List.of(new Tuple2<>(stats, out)).iterator();
                })
            .persist(StorageLevel.MEMORY_AND_DISK());
    MiningStats stats = parts.map(Tuple2::_1).fold(new MiningStats(), MiningStats::merge);
    SearchReport report = found.report();
    if (search instanceof IvfSearchSettings ivf && ivf.recallSample() > 0) {
      report =
          report.withRecall(
              recall(
                  jsc, anchors, candidates, mask, ivf.recallSample(), knn, mining.seed(), round));
    }
    anchors.unpersist();
    Dataset<Row> triplets =
        spark
            .createDataFrame(parts.flatMap(t -> t._2().iterator()), Schemas.TRIPLETS)
            .persist(StorageLevel.MEMORY_AND_DISK());
    List<Runnable> cleanup = new ArrayList<>(found.cleanup());
    cleanup.add(candidates::unpersist);
    return new Mined(triplets, stats, report, positives, parts, cleanup);
  }

  /** Applies the rules to one anchor and appends its triplet rows. */
  static void select(
      AnchorCandidates c,
      MiningConfig mining,
      int round,
      String model,
      MiningStats stats,
      List<Row> out) {
    for (MinedTriplet t : TripletMiner.select(c, mining, stats)) {
      out.add(
          RowFactory.create(
              round,
              t.anchor(),
              t.positive(),
              t.negative(),
              t.anchorLabel(),
              t.negativeLabel(),
              (float) t.dAp(),
              (float) t.dAn(),
              (int) Math.min(Integer.MAX_VALUE, t.negRank()),
              t.kind().label(),
              model));
    }
  }

  /**
   * Share of sampled anchors whose nearest negative from the search has the exact nearest
   * negative's distance (ties count as found), the exact search being a broadcast of the sample
   * against every partition.
   */
  static NearestNegativeRecall recall(
      JavaSparkContext jsc,
      Dataset<Row> anchors,
      JavaRDD<AnchorCandidates> candidates,
      Mask mask,
      int sampleSize,
      KnnOptions knn,
      long seed,
      int round) {
    long n = anchors.count();
    double fraction = Math.min(1.0, (double) sampleSize / Math.max(1, n));
    // a column function of the id: a typed filter would turn every row into a Row first
    UDF1<Long, Boolean> drawn = id -> Seeds.unit(Seeds.of(seed, round, id ^ 0x5eed)) < fraction;
    List<VectorEntry> sampled =
        EntryRows.collect(
            anchors
                .filter(
                    col("positive")
                        .isNotNull()
                        .and(udf(drawn, DataTypes.BooleanType).apply(col("id"))))
                .sort("id"));
    if (sampled.isEmpty()) {
      return new NearestNegativeRecall(0, null);
    }
    LabeledVectors sample = ListSearch.table(sampled);
    long[][] excluded = new long[sampled.size()][];
    boolean anyExcluded = false;
    for (int i = 0; i < excluded.length; i++) {
      excluded[i] = sampled.get(i).excluded();
      anyExcluded |= excluded[i] != null;
    }
    long[][] ex = anyExcluded ? excluded : null;
    Broadcast<LabeledVectors> q = jsc.broadcast(sample);
    KnnOptions one = new KnnOptions(1, knn.queryBlock(), knn.baseBlock(), knn.precision());
    double[] exact =
        EntryRows.chunks(anchors.select("id", "label", "emb"), EntryRows.BLOCK)
            .map(
                entries -> {
                  double[] best = new double[q.value().size()];
                  java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
                  if (!entries.isEmpty()) {
                    Neighbors[] nn =
                        MaskedKnn.search(q.value(), ListSearch.table(entries), mask, ex, one)[0];
                    for (int i = 0; i < best.length; i++) {
                      best[i] = nn[i].size() == 0 ? Double.POSITIVE_INFINITY : nn[i].distance()[0];
                    }
                  }
                  return best;
                })
            .reduce(
                (a, b) -> {
                  double[] c = a.clone();
                  for (int i = 0; i < c.length; i++) {
                    c[i] = Math.min(a[i], b[i]);
                  }
                  return c;
                });
    Map<Long, Integer> row = new java.util.HashMap<>();
    for (int i = 0; i < sample.size(); i++) {
      row.put(sample.ids()[i], i);
    }
    Broadcast<Map<Long, Integer>> rowB = jsc.broadcast(row);
    List<Tuple2<Long, Double>> got =
        candidates
            .filter(c -> rowB.value().containsKey(c.anchor()))
            .map(
                c ->
                    new Tuple2<>(
                        c.anchor(),
                        c.hardDist().length == 0 ? Double.POSITIVE_INFINITY : c.hardDist()[0]))
            .collect();
    int found = 0;
    for (Tuple2<Long, Double> g : got) {
      double e = exact[row.get(g._1())];
      if (g._2() <= e + 1e-9) {
        found++;
      }
    }
    q.destroy();
    rowB.destroy();
    return new NearestNegativeRecall(
        sample.size(), got.isEmpty() ? null : (double) found / got.size());
  }
}
