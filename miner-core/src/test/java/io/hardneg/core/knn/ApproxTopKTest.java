package io.hardneg.core.knn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The keeper on rounded values: whatever the rounding (within the tolerance) and the order of
 * arrival, its candidates contain the exact k nearest, so ranking them exactly gives the oracle.
 */
class ApproxTopKTest {
  @Test
  void candidatesHoldTheExactKNearestUnderRoundingAndManyTies() {
    Random r = new Random(11);
    for (int trial = 0; trial < 3000; trial++) {
      int n = 1 + r.nextInt(200);
      int k = 1 + r.nextInt(8);
      double tol = 1e-3;
      // a coarse grid makes exact ties and near-ties common
      double[] exact = new double[n];
      for (int i = 0; i < n; i++) {
        exact[i] = r.nextInt(trial % 2 == 0 ? 20 : 400) * 1e-3;
      }
      int cap = trial % 3 == 0 ? 4 : ApproxTopK.SIDE_CAP;
      ApproxTopK keep = new ApproxTopK(k, 2 * tol, cap);
      int[] order = shuffled(n, r);
      for (int i : order) {
        double rounded = Math.max(0, exact[i] + (r.nextDouble() * 2 - 1) * tol);
        keep.offer(keep.exact() ? exact[i] : rounded, i, j -> exact[j]);
      }
      int[] want = exactTopK(exact, k);
      int[] got = rankExactly(keep.candidates(), exact, k);
      assertEquals(
          Arrays.toString(want),
          Arrays.toString(got),
          "trial " + trial + " n=" + n + " k=" + k + " cap=" + cap);
    }
  }

  @Test
  void bulkNearTiesSwitchToExactValuesAndStayCorrect() {
    int n = 500;
    double[] exact = new double[n];
    Arrays.fill(exact, 0.5); // a collapsed embedding: every distance the same
    ApproxTopK keep = new ApproxTopK(3, 1e-3, 64);
    for (int i = n - 1; i >= 0; i--) {
      keep.offer(keep.exact() ? exact[i] : 0.5 + (i % 7) * 1e-4, i, j -> exact[j]);
    }
    assertTrue(keep.exact(), "the side list never reached its cap");
    assertEquals("[0, 1, 2]", Arrays.toString(rankExactly(keep.candidates(), exact, 3)));
  }

  @Test
  void distinctValuesKeepNoSideList() {
    ApproxTopK keep = new ApproxTopK(2, 1e-6);
    double[] v = {0.9, 0.1, 0.5, 0.3, 0.7};
    for (int i = 0; i < v.length; i++) {
      keep.offer(v[i], i, j -> v[j]);
    }
    assertFalse(keep.exact());
    int[] c = keep.candidates();
    Arrays.sort(c);
    assertEquals("[1, 3]", Arrays.toString(c));
    assertEquals(0.3 + 1e-6, keep.threshold(), 0.0);
  }

  static int[] shuffled(int n, Random r) {
    int[] a = IntStream.range(0, n).toArray();
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  static int[] exactTopK(double[] exact, int k) {
    return IntStream.range(0, exact.length)
        .boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> exact[i]).thenComparingInt(i -> i))
        .limit(k)
        .mapToInt(Integer::intValue)
        .toArray();
  }

  static int[] rankExactly(int[] candidates, double[] exact, int k) {
    Set<Integer> seen = new HashSet<>();
    for (int c : candidates) {
      assertTrue(seen.add(c), "candidate " + c + " returned twice");
    }
    return Arrays.stream(candidates)
        .boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> exact[i]).thenComparingInt(i -> i))
        .limit(k)
        .mapToInt(Integer::intValue)
        .toArray();
  }
}
