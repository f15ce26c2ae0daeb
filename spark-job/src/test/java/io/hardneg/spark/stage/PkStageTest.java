package io.hardneg.spark.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.mining.MiningConfig;
import io.hardneg.core.mining.SemiHardFallback;
import io.hardneg.core.sampling.PkPlan;
import io.hardneg.spark.SharedSpark;
import io.hardneg.spark.TinyData;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.config.Settings;
import io.hardneg.spark.io.IdxSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * PK batches: the DataSets Spark builds from a {@link PkPlan} (its invariants: PkPlanTest), and the
 * classes {@code train.pk.compose} gives them.
 */
class PkStageTest {
  @TempDir Path tmp;

  @Test
  void sparkBuildsExactBatchesAndUsesEveryItemBeforeRepeatingOne() throws Exception {
    SparkSession spark = SharedSpark.get();
    Path[] data = TinyData.write(tmp.resolve("in"), 300);
    Dataset<Row> items = IdxSource.load(spark, data[0].toString(), data[1].toString(), 3);
    Map<Long, Long> sizes = PkStage.sizes(items);
    PkPlan plan = PkPlan.build(sizes, Map.of(), 4, 5, 99);
    List<DataSet> batches =
        PkStage.batches(
                JavaSparkContext.fromSparkContext(spark.sparkContext()),
                items,
                plan,
                99,
                2,
                null,
                TrainAugment.OFF)
            .collect();
    assertEquals(plan.batches(), batches.size());
    // features identify items (the 300 images are distinct): count each item's uses per class
    Map<Long, Map<String, Integer>> uses = new TreeMap<>();
    for (DataSet d : batches) {
      INDArray y = d.getLabels();
      assertEquals(20, d.numExamples());
      Map<Long, Integer> perClass = new HashMap<>();
      for (int i = 0; i < 20; i++) {
        long label = (long) y.getDouble(i, 0);
        perClass.merge(label, 1, Integer::sum);
        String item = java.util.Arrays.toString(d.getFeatures().getRow(i).toFloatVector());
        uses.computeIfAbsent(label, l -> new HashMap<>()).merge(item, 1, Integer::sum);
        assertEquals(i / 5, new ArrayList<>(rowsOrder(y)).indexOf(label), "class blocks of K");
      }
      assertEquals(4, perClass.size());
      perClass.values().forEach(v -> assertEquals(5, v));
    }
    for (Map.Entry<Long, Map<String, Integer>> e : uses.entrySet()) {
      long slots = plan.slots(e.getKey());
      long n = sizes.get(e.getKey());
      int min = e.getValue().values().stream().mapToInt(i -> i).min().orElse(0);
      int max = e.getValue().values().stream().mapToInt(i -> i).max().orElse(0);
      assertEquals(
          Math.min(n, slots), e.getValue().size(), "distinct items of class " + e.getKey());
      assertTrue(max - min <= 1, "round-robin: " + min + ".." + max);
    }
    // the same seed gives the same batches
    List<DataSet> again =
        PkStage.batches(
                JavaSparkContext.fromSparkContext(spark.sparkContext()),
                items,
                plan,
                99,
                2,
                null,
                TrainAugment.OFF)
            .collect();
    for (int i = 0; i < batches.size(); i++) {
      assertEquals(batches.get(i).getFeatures(), again.get(i).getFeatures());
    }
  }

  /** The broadcast feature table changes how features reach the batches, not the batches. */
  @Test
  void batchesFromTheBroadcastFeatureTableEqualTheJoinedOnes() throws Exception {
    SparkSession spark = SharedSpark.get();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Path[] data = TinyData.write(tmp.resolve("in"), 300);
    Dataset<Row> items = IdxSource.load(spark, data[0].toString(), data[1].toString(), 3);
    Map<Long, Long> sizes = PkStage.sizes(items);
    PkPlan plan = PkPlan.build(sizes, Map.of(), 4, 5, 7);
    int dim = items.select("features").first().getSeq(0).length();
    // 300 x 784 floats = 0.9 MB: over a 0 MB limit, under 1 MB
    assertEquals(null, FeatureTable.broadcast(jsc, items, 300, dim, 0), "over the limit: join");
    org.apache.spark.broadcast.Broadcast<FeatureTable> table =
        FeatureTable.broadcast(jsc, items, 300, dim, 1);
    assertTrue(table != null, "within the limit: broadcast");
    try {
      List<DataSet> joined =
          PkStage.batches(jsc, items, plan, 7, 2, null, TrainAugment.OFF).collect();
      List<DataSet> broadcast =
          PkStage.batches(jsc, items, plan, 7, 2, table, TrainAugment.OFF).collect();
      assertEquals(plan.batches(), broadcast.size());
      assertSameBatches(joined, broadcast);
    } finally {
      table.destroy();
    }
  }

