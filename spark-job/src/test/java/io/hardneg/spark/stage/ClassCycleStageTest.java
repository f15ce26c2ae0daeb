package io.hardneg.spark.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.mining.PositiveRule;
import io.hardneg.spark.SharedSpark;
import io.hardneg.spark.io.Schemas;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The Spark placement of the class-mode cycle against its definition, {@link
 * PositiveRule#successors} on the same items: equal at 1, 3 and 7 tasks, with classes of one, two
 * and many items, and after a task of the walk fails once and is retried.
 */
class ClassCycleStageTest {
  static final long SEED = 17;
  static final int ROUND = 2;

  /** Items {@code id, label, emb} of the given labels, ids scattered (some negative). */
  static Dataset<Row> table(SparkSession spark, long[] ids, long[] labels, int partitions) {
    Random r = new Random(3);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      Float[] v = new Float[4];
      for (int j = 0; j < v.length; j++) {
        v[j] = (float) r.nextGaussian();
      }
      rows.add(RowFactory.create(ids[i], labels[i], v));
    }
    return spark.createDataFrame(rows, Schemas.EMBEDDINGS).repartition(partitions);
  }

  /** The definition's positive of each id; absent for an item alone in its class. */
  static Map<Long, Long> rule(long[] ids, long[] labels) {
    int[] rows = PositiveRule.successors(ids, labels, SEED, ROUND);
    Map<Long, Long> out = new TreeMap<>();
    for (int i = 0; i < ids.length; i++) {
      if (rows[i] >= 0) {
        out.put(ids[i], ids[rows[i]]);
      }
    }
    return out;
  }

  /** Id to positive of rows with {@code id} and {@code positive}; a null positive is left out. */
  static Map<Long, Long> positives(Dataset<Row> rows, int ids) {
    Map<Long, Long> out = new TreeMap<>();
    List<Row> all = rows.select("id", "positive").collectAsList();
    assertEquals(ids, all.size(), "one row per item");
    for (Row r : all) {
      if (!r.isNullAt(1)) {
        out.put(r.getLong(0), r.getLong(1));
      }
    }
    return out;
  }

  /** Classes of 1 (twice), 2, 3 and 40 items and one of 9; ids in no label order. */
  static long[][] items() {
    List<Long> labels = new ArrayList<>(List.of(7L, 9L, 3L, 3L, 5L, 5L, 5L));
    for (int i = 0; i < 40; i++) {
      labels.add(0L);
    }
    for (int i = 0; i < 9; i++) {
      labels.add(-2L);
    }
    java.util.Collections.shuffle(labels, new Random(11));
    long[] ids = new long[labels.size()];
    long[] lab = new long[labels.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = (i % 2 == 0 ? 1 : -1) * (1000L + 37L * i);
      lab[i] = labels.get(i);
    }
    return new long[][] {ids, lab};
  }

  @Test
  void theSparkCycleIsTheRulesAtOneThreeAndSevenTasks() {
    SparkSession spark = SharedSpark.get();
    long[][] t = items();
    long[] ids = t[0];
    long[] labels = t[1];
    Map<Long, Long> want = rule(ids, labels);
    assertEquals(ids.length - 2, want.size(), "the two singletons have no positive");
    Map<Long, Long> labelOf = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      labelOf.put(ids[i], labels[i]);
    }
    for (int p : new int[] {1, 3, 7}) {
      Dataset<Row> emb = table(spark, ids, labels, p);
      ClassCycleStage.Cycled c = ClassCycleStage.successors(spark, emb, SEED, ROUND, p);
      assertEquals(p, c.taskRows().length, p + " tasks");
      assertEquals(ids.length, java.util.Arrays.stream(c.taskRows()).sum(), "every row once");
      Map<Long, Long> got = positives(c.chosen(), ids.length);
      assertEquals(want, got, p + " tasks");
      // the guarantee itself: another item of the class, every item the positive of one anchor,
      // one cycle per class (following positives from an item visits its whole class)
      assertEquals(got.size(), new HashSet<>(got.values()).size(), "a permutation");
      for (Map.Entry<Long, Long> e : got.entrySet()) {
        assertNotEquals(e.getKey(), e.getValue());
        assertEquals(labelOf.get(e.getKey()), labelOf.get(e.getValue()));
      }
      Set<Long> cycle = new HashSet<>();
      long start = ids[java.util.Arrays.stream(labels).boxed().toList().indexOf(0L)];
      for (long x = start; cycle.add(x); x = got.get(x)) {
        assertEquals(0L, labelOf.get(x));
      }
      assertEquals(40, cycle.size(), "one cycle through the class of 40");
      // the stage MINE calls: the same positives, with d(a,p) exactly where there is one
      PositiveStage.Attached a = PositiveStage.attach(spark, emb, SEED, ROUND, p);
      assertEquals(p, a.report().tasks().intValue());
      assertEquals(want, positives(a.anchors(), ids.length), p + " tasks, attached");
      for (Row r : a.anchors().select("positive", "d_ap").collectAsList()) {
        if (r.isNullAt(0)) {
          assertNull(r.get(1));
        } else {
          assertNotNull(r.get(1));
          assertTrue(r.getDouble(1) > 0);
        }
      }
    }
  }

  @Test
  void aWalkingTaskThatFailsOnceAndIsRetriedChangesNothing() {
    SparkSession spark = SharedSpark.get();
    long[][] t = items();
    Dataset<Row> emb = table(spark, t[0], t[1], 3);
    ClassCycleStage.Cycled c = ClassCycleStage.successors(spark, emb, SEED, ROUND, 4);
    // a narrow step after the walk: its task is the walking task; the first attempt of
    // partition 1 dies after reading its rows, Spark runs it again
    Dataset<Row> flaky =
        spark.createDataFrame(
            c.chosen()
                .javaRDD()
                .mapPartitions(
                    rows -> {
                      List<Row> buf = new ArrayList<>();
                      rows.forEachRemaining(buf::add);
                      TaskContext tc = TaskContext.get();
                      if (tc.partitionId() == 1
                          && tc.attemptNumber() == 0
                          && tc.stageAttemptNumber() == 0) {
                        throw new IllegalStateException("injected executor failure");
                      }
                      return buf.iterator();
                    }),
            ClassCycleStage.CHOSEN);
    assertEquals(rule(t[0], t[1]), positives(flaky, t[0].length));
  }
}
