package io.hardneg.core.knn;

import static io.hardneg.core.knn.ApproxTopKTest.exactTopK;
import static io.hardneg.core.knn.ApproxTopKTest.rankExactly;
import static io.hardneg.core.knn.ApproxTopKTest.shuffled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The buffered keeper against the oracle (the exact k nearest) and against the heap keeper: the
 * same candidates for the same pairs, whatever the order of arrival.
 */
class BufferedTopKTest {
  @Test
  void candidatesAreTheHeapKeepersAndHoldTheExactKNearest() {
    Random r = new Random(5);
    int compared = 0;
    for (int trial = 0; trial < 2000; trial++) {
      int n = 1 + r.nextInt(600);
      int k = 1 + r.nextInt(trial % 4 == 0 ? 8 : 120);
      double tol = 1e-3;
      // a coarse grid makes exact ties and near-ties common
      double[] exact = new double[n];
      for (int i = 0; i < n; i++) {
        exact[i] = r.nextInt(trial % 2 == 0 ? 30 : 2000) * 1e-3;
      }
      int cap = trial % 3 == 0 ? 16 : ApproxTopK.SIDE_CAP;
      BufferedTopK buffered = new BufferedTopK(k, 2 * tol, cap);
      ApproxTopK heap = new ApproxTopK(k, 2 * tol, cap);
      double[] rounded = new double[n];
      for (int i = 0; i < n; i++) {
        rounded[i] = Math.max(0, exact[i] + (r.nextDouble() * 2 - 1) * tol);
      }
      for (int i : shuffled(n, r)) {
        buffered.offer(buffered.exact() ? exact[i] : rounded[i], i, j -> exact[j]);
        heap.offer(heap.exact() ? exact[i] : rounded[i], i, j -> exact[j]);
        assertTrue(
            buffered.threshold() >= heap.threshold() || buffered.exact() || heap.exact(),
            "the buffer's threshold is never below the heap's (it falls later, to the same)");
      }
      String where = "trial " + trial + " n=" + n + " k=" + k + " cap=" + cap;
      assertEquals(
          Arrays.toString(exactTopK(exact, k)),
          Arrays.toString(rankExactly(buffered.candidates(), exact, k)),
          where);
      if (!buffered.exact() && !heap.exact()) {
        int[] a = buffered.candidates();
        int[] b = heap.candidates();
        Arrays.sort(a);
        Arrays.sort(b);
        assertEquals(Arrays.toString(b), Arrays.toString(a), where + ": the heap's candidates");
        compared++;
      }
    }
    assertTrue(compared > 1000, "compared with the heap in " + compared + " trials");
  }

  @Test
  void bulkNearTiesSwitchToExactValuesAndStayCorrect() {
    int n = 500;
    double[] exact = new double[n];
    Arrays.fill(exact, 0.5); // a collapsed embedding: every distance the same
    BufferedTopK keep = new BufferedTopK(40, 1e-3, 64);
    for (int i = n - 1; i >= 0; i--) {
      keep.offer(keep.exact() ? exact[i] : 0.5 + (i % 7) * 1e-4, i, j -> exact[j]);
    }
    assertTrue(keep.exact(), "the buffer never held more than half the cap beyond k");
    int[] want = new int[40];
    Arrays.setAll(want, i -> i);
    assertEquals(Arrays.toString(want), Arrays.toString(rankExactly(keep.candidates(), exact, 40)));
  }

  @Test
  void theThresholdFallsAtEachSelectionToTheKthValuePlusTheSlack() {
    BufferedTopK keep = new BufferedTopK(2, 0.01);
    assertEquals(Double.POSITIVE_INFINITY, keep.threshold());
    // the buffer holds 2k + 16 = 20 pairs: the 20th offer selects
    for (int i = 0; i < 19; i++) {
      assertEquals(false, keep.offer(1.0 - i * 0.01, i, j -> 0));
    }
    assertEquals(Double.POSITIVE_INFINITY, keep.threshold());
    assertEquals(true, keep.offer(0.5, 19, j -> 0));
    // values 1.00, 0.99, ..., 0.82 and 0.5: the 2nd smallest is 0.82
    assertEquals(0.82 + 0.01, keep.threshold(), 1e-12);
    int[] c = keep.candidates();
    Arrays.sort(c);
    // 0.5, 0.82 and 0.83 (within the slack of 0.82, up to rounding of the grid)
    assertEquals("[17, 18, 19]", Arrays.toString(c));
    assertEquals(false, keep.offer(0.9, 20, j -> 0), "above the threshold: turned away");
  }

  @Test
  void theFactoryPicksTheBufferForLargeK() {
    assertTrue(NearestKeeper.of(BufferedTopK.MIN_K - 1, 0) instanceof ApproxTopK);
    assertTrue(NearestKeeper.of(BufferedTopK.MIN_K, 0) instanceof BufferedTopK);
  }
}
