package io.hardneg.spark.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.spark.SharedSpark;
import io.hardneg.spark.TinyData;
import io.hardneg.spark.io.IdxSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** PK batch composition: the plan's invariants, and the DataSets Spark builds from it. */
class PkStageTest {
  @TempDir Path tmp;

  private static Map<Long, Long> sizes(long... perClass) {
    Map<Long, Long> m = new HashMap<>();
    for (int c = 0; c < perClass.length; c++) {
      m.put((long) c, perClass[c]);
    }
    return m;
  }

  @Test
  void everyBatchHasPDistinctClassesAndConfusedClassesMeetMoreOften() {
    // classes 0 and 1 are each other's mined negatives; nothing else is confused
    Map<Long, Map<Long, Long>> confusion = Map.of(0L, Map.of(1L, 500L), 1L, Map.of(0L, 500L));
    PkPlan plan = PkPlan.build(sizes(100, 100, 100, 100, 100, 100, 100, 100), confusion, 3, 4, 7);
    assertEquals(3, plan.p);
    assertEquals((800 + 11) / 12, plan.batches);
    int[][] members = new int[plan.batches][3];
    for (int[] row : members) {
      java.util.Arrays.fill(row, -1);
    }
    for (Map.Entry<Long, int[]> e : plan.batchesOf.entrySet()) {
      int[] b = e.getValue();
      int[] pos = plan.positionIn.get(e.getKey());
      for (int i = 0; i < b.length; i++) {
        assertEquals(-1, members[b[i]][pos[i]], "two classes in one position");
        members[b[i]][pos[i]] = e.getKey().intValue();
      }
    }
    int together = 0;
    int seededBy0 = 0;
    for (int[] m : members) {
      assertEquals(3, java.util.Arrays.stream(m).distinct().filter(x -> x >= 0).count());
      if (m[0] == 0) {
        seededBy0++;
        if (m[1] == 1 || m[2] == 1) {
          together++;
        }
      }
    }
    // weight 1001 vs 1 for each of the 6 others: class 1 joins almost every batch 0 seeds
    assertTrue(together >= seededBy0 - 1, together + " of " + seededBy0);
    assertTrue(seededBy0 >= plan.batches / 8, "rotation: each class seeds equally often");
  }

  @Test
  void smallClassesAreLeftOutAndTooFewClassesIsAnError() {
    PkPlan plan = PkPlan.build(sizes(1, 50, 50), Map.of(), 8, 4, 1);
    assertEquals(2, plan.p, "P shrinks to the classes with 2+ items");
    assertEquals(0, plan.slots(0));
    assertThrows(IllegalArgumentException.class,
        () -> PkPlan.build(sizes(1, 50), Map.of(), 8, 4, 1));
  }

  @Test
  void sparkBuildsExactBatchesAndUsesEveryItemBeforeRepeatingOne() throws Exception {
    SparkSession spark = SharedSpark.get();
    Path[] data = TinyData.write(tmp.resolve("in"), 300);
    Dataset<Row> items = IdxSource.load(spark, data[0].toString(), data[1].toString(), 3);
    Map<Long, Long> sizes = PkStage.sizes(items);
    PkPlan plan = PkPlan.build(sizes, Map.of(), 4, 5, 99);
    List<DataSet> batches = PkStage.batches(JavaSparkContext.fromSparkContext(
        spark.sparkContext()), items, plan, 99, 2).collect();
    assertEquals(plan.batches, batches.size());
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
      assertEquals(Math.min(n, slots), e.getValue().size(), "distinct items of class " + e.getKey());
      assertTrue(max - min <= 1, "round-robin: " + min + ".." + max);
    }
    // the same seed gives the same batches
    List<DataSet> again = PkStage.batches(JavaSparkContext.fromSparkContext(
        spark.sparkContext()), items, plan, 99, 2).collect();
    for (int i = 0; i < batches.size(); i++) {
      assertEquals(batches.get(i).getFeatures(), again.get(i).getFeatures());
    }
  }

  private static java.util.LinkedHashSet<Long> rowsOrder(INDArray y) {
    java.util.LinkedHashSet<Long> s = new java.util.LinkedHashSet<>();
    for (int i = 0; i < y.rows(); i++) {
      s.add((long) y.getDouble(i, 0));
    }
    return s;
  }
}
