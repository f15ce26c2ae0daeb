package io.hardneg.spark.stage;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.mining.MiningConfig;
import io.hardneg.core.mining.SemiHardFallback;
import io.hardneg.spark.SharedSpark;
import io.hardneg.spark.TinyData;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.config.Settings;
import io.hardneg.spark.io.IdxSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;

/**
 * {@code mined} batches against their oracle, the triplets table MINE wrote: every block of K rows
 * is an anchor, its positive and K − 2 of the negatives listed for it, with their labels.
 */
class MinedStageTest {
  static final int N = 240;
  static final int P = 4;
  static final int K = 6;
  @TempDir static Path tmp;
  static SparkSession spark;
  static Dataset<Row> items;
  static MineStage.Mined mined;

  /** Item id by its features (the tiny set's images are distinct). */
  static final Map<String, Long> idOf = new HashMap<>();

  static final Map<Long, Long> labelOf = new HashMap<>();

  @BeforeAll
  static void mine() throws Exception {
    spark = SharedSpark.get();
    Path[] data = TinyData.write(tmp, N);
    items = IdxSource.load(spark, data[0].toString(), data[1].toString(), 3);
    for (Row r : items.collectAsList()) {
      float[] f = new float[r.getSeq(2).length()];
      io.hardneg.spark.io.Schemas.copyFloats(r, 2, f, 0);
      idOf.put(Arrays.toString(f), r.getLong(0));
      labelOf.put(r.getLong(0), r.getLong(1));
    }
    assertEquals(N, idOf.size(), "distinct images");
    // 1 hard and 2 semi-hard negatives per anchor, mined on the raw pixels
    mined =
        MineStage.mine(
            spark,
            EmbedStage.embed(spark, items, null, 64),
            new MiningConfig(0.1, 1, 2, SemiHardFallback.NEAREST_BEYOND, 9),
            new KnnOptions(1, 64, 100, DataType.FLOAT),
            JobConfig.from(new Settings()).search(),
            0,
            "raw",
            3);
  }

  @AfterAll
  static void release() {
    mined.release();
  }

  /** One block as read back from a batch: member ids in row order, and their labels. */
  record Block(long[] ids, long[] labels) {}

  static List<List<Block>> blocks(List<DataSet> batches) {
    List<List<Block>> out = new ArrayList<>();
    for (DataSet d : batches) {
      assertEquals(P * K, d.numExamples(), "rows per batch");
      List<Block> bs = new ArrayList<>();
      for (int p = 0; p < P; p++) {
        long[] ids = new long[K];
        long[] labels = new long[K];
        for (int j = 0; j < K; j++) {
          int row = p * K + j;
          Long id = idOf.get(Arrays.toString(d.getFeatures().getRow(row).toFloatVector()));
          assertNotNull(id, "row " + row + " is a training item");
          ids[j] = id;
          labels[j] = (long) d.getLabels().getDouble(row, 0);
        }
        bs.add(new Block(ids, labels));
      }
      out.add(bs);
    }
    return out;
  }

  /** The oracle: per anchor, its positive and its mined negatives, from the triplets table. */
  static Map<Long, Long> positives(Dataset<Row> triplets) {
    Map<Long, Long> m = new HashMap<>();
    for (Row r : triplets.select("anchor", "positive").distinct().collectAsList()) {
      assertEquals(null, m.put(r.getLong(0), r.getLong(1)), "one positive per anchor");
    }
    return m;
  }

  static Map<Long, Set<Long>> negatives(Dataset<Row> triplets) {
    Map<Long, Set<Long>> m = new HashMap<>();
    for (Row r : triplets.select("anchor", "negative").collectAsList()) {
      m.computeIfAbsent(r.getLong(0), a -> new HashSet<>()).add(r.getLong(1));
    }
    return m;
  }

  static List<DataSet> build(Dataset<Row> triplets, long seed) {
    int batches = MinedStage.batchesFor(PkStage.sizes(items), P * K);
    return MinedStage.batches(triplets, items, P, K, batches, seed, 2, null, TrainAugment.OFF)
        .collect();
  }

  @Test
  void batchesFromTheBroadcastFeatureTableEqualTheJoinedOnes() {
    int batches = MinedStage.batchesFor(PkStage.sizes(items), P * K);
    long n = items.count();
    int dim = items.select("features").first().getSeq(0).length();
    org.apache.spark.broadcast.Broadcast<FeatureTable> table =
        FeatureTable.broadcast(
            org.apache.spark.api.java.JavaSparkContext.fromSparkContext(
                items.sparkSession().sparkContext()),
            items,
            n,
            dim,
            1);
    assertTrue(table != null, "within the limit: broadcast");
    try {
      Dataset<Row> triplets = mined.triplets();
      List<DataSet> joined = build(triplets, 5);
      List<DataSet> broadcast =
          MinedStage.batches(triplets, items, P, K, batches, 5, 2, table, TrainAugment.OFF)
              .collect();
      PkStageTest.assertSameBatches(joined, broadcast);
    } finally {
      table.destroy();
    }
  }

