package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.data.VectorMath;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.mining.MiningConfig;
import io.hardneg.core.mining.SemiHardFallback;
import io.hardneg.spark.config.SearchSettings;
import io.hardneg.spark.io.IdxSource;
import io.hardneg.spark.io.InputException;
import io.hardneg.spark.io.PairSource;
import io.hardneg.spark.io.Tables;
import io.hardneg.spark.stage.EmbedStage;
import io.hardneg.spark.stage.MineStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/** Pair mode: positives from a pairs table, known positives masked out of the negatives. */
class PairModeTest {
  @TempDir Path tmp;

  @Test
  void negativesAreNeverKnownPositivesAndHardIsTheNearestOtherItem() throws Exception {
    SparkSession spark = SharedSpark.get();
    Path[] data = TinyData.write(tmp.resolve("in"), 120);
    Dataset<Row> items = IdxSource.load(spark, data[0].toString(), data[1].toString(), 2);
    // pairs: each even id i is paired with i+1 and i+2 (so positives also appear as anchors'
    // neighbours); known positives are masked in both directions
    StringBuilder csv = new StringBuilder("anchor_id,positive_id\n");
    for (int i = 0; i < 100; i += 2) {
      csv.append(i).append(',').append(i + 1).append('\n');
      csv.append(i).append(',').append(i + 2).append('\n');
    }
    Path pairsFile = tmp.resolve("pairs.csv");
    Files.writeString(pairsFile, csv);
    Dataset<Row> pairs = PairSource.load(spark, pairsFile.toString(), "csv", items);
    Dataset<Row> emb = EmbedStage.embed(spark, items, null, 64);
    Map<Long, Set<Long>> known = new HashMap<>();
    for (Row r : pairs.collectAsList()) {
      known.computeIfAbsent(r.getLong(0), k -> new HashSet<>()).add(r.getLong(1));
      known.computeIfAbsent(r.getLong(1), k -> new HashSet<>()).add(r.getLong(0));
    }
    LabeledVectors t = Tables.collect(emb);
    Map<Long, Integer> row = new HashMap<>();
    for (int i = 0; i < t.size(); i++) {
      row.put(t.ids()[i], i);
    }
    MiningConfig mining = new MiningConfig(0.2, 1, 1, SemiHardFallback.NEAREST_BEYOND, 5);
    List<String> byPlacement = null;
    for (SearchSettings s :
        List.of(
            SearchSettings.of("broadcast", 0, 1, 50, 1000, 5, 2, 0, 1),
            SearchSettings.of("ivf", 4, 4, 30, 1000, 5, 2, 20, 1))) {
      MineStage.Mined m =
          MineStage.mine(
              spark,
              emb,
              pairs,
              false,
              mining,
              new KnnOptions(1, 64, 64, DataType.FLOAT),
              s,
              0,
              "raw",
              3);
      List<Row> triplets = m.triplets().orderBy("anchor", "negative").collectAsList();
      assertEquals(50, m.stats().anchors() - m.stats().noPositive(), "50 anchors have pairs");
      for (Row r : triplets) {
        long a = r.getLong(1);
        long p = r.getLong(2);
        long n = r.getLong(3);
        assertTrue(a % 2 == 0 && a < 100, "anchor " + a);
        assertTrue(known.get(a).contains(p), "positive " + p + " of " + a);
        assertTrue(n != a && !known.get(a).contains(n), "negative " + n + " of " + a);
        if (r.getString(9).equals("hard")) {
          double best = Double.MAX_VALUE;
          for (int j = 0; j < t.size(); j++) {
            if (t.ids()[j] != a && !known.get(a).contains(t.ids()[j])) {
              best =
                  Math.min(
                      best, VectorMath.distance(t.values(), row.get(a), t.values(), j, t.dim()));
            }
          }
          assertEquals(best, r.getFloat(7), 1e-5, "hard negative of " + a);
        }
      }
      List<String> rows = triplets.stream().map(Row::toString).toList();
      if (byPlacement == null) {
        byPlacement = rows;
      } else {
        assertEquals(byPlacement, rows, "ivf probing every list equals broadcast");
      }
      m.release();
    }
  }

  @Test
  void pairsNamingUnknownItemsAreRejected() throws Exception {
    SparkSession spark = SharedSpark.get();
    Path[] data = TinyData.write(tmp.resolve("in2"), 20);
    Dataset<Row> items = IdxSource.load(spark, data[0].toString(), data[1].toString(), 2);
    Path pairsFile = tmp.resolve("bad-pairs.csv");
    Files.writeString(pairsFile, "anchor_id,positive_id\n1,2\n3,500\n");
    InputException e =
        assertThrows(
            InputException.class, () -> PairSource.load(spark, pairsFile.toString(), "csv", items));
    assertTrue(
        e.getMessage().contains("unknown item in positive_id, first: (3, 500)"), e.getMessage());
  }
}
