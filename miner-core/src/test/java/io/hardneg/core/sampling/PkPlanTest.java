package io.hardneg.core.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The PK plan's invariants, and whole epochs assembled from it in one JVM. */
class PkPlanTest {
  /** Classes 0..5 with 6 items each, class 6 with 2 items, class 7 with 1 item. */
  static long[] labels() {
    long[] l = new long[6 * 6 + 2 + 1];
    for (int i = 0; i < 36; i++) {
      l[i] = i % 6;
    }
    l[36] = 6;
    l[37] = 6;
    l[38] = 7;
    return l;
  }

  private static Map<Long, Long> sizes(long... perClass) {
    Map<Long, Long> m = new HashMap<>();
    for (int c = 0; c < perClass.length; c++) {
      m.put((long) c, perClass[c]);
    }
    return m;
  }

  private static Map<Long, Long> sizesOf(long[] labels) {
    Map<Long, Long> m = new HashMap<>();
    for (long l : labels) {
      m.merge(l, 1L, Long::sum);
    }
    return m;
  }

  /** Each class's items (indices into labels) in a seeded order, as the Spark stage ranks them. */
  private static Map<Long, long[]> ordered(long[] labels, long seed) {
    Map<Long, List<Long>> byClass = new HashMap<>();
    for (int i = 0; i < labels.length; i++) {
      byClass.computeIfAbsent(labels[i], c -> new ArrayList<>()).add((long) i);
    }
    Map<Long, long[]> out = new HashMap<>();
    for (Map.Entry<Long, List<Long>> e : byClass.entrySet()) {
      Collections.shuffle(e.getValue(), new Random(seed ^ e.getKey()));
      out.put(e.getKey(), e.getValue().stream().mapToLong(Long::longValue).toArray());
    }
    return out;
  }

  private static Map<Long, Integer> countByClass(long[] labels, long[] batch) {
    Map<Long, Integer> m = new HashMap<>();
    for (long i : batch) {
      m.merge(labels[(int) i], 1, Integer::sum);
    }
    return m;
  }

  @Test
  void everyBatchHasPDistinctClassesAndConfusedClassesMeetMoreOften() {
    // classes 0 and 1 are each other's mined negatives; nothing else is confused
    Map<Long, Map<Long, Long>> confusion = Map.of(0L, Map.of(1L, 500L), 1L, Map.of(0L, 500L));
    PkPlan plan = PkPlan.build(sizes(100, 100, 100, 100, 100, 100, 100, 100), confusion, 3, 4, 7);
    assertEquals(3, plan.p());
    assertEquals((800 + 11) / 12, plan.batches());
    int[][] members = new int[plan.batches()][3];
    for (int[] row : members) {
      Arrays.fill(row, -1);
    }
    for (long c : plan.classes()) {
      int[] b = plan.batchesOf(c);
      int[] pos = plan.positionsOf(c);
      for (int i = 0; i < b.length; i++) {
        assertEquals(-1, members[b[i]][pos[i]], "two classes in one position");
        members[b[i]][pos[i]] = (int) c;
      }
    }
    int together = 0;
    int seededBy0 = 0;
    for (int[] m : members) {
      assertEquals(3, Arrays.stream(m).distinct().filter(x -> x >= 0).count());
      if (m[0] == 0) {
        seededBy0++;
        if (m[1] == 1 || m[2] == 1) {
          together++;
        }
      }
    }
    // weight 1001 vs 1 for each of the 6 others: class 1 joins almost every batch 0 seeds
    assertTrue(together >= seededBy0 - 1, together + " of " + seededBy0);
    assertTrue(seededBy0 >= plan.batches() / 8, "rotation: each class seeds equally often");
  }

