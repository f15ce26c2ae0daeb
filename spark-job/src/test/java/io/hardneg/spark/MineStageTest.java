package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.mining.MiningConfig;
import io.hardneg.core.mining.SemiHardFallback;
import io.hardneg.core.search.SearchReport;
import io.hardneg.core.search.SearchReport.NearestNegativeRecall;
import io.hardneg.spark.config.SearchSettings;
import io.hardneg.spark.io.IdxSource;
import io.hardneg.spark.stage.EmbedStage;
import io.hardneg.spark.stage.MineStage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Mining depends on (seed, round, anchor id) only — not on partitioning, tiling or placement — and
 * the approximate placement equals the exact one when it probes every list.
 */
class MineStageTest {
  static final int N = 300;
  @TempDir static Path tmp;
  static SparkSession spark;
  static Dataset<Row> items;

  @BeforeAll
  static void load() throws Exception {
    spark = SharedSpark.get();
    Path[] data = TinyData.write(tmp, N);
    items = IdxSource.load(spark, data[0].toString(), data[1].toString(), 2);
  }

  static SearchSettings settings(String mode, int nlist, int nprobe, int cap) {
    return SearchSettings.of(mode, nlist, nprobe, cap, 4096, 5, 3, 100, 1);
  }

  /** Compares triplet lists, reporting only the first difference (lists are long). */
  static void assertSameTriplets(List<String> expected, List<String> actual) {
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      if (!expected.get(i).equals(actual.get(i))) {
        throw new AssertionError(
            "triplet " + i + " differs: expected " + expected.get(i) + " but was " + actual.get(i));
      }
    }
    assertEquals(expected.size(), actual.size(), "number of triplets");
  }

  /** Triplets as sorted strings, plus the search report. */
  static Map.Entry<List<String>, SearchReport> mine(
      int partitions, int queryBlock, SearchSettings s) {
    Dataset<Row> emb = EmbedStage.embed(spark, items.repartition(partitions), null, 64);
    MineStage.Mined m =
        MineStage.mine(
            spark,
            emb,
            new MiningConfig(0.1, 1, 2, SemiHardFallback.NEAREST_BEYOND, 9),
            new KnnOptions(1, queryBlock, 100, DataType.FLOAT),
            s,
            3,
            "raw",
            4);
    List<String> rows =
        m.triplets().orderBy("anchor", "negative").collectAsList().stream()
            .map(Row::toString)
            .toList();
    assertEquals(m.stats().triplets(), rows.size());
    assertEquals(N, m.stats().anchors());
    SearchReport report = m.search();
    m.release();
    return Map.entry(rows, report);
  }

  @Test
  void identicalTripletsWithOneThreeAndSevenPartitionsInEveryPlacement() {
    List<String> exact = mine(1, 1024, settings("broadcast", 0, 1, 50)).getKey();
    assertTrue(exact.size() >= N, "at least a hard negative per anchor: " + exact.size());
    assertSameTriplets(exact, mine(3, 17, settings("broadcast", 0, 1, 50)).getKey());
    assertSameTriplets(exact, mine(7, 50, settings("broadcast", 0, 1, 50)).getKey());
    // tiled exact: same triplets, with lists small enough to be split into sub-lists
    Map.Entry<List<String>, SearchReport> tiled = mine(3, 64, settings("tiled", 0, 1, 40));
    assertSameTriplets(exact, tiled.getKey());
    assertTrue(tiled.getValue().listsSplit() > 0, "" + tiled);
    List<String> ivf = mine(1, 64, settings("ivf", 6, 2, 50)).getKey();
    assertSameTriplets(ivf, mine(7, 33, settings("ivf", 6, 2, 50)).getKey());
  }

  @Test
  void aTaskThatFailsOnceAndIsRetriedChangesNothing() {
    List<String> clean = mine(3, 64, settings("ivf", 6, 2, 50)).getKey();
    // the first attempt of partition 1 dies mid-partition; Spark retries it
    Dataset<Row> emb = EmbedStage.embed(spark, items.repartition(3), null, 64);
    Dataset<Row> flaky =
        spark.createDataFrame(
            emb.javaRDD()
                .mapPartitions(
                    rows -> {
                      org.apache.spark.TaskContext tc = org.apache.spark.TaskContext.get();
                      List<Row> buf = new java.util.ArrayList<>();
                      rows.forEachRemaining(buf::add);
                      if (tc.partitionId() == 1
                          && tc.attemptNumber() == 0
                          && tc.stageAttemptNumber() == 0) {
                        throw new IllegalStateException("injected executor failure");
                      }
                      return buf.iterator();
                    }),
            emb.schema());
    MineStage.Mined m =
        MineStage.mine(
            spark,
            flaky,
            new MiningConfig(0.1, 1, 2, SemiHardFallback.NEAREST_BEYOND, 9),
            new KnnOptions(1, 64, 100, DataType.FLOAT),
            settings("ivf", 6, 2, 50),
            3,
            "raw",
            4);
    List<String> retried =
        m.triplets().orderBy("anchor", "negative").collectAsList().stream()
            .map(Row::toString)
            .toList();
    m.release();
    assertSameTriplets(clean, retried);
  }

  @Test
  void hardestPositiveIsTheFarthestSameClassItemInEveryExactPlacement() {
    Dataset<Row> emb = EmbedStage.embed(spark, items.repartition(3), null, 64);
    io.hardneg.core.data.LabeledVectors t = io.hardneg.spark.io.Tables.collect(emb);
    java.util.Map<Long, Integer> row = new java.util.HashMap<>();
    for (int i = 0; i < t.size(); i++) {
      row.put(t.ids()[i], i);
    }
    List<String> first = null;
    for (SearchSettings s :
        List.of(
            settings("broadcast", 0, 1, 50),
            settings("tiled", 0, 1, 40),
            settings("ivf", 5, 5, 50))) {
      MineStage.Mined m =
          MineStage.mine(
              spark,
              emb,
              null,
              true,
              new MiningConfig(0.1, 1, 1, SemiHardFallback.NEAREST_BEYOND, 9),
              new KnnOptions(1, 64, 100, DataType.FLOAT),
              s,
              0,
              "raw",
              3);
      List<Row> rows = m.triplets().orderBy("anchor", "negative").collectAsList();
      for (Row r : rows) {
        int a = row.get(r.getLong(1));
        double far = 0;
        for (int j = 0; j < t.size(); j++) {
          if (j != a && t.labels()[j] == t.labels()[a]) {
            far =
                Math.max(
                    far,
                    io.hardneg.core.data.VectorMath.distance(
                        t.values(), a, t.values(), j, t.dim()));
          }
        }
        assertEquals(far, r.getFloat(6), 1e-5, "hardest positive of " + r.getLong(1));
      }
      List<String> asText = rows.stream().map(Row::toString).toList();
      if (first == null) {
        first = asText;
      } else {
        assertSameTriplets(first, asText);
      }
      m.release();
    }
  }

  @Test
  void ivfProbingEveryListEqualsExact() {
    List<String> exact = mine(2, 128, settings("broadcast", 0, 1, 50)).getKey();
    Map.Entry<List<String>, SearchReport> ivf = mine(3, 128, settings("ivf", 8, 8, 30));
    assertSameTriplets(exact, ivf.getKey());
    NearestNegativeRecall recall = ivf.getValue().nearestNegativeRecall();
    assertEquals(1.0, recall.recall(), 0.0, "" + ivf.getValue());
  }

  @Test
  void aSingleHugeListIsSplitAndEmptyListsAreHarmless() {
    // 90% of the vectors sit in one tight blob: one IVF list holds them, the cap splits it
    java.util.Random r = new java.util.Random(3);
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Float[] v = new Float[8];
      for (int j = 0; j < 8; j++) {
        v[j] = (float) (i < 180 ? (j == 0 ? 1 : 0) + 1e-3 * r.nextGaussian() : r.nextGaussian());
      }
      float[] f = new float[8];
      for (int j = 0; j < 8; j++) {
        f[j] = v[j];
      }
      io.hardneg.core.data.VectorMath.normalizeInPlace(f, 0, 8);
      for (int j = 0; j < 8; j++) {
        v[j] = f[j];
      }
      rows.add(org.apache.spark.sql.RowFactory.create((long) i, (long) r.nextInt(5), v));
    }
    Dataset<Row> emb =
        spark.createDataFrame(rows, io.hardneg.spark.io.Schemas.EMBEDDINGS).repartition(3);
    MiningConfig cfg = new MiningConfig(0.1, 1, 2, SemiHardFallback.NEAREST_BEYOND, 9);
    KnnOptions knn = new KnnOptions(1, 64, 100, DataType.FLOAT);
    MineStage.Mined exact =
        MineStage.mine(spark, emb, cfg, knn, settings("broadcast", 0, 1, 50), 0, "x", 4);
    List<String> want =
        exact.triplets().orderBy("anchor", "negative").collectAsList().stream()
            .map(Row::toString)
            .toList();
    exact.release();
    // 4 lists: the blob fills one list of >= 150 vectors, the cap of 25 splits it into sub-lists
    MineStage.Mined ivf =
        MineStage.mine(spark, emb, cfg, knn, settings("ivf", 4, 4, 25), 0, "x", 4);
    List<String> got =
        ivf.triplets().orderBy("anchor", "negative").collectAsList().stream()
            .map(Row::toString)
            .toList();
    SearchReport report = ivf.search();
    ivf.release();
    assertSameTriplets(want, got);
    assertTrue(report.largestList() >= 150, "" + report);
    assertTrue(report.listsSplit() >= 1, "" + report);
    assertTrue(report.listsQuerySplit() >= 1, "" + report);
    // no task holds more than the cap of 25 bases or queries (packed sub-lists,
    // docs/reliability.md)
    assertTrue(report.largestTaskBases() <= 25, "" + report);
    assertTrue(report.largestTaskQueries() <= 25, "" + report);
    // more tiles than items: most tiles are empty, the result is still exact
    MineStage.Mined tiled =
        MineStage.mine(
            spark,
            emb,
            cfg,
            knn,
            SearchSettings.of("tiled", 0, 1, 50, 100, 1, 400, 0, 1),
            0,
            "x",
            4);
    List<String> gotTiled =
        tiled.triplets().orderBy("anchor", "negative").collectAsList().stream()
            .map(Row::toString)
            .toList();
    SearchReport tiledReport = tiled.search();
    tiled.release();
    assertSameTriplets(want, gotTiled);
    assertTrue(tiledReport.listsNonempty() < 200, "" + tiledReport);
  }

  @Test
  void ivfWithFewProbesReportsItsRecallAgainstExact() {
    SearchReport report = mine(2, 128, settings("ivf", 16, 2, 50)).getValue();
    NearestNegativeRecall recall = report.nearestNegativeRecall();
    double r = recall.recall();
    // raw pixels of 300 images in 16 lists, 2 probed: well above chance (2/16), below exact
    assertTrue(r > 0.5 && r <= 1.0, "recall " + r + " " + report);
    assertEquals(16, report.nlist());
  }
}