  /**
   * The training items do not change between rounds: a TrainStage broadcasts their features once
   * and keeps the table through its rounds, builds another for other items, and destroys it on
   * close.
   */
  @Test
  void aTrainStageKeepsOneFeatureTableAcrossRoundsAndDestroysItOnClose() throws Exception {
    SparkSession spark = SharedSpark.get();
    Path[] data = TinyData.write(tmp.resolve("in"), 120);
    Dataset<Row> items = IdxSource.load(spark, data[0].toString(), data[1].toString(), 2);
    JobConfig cfg = TrainAugmentTest.config("off"); // tiny pk: P = 4, K = 3, random classes
    org.deeplearning4j.nn.multilayer.MultiLayerNetwork net =
        io.hardneg.core.model.EmbeddingNetworks.build(cfg.modelSpec(784), cfg.lossFunction());
    org.apache.spark.broadcast.Broadcast<FeatureTable> first;
    org.apache.spark.broadcast.Broadcast<FeatureTable> other;
    try (TrainStage stage = new TrainStage(spark, net, cfg)) {
      first = stage.featureTable(items);
      assertTrue(first != null, "120 x 784 floats are within the default limit");
      stage.train(null, items, 0);
      stage.train(null, items, 1);
      assertTrue(stage.rowsFitted() > 0, "two rounds trained");
      assertTrue(first == stage.featureTable(items), "the rounds reused the run's table");
      assertEquals(120 * 784, first.value().size() * first.value().dim());
      // other items (a new Dataset): the old table goes, a new one is built
      Dataset<Row> fewer = items.limit(60);
      other = stage.featureTable(fewer);
      assertTrue(other != null && other != first);
      assertDestroyed(first);
    }
    assertDestroyed(other);
  }