  @Test
  void smallClassesAreLeftOutAndTooFewClassesIsAnError() {
    PkPlan plan = PkPlan.build(sizes(1, 50, 50), Map.of(), 8, 4, 1);
    assertEquals(2, plan.p(), "P shrinks to the classes with 2+ items");
    assertEquals(0, plan.slots(0));
    assertThrows(
        IllegalArgumentException.class, () -> PkPlan.build(sizes(1, 50), Map.of(), 8, 4, 1));
    assertThrows(
        IllegalArgumentException.class, () -> PkPlan.build(sizes(50, 50), Map.of(), 0, 4, 1));
  }

  @Test
  void batchesHavePDistinctClassesOfKItemsAndAreSeeded() {
    long[] l = labels();
    long[][] epoch = PkPlan.build(sizesOf(l), Map.of(), 4, 3, 7).assemble(ordered(l, 7));
    assertEquals((38 + 11) / 12, epoch.length);
    for (long[] b : epoch) {
      assertEquals(12, b.length);
      Map<Long, Integer> c = countByClass(l, b);
      assertEquals(4, c.size());
      c.values().forEach(v -> assertEquals(3, v));
      for (long cls : c.keySet()) {
        long distinct = Arrays.stream(b).filter(i -> l[(int) i] == cls).distinct().count();
        assertEquals(cls == 6 ? 2 : 3, distinct, "distinct items of class " + cls);
      }
      assertFalse(c.containsKey(7L), "a class of one item has no positive");
    }
    assertArrayEquals(epoch, PkPlan.build(sizesOf(l), Map.of(), 4, 3, 7).assemble(ordered(l, 7)));
    assertFalse(Arrays.equals(epoch[0], epoch[1]));
    assertFalse(
        Arrays.deepEquals(
            epoch, PkPlan.build(sizesOf(l), Map.of(), 4, 3, 8).assemble(ordered(l, 7))));
  }

  @Test
  void classesAreChosenUniformlyWithoutConfusion() {
    long[] l = labels();
    int[] hits = new int[7];
    int batches = 0;
    for (long seed = 0; seed < 300; seed++) {
      for (long[] b : PkPlan.build(sizesOf(l), Map.of(), 2, 2, seed).assemble(ordered(l, seed))) {
        batches++;
        for (long c : countByClass(l, b).keySet()) {
          hits[(int) c]++;
        }
      }
    }
    assertEquals(3000, batches, "10 batches of 4 rows per epoch");
    double p = 2.0 / 7;
    double sd = Math.sqrt(batches * p * (1 - p));
    for (int h : hits) {
      assertEquals(batches * p, h, 5 * sd, Arrays.toString(hits));
    }
  }

  @Test
  void itemsTakeTheirClassSlotsRoundRobin() {
    long[] l = labels();
    // all 7 eligible classes in every batch, so the small class 6 fills 3 slots per batch
    PkPlan plan = PkPlan.build(sizesOf(l), Map.of(), 8, 3, 3);
    assertEquals(7, plan.p());
    long[][] epoch = plan.assemble(ordered(l, 3));
    for (long cls = 0; cls < 7; cls++) {
      Map<Long, Integer> uses = new HashMap<>();
      for (long[] b : epoch) {
        for (long item : b) {
          if (l[(int) item] == cls) {
            uses.merge(item, 1, Integer::sum);
          }
        }
      }
      long n = cls == 6 ? 2 : 6;
      assertEquals(Math.min(n, plan.slots(cls)), uses.size(), "distinct items of class " + cls);
      int min = uses.values().stream().mapToInt(i -> i).min().orElse(0);
      int max = uses.values().stream().mapToInt(i -> i).max().orElse(0);
      assertTrue(max - min <= 1, "every item once before any twice: " + uses);
    }
    // rows come in class blocks of K
    for (long[] b : epoch) {
      for (int row = 0; row < b.length; row++) {
        assertEquals(l[(int) b[row - row % 3]], l[(int) b[row]], "class block of row " + row);
      }
    }
    assertTrue(plan.slotsOfItem(7, 0).isEmpty());
    assertThrows(IllegalArgumentException.class, () -> plan.assemble(Map.of(0L, new long[] {1})));
  }
}
