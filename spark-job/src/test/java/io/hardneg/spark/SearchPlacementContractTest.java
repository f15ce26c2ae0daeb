package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.ivf.IvfSearch;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.mining.MinedTriplet;
import io.hardneg.core.mining.MiningConfig;
import io.hardneg.core.mining.SemiHardFallback;
import io.hardneg.core.mining.TripletMiner;
import io.hardneg.core.search.LocalSearch;
import io.hardneg.core.search.SearchReport;
import io.hardneg.spark.config.SearchSettings;
import io.hardneg.spark.io.Schemas;
import io.hardneg.spark.stage.MineStage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The contract of the search placements: on the same items, seed and round every Spark placement
 * gives exactly the triplets (and counters) of miner-core's single-machine runner — broadcast and
 * tiled those of the exact runner, ivf those of {@link IvfSearch}'s runner (same sample, same
 * centroids) — in class mode with random and hardest positives and in pair mode.
 */
class SearchPlacementContractTest {
  static final int N = 160;
  static final int DIM = 8;
  static final int ROUND = 1;
  static final MiningConfig MINING =
      new MiningConfig(0.2, 1, 2, SemiHardFallback.NEAREST_BEYOND, 9);
  static final KnnOptions KNN = new KnnOptions(1, 32, 64, DataType.FLOAT);

  /** Unit vectors around 6 centres, 5 labels independent of them; ids 500 + i. */
  static LabeledVectors items(int n, long seed) {
    Random r = new Random(seed);
    float[][] centre = new float[6][DIM];
    for (float[] c : centre) {
      for (int j = 0; j < DIM; j++) {
        c[j] = (float) r.nextGaussian();
      }
    }
    long[] ids = new long[n];
    long[] labels = new long[n];
    float[] v = new float[n * DIM];
    for (int i = 0; i < n; i++) {
      ids[i] = 500 + i;
      labels[i] = r.nextInt(5);
      float[] c = centre[r.nextInt(centre.length)];
      for (int j = 0; j < DIM; j++) {
        v[i * DIM + j] = (float) (c[j] + 0.4 * r.nextGaussian());
      }
    }
    return new LabeledVectors(ids, labels, v, DIM).normalized();
  }

