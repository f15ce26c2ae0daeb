package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hardneg.spark.report.Projection;
import org.junit.jupiter.api.Test;

class ProjectionTest {

  @Test
  void recoversKnownAxesAndVariances() {
    // a full 20 x 25 grid of (a, b) (so a and b are exactly uncorrelated, variances 3 and
    // 0.13) laid along u = (1,1,0)/√2 and w = (0,0,1) around a non-zero centre: pc1 must be
    // the centred a, pc2 the centred b
    int n = 500;
    float[] x = new float[n * 3];
    double[] a = new double[n];
    double[] b = new double[n];
    double s = Math.sqrt(0.5);
    for (int i = 0; i < n; i++) {
      a[i] = (i % 20) * 0.3;
      b[i] = (i / 20) * 0.05;
      x[3 * i] = (float) (5 + a[i] * s);
      x[3 * i + 1] = (float) (-2 + a[i] * s);
      x[3 * i + 2] = (float) (1 + b[i]);
    }
    double ma = 9.5 * 0.3;
    double mb = 12 * 0.05;
    double[] p = Projection.pca2(x, n, 3);
    for (int i = 0; i < n; i++) {
      // the sign convention: the largest component positive (u's are equal: the first wins)
      assertEquals(a[i] - ma, p[2 * i], 1e-4, "pc1 of row " + i);
      assertEquals(b[i] - mb, p[2 * i + 1], 1e-4, "pc2 of row " + i);
    }
  }
}
