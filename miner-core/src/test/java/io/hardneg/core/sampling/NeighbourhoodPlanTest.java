package io.hardneg.core.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link PkPlan#neighbourhoods}: batches that follow the mined confusion graph, balanced coverage,
 * seeded; and why {@link PkPlan#build}'s weights are not enough with many classes.
 */
class NeighbourhoodPlanTest {
  private static Map<Long, Long> sizes(int classes, long each) {
    Map<Long, Long> m = new HashMap<>();
    for (long c = 0; c < classes; c++) {
      m.put(c, each);
    }
    return m;
  }

  /** The classes of every batch, by position, read back from the plan's public view. */
  private static long[][] members(PkPlan plan) {
    long[][] m = new long[plan.batches()][plan.p()];
    for (long[] row : m) {
      Arrays.fill(row, -1);
    }
    for (long c : plan.classes()) {
      int[] b = plan.batchesOf(c);
      int[] pos = plan.positionsOf(c);
      for (int i = 0; i < b.length; i++) {
        assertEquals(-1, m[b[i]][pos[i]], "two classes in one position");
        m[b[i]][pos[i]] = c;
      }
    }
    return m;
  }

  private static void link(Map<Long, Map<Long, Long>> confusion, long x, long y, long n) {
    confusion.computeIfAbsent(x, k -> new HashMap<>()).merge(y, n, Long::sum);
  }

  @Test
  void disjointConfusionCliquesBecomeTheBatches() {
    // 8 cliques of 4 classes (classes 4q..4q+3 confuse each other); 2 items each, P = 4, K = 2:
    // 8 batches, each class in at most ceil(8·4/32) = 1, so every batch must be one whole clique
    Map<Long, Map<Long, Long>> confusion = new HashMap<>();
    for (long x = 0; x < 32; x++) {
      for (long y = 0; y < 32; y++) {
        if (x != y && x / 4 == y / 4) {
          link(confusion, x, y, 1 + (x + y) % 3);
        }
      }
    }
    PkPlan plan = PkPlan.neighbourhoods(sizes(32, 2), confusion, 4, 2, 11);
    assertEquals(8, plan.batches());
    Set<Long> cliques = new HashSet<>();
    for (long[] batch : members(plan)) {
      long clique = batch[0] / 4;
      for (long c : batch) {
        assertEquals(clique, c / 4, "batch " + Arrays.toString(batch) + " mixes cliques");
      }
      cliques.add(clique);
    }
    assertEquals(8, cliques.size(), "every clique once");
    // the same graph under build(): weights 1 + c against 28 weight-1 classes mix the cliques
    long mixed =
        Arrays.stream(members(PkPlan.build(sizes(32, 2), confusion, 4, 2, 11)))
            .filter(b -> Arrays.stream(b).map(c -> c / 4).distinct().count() > 1)
            .count();
    assertTrue(mixed > 0, "build() kept every clique together too; the test shows nothing");
  }

  @Test
  void manyClassesSparseGraphBatchesAreMostlyConfusedAndCoverageIsBalanced() {
    // 3,000 classes of 4 items, each confused with 6 random others (the many-class case)
    int n = 3000;
    Random rnd = new Random(5);
    Map<Long, Map<Long, Long>> confusion = new HashMap<>();
    for (long x = 0; x < n; x++) {
      for (int j = 0; j < 6; j++) {
        long y = rnd.nextInt(n);
        if (y != x) {
          link(confusion, x, y, 1);
        }
      }
    }
    Map<Long, Set<Long>> near = new HashMap<>();
    confusion.forEach(
        (x, row) ->
            row.keySet()
                .forEach(
                    y -> {
                      near.computeIfAbsent(x, k -> new HashSet<>()).add(y);
                      near.computeIfAbsent(y, k -> new HashSet<>()).add(x);
                    }));
    PkPlan walk = PkPlan.neighbourhoods(sizes(n, 4), confusion, 32, 4, 3);
    PkPlan weighted = PkPlan.build(sizes(n, 4), confusion, 32, 4, 3);
    assertEquals(weighted.batches(), walk.batches(), "same rows per epoch as build()");
    int cap = (walk.batches() * 32 + n - 1) / n;
    for (long c = 0; c < n; c++) {
      assertTrue(walk.batchesOf(c).length <= cap, "class " + c + " over the cap " + cap);
    }
    double walkLinked = linkedShare(members(walk), near);
    double weightedLinked = linkedShare(members(weighted), near);
    // a member is "linked" when it confuses an earlier member of its batch
    assertTrue(walkLinked > 0.8, "walk: " + walkLinked);
    assertTrue(weightedLinked < 0.2, "build: " + weightedLinked);
    for (long[] b : members(walk)) {
      assertEquals(32, Arrays.stream(b).distinct().count(), Arrays.toString(b));
    }
  }

  private static double linkedShare(long[][] batches, Map<Long, Set<Long>> near) {
    long linked = 0;
    long total = 0;
    for (long[] b : batches) {
      for (int i = 1; i < b.length; i++) {
        total++;
        for (int j = 0; j < i; j++) {
          if (near.getOrDefault(b[i], Set.of()).contains(b[j])) {
            linked++;
            break;
          }
        }
      }
    }
    return (double) linked / total;
  }

  @Test
  void withoutConfusionEveryBatchIsRandomDistinctAndCapped() {
    PkPlan plan = PkPlan.neighbourhoods(sizes(50, 3), Map.of(), 8, 3, 9);
    assertEquals((150 + 23) / 24, plan.batches());
    int cap = (plan.batches() * 8 + 49) / 50;
    for (long c = 0; c < 50; c++) {
      assertTrue(plan.batchesOf(c).length <= cap);
    }
    for (long[] b : members(plan)) {
      assertEquals(8, Arrays.stream(b).distinct().count());
    }
  }

  @Test
  void theSameSeedGivesTheSameEpochAndAnotherSeedAnother() {
    Map<Long, Map<Long, Long>> confusion = new HashMap<>();
    Random rnd = new Random(1);
    for (long x = 0; x < 200; x++) {
      link(confusion, x, rnd.nextInt(200), 1 + rnd.nextInt(4));
    }
    long[][] a = members(PkPlan.neighbourhoods(sizes(200, 5), confusion, 16, 5, 21));
    assertArrayEquals(a, members(PkPlan.neighbourhoods(sizes(200, 5), confusion, 16, 5, 21)));
    assertFalse(
        Arrays.deepEquals(a, members(PkPlan.neighbourhoods(sizes(200, 5), confusion, 16, 5, 22))));
  }
}
