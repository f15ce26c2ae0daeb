package io.hardneg.core.knn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The kernel's pre-filter: the vector path returns exactly what the scalar loop returns. */
class ScoreScanTest {
  @Test
  void theTestJvmRunsTheVectorPath() {
    // the surefire argLine carries deploy/bin/jvm-flags' --add-modules=jdk.incubator.vector;
    // without it every other test here would only compare the scalar loop with itself
    assertTrue(ScoreScan.VECTOR, "jdk.incubator.vector is not in the boot layer");
  }

  @Test
  void vectorAndScalarScansAgreeOnRandomRowsCutsAndRanges() {
    Random r = new Random(7);
    for (int trial = 0; trial < 2000; trial++) {
      int n = 1 + r.nextInt(300);
      float[] row = new float[n];
      for (int j = 0; j < n; j++) {
        // coarse values so that scores equal to the cut occur often
        row[j] = r.nextInt(41) / 20f - 1f;
      }
      if (r.nextInt(10) == 0) {
        row[r.nextInt(n)] = Float.NEGATIVE_INFINITY;
      }
      int from = r.nextInt(n);
      int to = from + r.nextInt(n - from + 1);
      float[] cuts = {
        row[r.nextInt(n)],
        r.nextFloat() * 2 - 1,
        Float.NEGATIVE_INFINITY,
        -Float.MAX_VALUE,
        Float.POSITIVE_INFINITY,
        0f,
        -0f
      };
      for (float cut : cuts) {
        int[] a = new int[n];
        int[] b = new int[n];
        int na = VectorScoreScan.atOrAbove(row, from, to, cut, a);
        int nb = ScoreScan.scalar(row, from, to, cut, b);
        assertEquals(nb, na, "count, n=" + n + " from=" + from + " to=" + to + " cut=" + cut);
        assertArrayEquals(Arrays.copyOf(b, nb), Arrays.copyOf(a, na));
        assertEquals(nb, ScoreScan.atOrAbove(row, from, to, cut, a));
      }
    }
  }

  @Test
  void vectorAndScalarBandScansAgreeOnRandomRowsBandsAndCodes() {
    Random r = new Random(11);
    for (int trial = 0; trial < 2000; trial++) {
      int n = 1 + r.nextInt(300);
      int offset = r.nextInt(20);
      float[] row = new float[n];
      float[] codes = new float[n + offset];
      for (int j = 0; j < n; j++) {
        row[j] = r.nextInt(41) / 20f - 1f;
      }
      for (int j = 0; j < codes.length; j++) {
        codes[j] = r.nextInt(4);
      }
      int from = r.nextInt(n);
      int to = from + r.nextInt(n - from + 1);
      float cut = r.nextBoolean() ? row[r.nextInt(n)] : Float.NEGATIVE_INFINITY;
      float lo = r.nextBoolean() ? row[r.nextInt(n)] : cut;
      float hi = r.nextInt(4) == 0 ? Float.POSITIVE_INFINITY : lo + r.nextInt(20) / 20f;
      float code = r.nextInt(5) - 1;
      int[] a = new int[n];
      int[] b = new int[n];
      int[] ca = new int[1];
      int[] cb = new int[1];
      int na = VectorScoreScan.withBand(row, codes, offset, from, to, cut, lo, hi, code, a, ca);
      int nb = ScoreScan.scalarWithBand(row, codes, offset, from, to, cut, lo, hi, code, b, cb);
      String where = "trial " + trial + " n=" + n + " cut=" + cut + " band=[" + lo + "," + hi + ")";
      assertEquals(nb, na, where);
      assertArrayEquals(Arrays.copyOf(b, nb), Arrays.copyOf(a, na), where);
      assertEquals(cb[0], ca[0], where);
    }
  }

  @Test
  void bandScanListsWhatLiesOutsideTheBandAndCountsOtherCodesInside() {
    float[] row = {0.9f, 0.5f, 0.2f, 0.7f, 0.6f, -1f};
    float[] codes = {9, 1, 1, 0, 1, 2, 0};
    int[] c = new int[6];
    int[] counted = new int[1];
    // cut 0.2, band [0.5, 0.8): 0.5 and 0.7 have code 1 (the query's), 0.6 has code 2
    int nc = ScoreScan.scalarWithBand(row, codes, 1, 0, 6, 0.2f, 0.5f, 0.8f, 1f, c, counted);
    assertArrayEquals(new int[] {0, 2}, Arrays.copyOf(c, nc));
    assertEquals(1, counted[0]);
  }

  @Test
  void scalarScanIsAnAtOrAboveFilter() {
    float[] row = {0.5f, 0.2f, 0.7f, 0.5f, -1f};
    int[] c = new int[5];
    assertEquals(3, ScoreScan.scalar(row, 0, 5, 0.5f, c));
    assertArrayEquals(new int[] {0, 2, 3}, Arrays.copyOf(c, 3));
    assertEquals(1, ScoreScan.scalar(row, 1, 3, 0.5f, c));
    assertArrayEquals(new int[] {2}, Arrays.copyOf(c, 1));
  }
}