  /** train.augment = views: each row a view of the item the block placed there, on both paths. */
  @Test
  void augmentedBlocksHoldViewsOfTheirItems() {
    Dataset<Row> triplets = mined.triplets();
    int batches = MinedStage.batchesFor(PkStage.sizes(items), P * K);
    TrainAugment views = TrainAugment.views(28);
    List<DataSet> seen =
        MinedStage.batches(triplets, items, P, K, batches, 5, 2, null, views).collect();
    TrainAugmentTest.assertRowsAreViews(build(triplets, 5), seen, 5, batches);
    org.apache.spark.broadcast.Broadcast<FeatureTable> table =
        FeatureTable.broadcast(
            org.apache.spark.api.java.JavaSparkContext.fromSparkContext(
                items.sparkSession().sparkContext()),
            items,
            items.count(),
            28 * 28,
            1);
    try {
      PkStageTest.assertSameBatches(
          seen, MinedStage.batches(triplets, items, P, K, batches, 5, 2, table, views).collect());
    } finally {
      table.destroy();
    }
  }

  @Test
  void everyBlockIsAnAnchorItsPositiveAndItsMinedNegatives() {
    Dataset<Row> triplets = mined.triplets();
    Map<Long, Long> pos = positives(triplets);
    Map<Long, Set<Long>> negs = negatives(triplets);
    List<DataSet> batches = build(triplets, 7);
    // as many batches as a pk epoch over the same items: ceil(N / (P·K))
    assertEquals((N + P * K - 1) / (P * K), batches.size());
    Set<Long> anchorsSeen = new HashSet<>();
    for (List<Block> batch : blocks(batches)) {
      for (Block b : batch) {
        long a = b.ids()[0];
        assertTrue(pos.containsKey(a), a + " is a mined anchor");
        assertTrue(anchorsSeen.add(a), "fewer blocks than anchors: each at most once");
        assertEquals(pos.get(a), b.ids()[1], "the anchor's positive");
        Set<Long> used = new HashSet<>();
        for (int j = 2; j < K; j++) {
          assertTrue(negs.get(a).contains(b.ids()[j]), b.ids()[j] + " is a mined negative of " + a);
          used.add(b.ids()[j]);
        }
        assertEquals(Math.min(K - 2, negs.get(a).size()), used.size(), "distinct negatives");
        for (int j = 0; j < K; j++) {
          assertEquals(labelOf.get(b.ids()[j]), b.labels()[j], "label of row " + j);
        }
        assertEquals(b.labels()[0], b.labels()[1]);
        for (int j = 2; j < K; j++) {
          assertNotEquals(b.labels()[0], b.labels()[j], "a negative has another class");
        }
      }
    }
    assertEquals(batches.size() * P, anchorsSeen.size());
    // a rerun with the seed builds the same batches; another epoch's seed others
    List<DataSet> again = build(triplets, 7);
    for (int i = 0; i < batches.size(); i++) {
      assertEquals(batches.get(i).getFeatures(), again.get(i).getFeatures());
      assertEquals(batches.get(i).getLabels(), again.get(i).getLabels());
    }
    assertNotEquals(batches.get(0).getFeatures(), build(triplets, 8).get(0).getFeatures());
  }

  @Test
  void fewAnchorsRepeatRoundRobinAndRotateThroughTheirNegatives() {
    // 5 anchors, 40 blocks: each anchor 8 times, taking its negatives K − 2 at a time
    List<Long> five =
        mined
            .triplets()
            .select("anchor")
            .distinct()
            .orderBy("anchor")
            .limit(5)
            .collectAsList()
            .stream()
            .map(r -> r.getLong(0))
            .toList();
    Dataset<Row> triplets = mined.triplets().where(col("anchor").isin(five.toArray()));
    Map<Long, Set<Long>> negs = negatives(triplets);
    Map<Long, Integer> count = new HashMap<>();
    Map<Long, Set<Long>> used = new HashMap<>();
    for (List<Block> batch : blocks(build(triplets, 3))) {
      for (Block b : batch) {
        count.merge(b.ids()[0], 1, Integer::sum);
        for (int j = 2; j < K; j++) {
          used.computeIfAbsent(b.ids()[0], a -> new HashSet<>()).add(b.ids()[j]);
        }
      }
    }
    assertEquals(Set.copyOf(five), count.keySet());
    count.values().forEach(c -> assertEquals(8, c, "round-robin: " + count));
    assertEquals(negs, used, "every mined negative of every anchor is used");
  }
}
