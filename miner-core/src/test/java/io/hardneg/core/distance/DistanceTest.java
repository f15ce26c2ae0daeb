package io.hardneg.core.distance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.fixtures.RandomVectors;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Contract of every {@link Distance}: values, direction, matrix, gradient. */
class DistanceTest {
  private static final double[] U = {0.6, 0.8, 0};
  private static final double[] V = {0, 1, 0};

  @Test
  void valuesAndDirection() {
    assertEquals(Math.sqrt(0.36 + 0.04), Distance.EUCLIDEAN.value(U, V), 1e-15);
    assertEquals(0.36 + 0.04, Distance.SQUARED_EUCLIDEAN.value(U, V), 1e-15);
    assertEquals(0.8, Distance.COSINE.value(U, V), 1e-15);
    assertEquals(-0.8, Distance.COSINE.dissimilarity(U, V), 1e-15);
    assertTrue(Distance.COSINE.inverted());
    assertFalse(Distance.EUCLIDEAN.inverted());
    // docs/concepts.md: on unit vectors: s = 1 − d²/2
    assertEquals(
        1 - Distance.SQUARED_EUCLIDEAN.value(U, V) / 2, Distance.COSINE.value(U, V), 1e-15);
    assertEquals(0.0, Distance.COSINE.value(new double[3], V), "zero vector: 0, not NaN");
  }

  @Test
  void dissimilarityGrowsAsPointsMoveApartForEveryMetric() {
    double[] near = {0.1, 0.995, 0};
    for (Distance d : Distance.values()) {
      assertTrue(d.dissimilarity(V, near) < d.dissimilarity(V, U), d.name());
      assertTrue(d.unitLo() <= d.dissimilarity(V, V) + 1e-12, d.name());
      assertTrue(d.dissimilarity(V, new double[] {0, -1, 0}) <= d.unitHi() + 1e-12, d.name());
    }
  }

  @Test
  void matrixIsSymmetricAndMatchesPairs() {
    double[][] x = RandomVectors.gaussian(new Random(3), 7, 5);
    for (Distance d : Distance.values()) {
      double[][] m = d.matrix(x);
      for (int i = 0; i < x.length; i++) {
        for (int j = 0; j < x.length; j++) {
          assertEquals(d.dissimilarity(x[i], x[j]), m[i][j], 1e-12);
          assertEquals(m[i][j], m[j][i]);
        }
      }
    }
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    Random r = new Random(4);
    for (Distance d : Distance.values()) {
      double[] u = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
      double[] v = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
      double[] gu = new double[3];
      double[] gv = new double[3];
      d.addGradient(u, v, d.dissimilarity(u, v), 2.0, gu, gv);
      double h = 1e-6;
      for (int j = 0; j < 3; j++) {
        double[] up = u.clone();
        double[] um = u.clone();
        up[j] += h;
        um[j] -= h;
        assertEquals(
            2 * (d.dissimilarity(up, v) - d.dissimilarity(um, v)) / (2 * h),
            gu[j],
            1e-7,
            d + " du" + j);
        double[] vp = v.clone();
        double[] vm = v.clone();
        vp[j] += h;
        vm[j] -= h;
        assertEquals(
            2 * (d.dissimilarity(u, vp) - d.dissimilarity(u, vm)) / (2 * h),
            gv[j],
            1e-7,
            d + " dv" + j);
      }
    }
    double[] gu = new double[3];
    Distance.EUCLIDEAN.addGradient(U, U, 0, 1, gu, new double[3]);
    assertEquals(0.0, gu[0] + gu[1] + gu[2], "no gradient (no NaN) at d = 0");
  }

  @Test
  void gradientFromWeightsEqualsThePerPairSum() {
    Random r = new Random(8);
    int n = 9;
    double[][] x = RandomVectors.gaussian(r, n, 6);
    x[4] = x[2].clone(); // a duplicate pair: D = 0, no gradient for the Euclidean distance
    for (Distance d : Distance.values()) {
      double[][] m = d.matrix(x);
      double[] w = new double[n * n];
      double[][] expected = new double[n][6];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          if (i != j && r.nextDouble() < 0.5) {
            w[i * n + j] = r.nextGaussian();
            d.addGradient(x[i], x[j], m[i][j], w[i * n + j], expected[i], expected[j]);
          }
        }
      }
      double[][] got = new double[n][6];
      d.addGradientFromWeights(x, m, w, got);
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < 6; k++) {
          assertEquals(expected[i][k], got[i][k], 1e-9, d + " row " + i);
        }
      }
    }
  }

  @Test
  void parsesNamesAndRejectsOthers() {
    assertEquals(Distance.SQUARED_EUCLIDEAN, Distance.parse("squared-euclidean"));
    assertEquals(Distance.COSINE, Distance.parse(" Cosine "));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Distance.parse("manhattan"));
    assertTrue(e.getMessage().contains("manhattan") && e.getMessage().contains("cosine"));
  }
}