  static Dataset<Row> table(SparkSession spark, LabeledVectors t, int partitions) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < t.size(); i++) {
      Float[] boxed = new Float[DIM];
      for (int j = 0; j < DIM; j++) {
        boxed[j] = t.values()[i * DIM + j];
      }
      rows.add(RowFactory.create(t.ids()[i], t.labels()[i], boxed));
    }
    return spark.createDataFrame(rows, Schemas.EMBEDDINGS).repartition(partitions);
  }

  /** Each anchor of the first 60 items paired with the next one and the one 7 further. */
  static long[][] pairs(LabeledVectors t) {
    List<long[]> out = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      out.add(new long[] {t.ids()[i], t.ids()[i + 1]});
      out.add(new long[] {t.ids()[i], t.ids()[i + 7]});
    }
    return out.toArray(new long[0][]);
  }

  static String text(
      long a, long p, long n, long al, long nl, float dap, float dan, long rank, String kind) {
    return a + "," + p + "," + n + "," + al + "," + nl + "," + dap + "," + dan + "," + rank + ","
        + kind;
  }

  static List<String> text(TripletMiner.Result r) {
    List<String> out = new ArrayList<>();
    for (MinedTriplet t : r.triplets()) {
      out.add(
          text(
              t.anchor(),
              t.positive(),
              t.negative(),
              t.anchorLabel(),
              t.negativeLabel(),
              (float) t.dAp(),
              (float) t.dAn(),
              t.negRank(),
              t.kind().label()));
    }
    out.add(
        "stats "
            + r.stats().anchors()
            + " "
            + r.stats().noPositive()
            + " "
            + r.stats().noNegative()
            + " "
            + r.stats().triplets());
    return out.stream().sorted().toList();
  }

  /** The Spark MINE stage's triplets, as {@link #text(TripletMiner.Result)} writes them. */
  static Map.Entry<List<String>, SearchReport> spark(
      Dataset<Row> emb, Dataset<Row> pairs, boolean hardest, SearchSettings s) {
    MineStage.Mined m =
        MineStage.mine(SharedSpark.get(), emb, pairs, hardest, MINING, KNN, s, ROUND, "m", 4);
    List<String> out = new ArrayList<>();
    for (Row r : m.triplets().collectAsList()) {
      out.add(
          text(
              r.getLong(1),
              r.getLong(2),
              r.getLong(3),
              r.getLong(4),
              r.getLong(5),
              r.getFloat(6),
              r.getFloat(7),
              r.getInt(8),
              r.getString(9)));
    }
    out.add(
        "stats "
            + m.stats().anchors()
            + " "
            + m.stats().noPositive()
            + " "
            + m.stats().noNegative()
            + " "
            + m.stats().triplets());
    SearchReport report = m.search();
    m.release();
    return Map.entry(out.stream().sorted().toList(), report);
  }

  static TripletMiner.Result runner(
      LabeledVectors t, long[][] pairs, boolean hardest, LocalSearch search) {
    TripletMiner miner = new TripletMiner(MINING, KNN);
    return pairs == null
        ? miner.mine(t, hardest, search, ROUND)
        : miner.minePairs(t, pairs, search, ROUND);
  }

  @Test
  void everyPlacementGivesTheRunnersTripletsInClassAndPairMode() {
    SparkSession spark = SharedSpark.get();
    LabeledVectors t = items(N, 4);
    Dataset<Row> emb = table(spark, t, 3);
    long[][] pairs = pairs(t);
    List<Row> pairRows = new ArrayList<>();
    for (long[] p : pairs) {
      pairRows.add(RowFactory.create(p[0], p[1]));
    }
    Dataset<Row> pairTable =
        spark
            .createDataFrame(
                pairRows,
                new StructType()
                    .add("anchor_id", DataTypes.LongType, false)
                    .add("positive_id", DataTypes.LongType, false))
            .repartition(2);
    SearchSettings broadcast = SearchSettings.of("broadcast", 0, 1, 30, 4096, 5, 3, 0, 1);
    SearchSettings tiled = SearchSettings.of("tiled", 0, 1, 30, 4096, 5, 3, 0, 1);
    SearchSettings ivf = SearchSettings.of("ivf", 6, 2, 30, 4096, 5, 3, 0, 1);
    LocalSearch exact = LocalSearch.exact(KNN);
    LocalSearch ivfRunner = IvfSearch.runner(6, 2, 30, 4096, 5, KNN);
    for (String mode : List.of("random", "hardest", "pairs")) {
      boolean hardest = mode.equals("hardest");
      long[][] p = mode.equals("pairs") ? pairs : null;
      Dataset<Row> pt = p == null ? null : pairTable;
      List<String> want = text(runner(t, p, hardest, exact));
      assertTrue(want.size() > N / 3, mode + ": " + want.size() + " triplets");
      // the single-machine tiled runner agrees with the exact one
      TripletMiner.Result localTiled = runner(t, p, hardest, LocalSearch.tiled(3, 30, KNN));
      MineStageTest.assertSameTriplets(want, text(localTiled));
      MineStageTest.assertSameTriplets(want, spark(emb, pt, hardest, broadcast).getKey());
      Map.Entry<List<String>, SearchReport> sparkTiled = spark(emb, pt, hardest, tiled);
      MineStageTest.assertSameTriplets(want, sparkTiled.getKey());
      assertEquals(localTiled.search(), sparkTiled.getValue(), mode + ": tiled report");
      TripletMiner.Result localIvf = runner(t, p, hardest, ivfRunner);
      Map.Entry<List<String>, SearchReport> sparkIvf = spark(emb, pt, hardest, ivf);
      MineStageTest.assertSameTriplets(text(localIvf), sparkIvf.getKey());
      assertEquals(localIvf.search(), sparkIvf.getValue(), mode + ": ivf report");
    }
  }

  @Test
  void ivfAboveTheKMeansSampleGivesTheSameTripletsAtOneThreeAndSevenPartitions() {
    SparkSession spark = SharedSpark.get();
    LabeledVectors t = items(300, 6);
    // 300 items, a k-means sample of 40: the sample is chosen by hash, not by partition
    SearchSettings ivf = SearchSettings.of("ivf", 6, 2, 50, 40, 5, 3, 0, 1);
    List<String> want = text(runner(t, null, false, IvfSearch.runner(6, 2, 50, 40, 5, KNN)));
    for (int partitions : new int[] {1, 3, 7}) {
      Map.Entry<List<String>, SearchReport> got =
          spark(table(spark, t, partitions), null, false, ivf);
      MineStageTest.assertSameTriplets(want, got.getKey());
      assertEquals(40, got.getValue().kmeansSample());
    }
  }

  @Test
  void spillingIvfGivesTheRunnersTripletsAtOneThreeAndSevenPartitions() {
    SparkSession spark = SharedSpark.get();
    LabeledVectors t = items(300, 8);
    // each item lives in 3 of the 6 lists, 2 probes; a cap of 30 splits every list (~150 bases)
    SearchSettings ivf = SearchSettings.of("ivf", 6, 2, 30, 4096, 5, 3, 0, 3);
    TripletMiner.Result local = runner(t, null, false, IvfSearch.runner(6, 2, 3, 30, 4096, 5, KNN));
    List<String> want = text(local);
    assertTrue(local.search().listsSplit() > 0, "" + local.search());
    assertEquals(3, local.search().baseLists());
    for (int partitions : new int[] {1, 3, 7}) {
      Map.Entry<List<String>, SearchReport> got =
          spark(table(spark, t, partitions), null, false, ivf);
      MineStageTest.assertSameTriplets(want, got.getKey());
      assertEquals(local.search(), got.getValue(), partitions + " partitions");
    }
  }
}
