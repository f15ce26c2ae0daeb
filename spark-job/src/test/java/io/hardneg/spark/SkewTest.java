package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.data.VectorMath;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.mining.MiningConfig;
import io.hardneg.core.mining.PositiveRule;
import io.hardneg.core.mining.SemiHardFallback;
import io.hardneg.core.search.SearchReport;
import io.hardneg.spark.config.SearchSettings;
import io.hardneg.spark.io.Schemas;
import io.hardneg.spark.result.PositivesReport;
import io.hardneg.spark.stage.MineStage;
import io.hardneg.spark.stage.PositiveStage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Skewed inputs: one class holding half the items, one holding 90% (positives), and one IVF list
 * holding 30% of the vectors. Oracle: the exact broadcast search on the same embeddings; the split
 * must change nothing, and no task may hold more than {@code mining.listCap} bases or queries.
 */
class SkewTest {
  static final int DIM = 8;

  /** Unit vectors: {@code blob} items in a tight cluster, the rest spread; labels as given. */
  static Dataset<Row> embeddings(SparkSession spark, long[] labels, int blob, long seed) {
    Random r = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      float[] f = new float[DIM];
      for (int j = 0; j < DIM; j++) {
        f[j] = (float) (i < blob ? (j == 0 ? 1 : 0) + 1e-3 * r.nextGaussian() : r.nextGaussian());
      }
      VectorMath.normalizeInPlace(f, 0, DIM);
      Float[] boxed = new Float[DIM];
      for (int j = 0; j < DIM; j++) {
        boxed[j] = f[j];
      }
      rows.add(RowFactory.create((long) i, labels[i], boxed));
    }
    return spark.createDataFrame(rows, Schemas.EMBEDDINGS).repartition(3);
  }

  static List<String> triplets(MineStage.Mined m) {
    return m.triplets().orderBy("anchor", "positive", "negative").collectAsList().stream()
        .map(Row::toString)
        .toList();
  }

  @Test
  void oneClassHoldingHalfTheItemsMinesExactlyWithQuotas() {
    SparkSession spark = SharedSpark.get();
    int n = 240;
    long[] labels = new long[n];
    Random r = new Random(5);
    for (int i = 0; i < n; i++) {
      labels[i] = i % 2 == 0 ? 0 : 1 + r.nextInt(6); // label 0: exactly half
    }
    Dataset<Row> emb = embeddings(spark, labels, 0, 11);
    // quota 1 per (anchor, negative label), guards on: the big class must not starve the rest
    MiningConfig cfg =
        new MiningConfig(
            0.2,
            2,
            3,
            SemiHardFallback.NEAREST_BEYOND,
            3,
            0,
            0,
            0,
            Double.NaN,
            Double.NaN,
            0.0,
            1,
            8);
    KnnOptions knn = new KnnOptions(1, 64, 100, DataType.FLOAT);
    MineStage.Mined exact =
        MineStage.mine(
            spark,
            emb,
            cfg,
            knn,
            SearchSettings.of("broadcast", 0, 1, 50, 100, 1, 1, 0, 1),
            0,
            "x",
            3);
    List<String> want = triplets(exact);
    long anchors = exact.stats().anchors();
    long withoutPositive = exact.stats().noPositive();
    // the quota holds for every anchor: at most one negative per (anchor, negative label)
    long worst =
        exact
            .triplets()
            .groupBy("anchor", "negative_label")
            .count()
            .agg(org.apache.spark.sql.functions.max("count"))
            .first()
            .getLong(0);
    // every anchor of the big class found negatives
    long bigAnchors =
        exact.triplets().filter("anchor_label = 0").select("anchor").distinct().count();
    exact.release();
    assertEquals(n, anchors);
    assertEquals(0, withoutPositive);
    assertEquals(1, worst, "quota of 1 negative per label");
    assertEquals(n / 2, bigAnchors, "every item of the half-size class is an anchor with triplets");
    MineStage.Mined tiled =
        MineStage.mine(
            spark, emb, cfg, knn, SearchSettings.of("tiled", 0, 1, 50, 100, 1, 4, 0, 1), 0, "x", 3);
    List<String> gotTiled = triplets(tiled);
    tiled.release();
    MineStageTest.assertSameTriplets(want, gotTiled);
    // IVF probing every list with a small cap: exact again, split lists
    MineStage.Mined ivf =
        MineStage.mine(
            spark, emb, cfg, knn, SearchSettings.of("ivf", 6, 6, 30, 1000, 5, 1, 0, 1), 0, "x", 3);
    List<String> gotIvf = triplets(ivf);
    SearchReport report = ivf.search();
    ivf.release();
    MineStageTest.assertSameTriplets(want, gotIvf);
    assertTrue(report.largestTaskBases() <= 30, "" + report);
    assertTrue(report.largestTaskQueries() <= 30, "" + report);
  }

  /**
   * Positives (class mode, random): a class holding 90% of the items is cycled across the tasks of
   * a range partitioning of the global order, none of which holds the class, and the positives are
   * still the single-machine rule's ({@link PositiveRule#successors}).
   */
  @Test
  void oneClassHolding90PercentIsCycledWithoutAnyTaskHoldingIt() {
    SparkSession spark = SharedSpark.get();
    int n = 2000;
    int tasks = 8;
    long[] ids = new long[n];
    long[] labels = new long[n];
    Random r = new Random(21);
    for (int i = 0; i < n; i++) {
      ids[i] = 3 * i + 1;
      labels[i] = i % 10 == 0 ? 1 + r.nextInt(9) : 0; // label 0: exactly 90%
    }
    Dataset<Row> emb =
        embeddings(spark, labels, 0, 17)
            .withColumn("id", org.apache.spark.sql.functions.col("id").multiply(3).plus(1));
    int[] rule = PositiveRule.successors(ids, labels, 7, 2);
    Map<Long, Long> want = new java.util.TreeMap<>();
    for (int i = 0; i < n; i++) {
      if (rule[i] >= 0) {
        want.put(ids[i], ids[rule[i]]);
      }
    }
    PositiveStage.Attached a = PositiveStage.attach(spark, emb, 7, 2, tasks);
    Map<Long, Long> got = new java.util.TreeMap<>();
    for (Row row : a.anchors().select("id", "positive").collectAsList()) {
      if (!row.isNullAt(1)) {
        got.put(row.getLong(0), row.getLong(1));
      }
    }
    assertEquals(want, got);
    // what each task of the cycle held: about n / tasks rows, far below the class's 1,800
    assertEquals(tasks, a.report().tasks(), "" + a.report());
    long largest = a.report().largestTask();
    assertTrue(largest <= 2 * n / tasks, "largest task " + largest + ": " + a.report());
    // the same through MINE: its report carries the cycle's figures
    MiningConfig cfg = new MiningConfig(0.2, 1, 1, SemiHardFallback.NEAREST_BEYOND, 7);
    MineStage.Mined m =
        MineStage.mine(
            spark,
            emb,
            cfg,
            new KnnOptions(1, 64, 100, DataType.FLOAT),
            SearchSettings.of("broadcast", 0, 1, 50, 100, 1, 1, 0, 1),
            2,
            "x",
            tasks);
    PositivesReport positives = m.positives();
    long withoutPositive = m.stats().noPositive();
    m.release();
    assertEquals("random", positives.policy());
    assertTrue(positives.largestTask() <= 2 * n / tasks, "" + positives);
    assertEquals(0, withoutPositive, "every class has two items or more");
  }

  @Test
  void oneIvfListHolding30PercentIsSplitToTheCap() {
    SparkSession spark = SharedSpark.get();
    int n = 400;
    long[] labels = new long[n];
    Random r = new Random(8);
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(5);
    }
    Dataset<Row> emb = embeddings(spark, labels, 120, 13); // 120 of 400 = 30% in one blob
    MiningConfig cfg = new MiningConfig(0.1, 1, 2, SemiHardFallback.NEAREST_BEYOND, 9);
    KnnOptions knn = new KnnOptions(1, 64, 100, DataType.FLOAT);
    MineStage.Mined exact =
        MineStage.mine(
            spark,
            emb,
            cfg,
            knn,
            SearchSettings.of("broadcast", 0, 1, 50, 100, 1, 1, 0, 1),
            0,
            "x",
            3);
    List<String> want = triplets(exact);
    exact.release();
    int cap = 20;
    MineStage.Mined ivf =
        MineStage.mine(
            spark, emb, cfg, knn, SearchSettings.of("ivf", 8, 8, cap, 1000, 5, 1, 0, 1), 0, "x", 3);
    List<String> got = triplets(ivf);
    SearchReport report = ivf.search();
    ivf.release();
    MineStageTest.assertSameTriplets(want, got);
    assertTrue(report.largestList() >= 120, "" + report);
    assertTrue(report.listsSplit() >= 1, "" + report);
    // the point of the split: no task holds more than the cap, bases or queries
    assertTrue(report.largestTaskBases() <= cap, "" + report);
    assertTrue(report.largestTaskQueries() <= cap, "" + report);
  }
}
