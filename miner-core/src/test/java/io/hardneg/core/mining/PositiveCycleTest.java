package io.hardneg.core.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The piecewise cycle equals {@link PositiveRule#successors} (the oracle) wherever the sorted order
 * is cut: every way of cutting small inputs, random cuts of larger ones with one class holding most
 * items, and empty segments anywhere.
 */
class PositiveCycleTest {
  static final long SEED = 42;
  static final int ROUND = 3;

  /** Positive ids by the piecewise computation, cut before each row marked in {@code cut}. */
  static long[] piecewise(long[] ids, long[] labels, boolean[] cut, boolean[] emptyAfter) {
    Integer[] order =
        IntStream.range(0, ids.length)
            .boxed()
            .sorted(
                Comparator.<Integer>comparingLong(i -> labels[i])
                    .thenComparingLong(i -> PositiveRule.orderKey(SEED, ROUND, ids[i]))
                    .thenComparingLong(i -> ids[i]))
            .toArray(Integer[]::new);
    // segments: lists of rows in sorted order, possibly empty
    List<List<Integer>> segments = new ArrayList<>();
    segments.add(new ArrayList<>());
    for (int j = 0; j < order.length; j++) {
      if (j > 0 && cut[j]) {
        segments.add(new ArrayList<>());
      }
      if (emptyAfter[j]) {
        segments.add(new ArrayList<>());
        segments.add(new ArrayList<>());
      }
      segments.get(segments.size() - 1).add(order[j]);
    }
    long[][] edges = new long[segments.size()][];
    for (int s = 0; s < edges.length; s++) {
      PositiveCycle.EdgeBuilder b = new PositiveCycle.EdgeBuilder();
      segments.get(s).forEach(i -> b.add(labels[i], ids[i]));
      edges[s] = b.edge();
    }
    long[][] stitched = PositiveCycle.stitch(edges);
    long[] positive = new long[ids.length];
    for (int s = 0; s < edges.length; s++) {
      List<Integer> rows = segments.get(s);
      PositiveCycle.Walker w = new PositiveCycle.Walker(stitched[s]);
      for (int j = 0; j < rows.size(); j++) {
        int i = rows.get(j);
        w.enter(labels[i], ids[i]);
        positive[i] =
            j + 1 < rows.size()
                ? w.successor(labels[rows.get(j + 1)], ids[rows.get(j + 1)])
                : w.lastSuccessor();
      }
    }
    return positive;
  }

  /** The oracle's positive ids; an item alone in its class is its own "positive" here. */
  static long[] oracle(long[] ids, long[] labels) {
    int[] rows = PositiveRule.successors(ids, labels, SEED, ROUND);
    long[] out = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = rows[i] < 0 ? ids[i] : ids[rows[i]];
    }
    return out;
  }

  @Test
  void everyCutOfSmallInputsGivesTheRulesCycle() {
    // classes of 1, 2 and 5 items and a second singleton; ids not in label order
    long[] ids = {17, -4, 3, 99, 250, 8, 41, 1L << 40, 12, 7};
    long[] labels = {2, 0, 2, 1, 2, 2, 3, 2, 1, 5};
    long[] want = oracle(ids, labels);
    boolean[] none = new boolean[ids.length];
    for (int mask = 0; mask < 1 << ids.length; mask++) {
      boolean[] cut = new boolean[ids.length];
      for (int j = 0; j < ids.length; j++) {
        cut[j] = (mask >> j & 1) == 1;
      }
      assertArrayEquals(want, piecewise(ids, labels, cut, none), "cuts " + Arrays.toString(cut));
    }
  }

  @Test
  void randomCutsAndEmptySegmentsWithOneClassHoldingMostItems() {
    Random r = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + r.nextInt(80);
      long[] ids = new long[n];
      long[] labels = new long[n];
      for (int i = 0; i < n; i++) {
        ids[i] = r.nextLong();
        labels[i] = r.nextDouble() < 0.9 ? 0 : r.nextInt(6);
      }
      boolean[] cut = new boolean[n];
      boolean[] empty = new boolean[n];
      for (int j = 0; j < n; j++) {
        cut[j] = r.nextDouble() < 0.2;
        empty[j] = r.nextDouble() < 0.05;
      }
      assertArrayEquals(oracle(ids, labels), piecewise(ids, labels, cut, empty), "trial " + trial);
    }
  }
}