  private static void assertDestroyed(org.apache.spark.broadcast.Broadcast<FeatureTable> table) {
    org.apache.spark.SparkException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            org.apache.spark.SparkException.class, table::value);
    assertTrue(e.getMessage().contains("destroyed"), e.getMessage());
  }

  @Test
  void featureTableFindsEachIdsRowAndRefusesUnknownAndRepeatedIds() {
    FeatureTable t = FeatureTable.of(new long[] {9, 2, 5}, new float[] {9, 90, 2, 20, 5, 50}, 2);
    float[] out = new float[4];
    t.copy(5, out, 0);
    t.copy(9, out, 2);
    assertArrayEquals(new float[] {5, 50, 9, 90}, out);
    // what an executor of a cluster reads: the broadcast value through Kryo (registration required)
    org.apache.spark.serializer.SerializerInstance kryo =
        new org.apache.spark.serializer.KryoSerializer(SharedSpark.get().sparkContext().getConf())
            .newInstance();
    scala.reflect.ClassTag<Object> any = scala.reflect.ClassTag$.MODULE$.apply(Object.class);
    FeatureTable back = (FeatureTable) kryo.deserialize(kryo.serialize(t, any), any);
    float[] again = new float[4];
    back.copy(5, again, 0);
    back.copy(9, again, 2);
    assertArrayEquals(out, again);
    assertEquals(2, back.dim());
    IllegalStateException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class, () -> t.copy(3, out, 0));
    assertTrue(e.getMessage().contains("item id 3"), e.getMessage());
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> FeatureTable.of(new long[] {4, 4}, new float[] {1, 2}, 1));
  }

  @Test
  void randomCompositionIgnoresTheConfusionsAndFollowsTheSeed() throws Exception {
    SparkSession spark = SharedSpark.get();
    Path[] data = TinyData.write(tmp.resolve("in"), 300);
    Dataset<Row> items = IdxSource.load(spark, data[0].toString(), data[1].toString(), 3);
    MineStage.Mined mined =
        MineStage.mine(
            spark,
            EmbedStage.embed(spark, items, null, 64),
            new MiningConfig(0.1, 1, 2, SemiHardFallback.NEAREST_BEYOND, 9),
            new KnnOptions(1, 64, 100, DataType.FLOAT),
            JobConfig.from(new Settings()).search(),
            0,
            "raw",
            3);
    try {
      Dataset<Row> all = mined.triplets();
      // another round's confusions: only the triplets whose anchor class is below 5
      Dataset<Row> some = all.where(org.apache.spark.sql.functions.col("anchor_label").lt(5));
      assertTrue(PkStage.confusion(all).size() > PkStage.confusion(some).size());
      Map<Long, Long> sizes = PkStage.sizes(items);
      JobConfig.PkCompose random = JobConfig.PkCompose.RANDOM;
      JobConfig.PkCompose confusions = JobConfig.PkCompose.CONFUSIONS;
      List<Set<Long>> r = classesPerBatch(sizes, PkStage.confusion(random, all), 99);
      assertEquals(r, classesPerBatch(sizes, PkStage.confusion(random, some), 99));
      assertEquals(r, classesPerBatch(sizes, Map.of(), 99), "as if nothing had been mined");
      assertEquals(r, classesPerBatch(sizes, PkStage.confusion(random, all), 99), "a rerun");
      assertNotEquals(r, classesPerBatch(sizes, PkStage.confusion(random, all), 100));
      // the oracle can tell: composing from the confusions gives other batches
      assertNotEquals(r, classesPerBatch(sizes, PkStage.confusion(confusions, all), 99));
      // neighbourhoods: train.pk.compose picks PkPlan.neighbourhoods over the mined confusions
      // (its invariants: NeighbourhoodPlanTest)
      Map<Long, Map<Long, Long>> c = PkStage.confusion(confusions, all);
      PkPlan walk = PkStage.plan(pk("neighbourhoods"), sizes, c, 99);
      PkPlan weighted = PkStage.plan(pk("confusions"), sizes, c, 99);
      assertSamePlan(PkPlan.neighbourhoods(sizes, c, 4, 5, 99), walk, sizes);
      assertSamePlan(PkPlan.build(sizes, c, 4, 5, 99), weighted, sizes);
      assertNotEquals(classesPerBatch(weighted), classesPerBatch(walk));
    } finally {
      mined.release();
    }
  }

  /** The same DataSets, features and labels, in the same order. */
  static void assertSameBatches(List<DataSet> expected, List<DataSet> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).getFeatures(), actual.get(i).getFeatures(), "batch " + i);
      assertEquals(expected.get(i).getLabels(), actual.get(i).getLabels(), "batch " + i);
    }
  }

  /** pk mode's training settings with P = 4, K = 5 and the given composition. */
  private static JobConfig.TrainSettings pk(String compose) {
    return JobConfig.from(
            new Settings()
                .set("train.mode", "pk", "t")
                .set("train.pk.compose", compose, "t")
                .set("train.pk.classes", "4", "t")
                .set("train.pk.perClass", "5", "t"))
        .train();
  }

  private static void assertSamePlan(PkPlan expected, PkPlan actual, Map<Long, Long> sizes) {
    for (long label : sizes.keySet()) {
      assertArrayEquals(expected.batchesOf(label), actual.batchesOf(label));
      assertArrayEquals(expected.positionsOf(label), actual.positionsOf(label));
    }
  }

  /** The set of classes of each batch of the plan (P = 4, K = 5). */
  private static List<Set<Long>> classesPerBatch(
      Map<Long, Long> sizes, Map<Long, Map<Long, Long>> confusion, long seed) {
    return classesPerBatch(PkPlan.build(sizes, confusion, 4, 5, seed));
  }

  private static List<Set<Long>> classesPerBatch(PkPlan plan) {
    List<Set<Long>> out = new ArrayList<>();
    for (int b = 0; b < plan.batches(); b++) {
      out.add(new java.util.TreeSet<>());
    }
    for (long c : plan.classes()) {
      for (int b : plan.batchesOf(c)) {
        out.get(b).add(c);
      }
    }
    return out;
  }

  private static java.util.LinkedHashSet<Long> rowsOrder(INDArray y) {
    java.util.LinkedHashSet<Long> s = new java.util.LinkedHashSet<>();
    for (int i = 0; i < y.rows(); i++) {
      s.add((long) y.getDouble(i, 0));
    }
    return s;
  }
}
