package io.hardneg.spark.report;

/**
 * Principal-component projection of embeddings to two dimensions: the data is centred, the top two
 * eigenvectors of its covariance are found by power iteration with deflation (deterministic start,
 * 500 iterations at most) and each is signed so that its largest-magnitude component is positive,
 * which keeps the picture's orientation stable from round to round.
 */
public final class Projection {
  private static final int MAX_ITERATIONS = 500;

  private Projection() {}

  /**
   * Projects {@code n} rows of {@code x} ({@code n x dim}, row-major) onto their first two
   * principal axes.
   *
   * @return {@code n x 2} row-major coordinates
   */
  public static double[] pca2(float[] x, int n, int dim) {
    double[] mean = new double[dim];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < dim; j++) {
        mean[j] += x[i * dim + j];
      }
    }
    for (int j = 0; j < dim; j++) {
      mean[j] /= Math.max(1, n);
    }
    double[][] cov = new double[dim][dim];
    double[] c = new double[dim];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < dim; j++) {
        c[j] = x[i * dim + j] - mean[j];
      }
      for (int a = 0; a < dim; a++) {
        for (int b = a; b < dim; b++) {
          cov[a][b] += c[a] * c[b];
        }
      }
    }
    for (int a = 0; a < dim; a++) {
      for (int b = 0; b < a; b++) {
        cov[a][b] = cov[b][a];
      }
    }
    double[] v1 = leading(cov, dim);
    double l1 = rayleigh(cov, v1);
    for (int a = 0; a < dim; a++) {
      for (int b = 0; b < dim; b++) {
        cov[a][b] -= l1 * v1[a] * v1[b];
      }
    }
    double[] v2 = dim > 1 ? leading(cov, dim) : new double[dim];
    double[] out = new double[2 * n];
    for (int i = 0; i < n; i++) {
      double p = 0;
      double q = 0;
      for (int j = 0; j < dim; j++) {
        double d = x[i * dim + j] - mean[j];
        p += d * v1[j];
        q += d * v2[j];
      }
      out[2 * i] = p;
      out[2 * i + 1] = q;
    }
    return out;
  }

  private static double[] leading(double[][] m, int dim) {
    double[] v = new double[dim];
    for (int j = 0; j < dim; j++) {
      // a fixed start not orthogonal to any axis
      v[j] = 1.0 + 0.01 * j;
    }
    normalize(v);
    double[] w = new double[dim];
    for (int it = 0; it < MAX_ITERATIONS; it++) {
      for (int a = 0; a < dim; a++) {
        double s = 0;
        for (int b = 0; b < dim; b++) {
          s += m[a][b] * v[b];
        }
        w[a] = s;
      }
      if (normalize(w) == 0) {
        return new double[dim];
      }
      double change = 0;
      for (int j = 0; j < dim; j++) {
        change = Math.max(change, Math.abs(w[j] - v[j]));
      }
      System.arraycopy(w, 0, v, 0, dim);
      if (change < 1e-12) {
        break;
      }
    }
    int big = 0;
    for (int j = 1; j < dim; j++) {
      if (Math.abs(v[j]) > Math.abs(v[big])) {
        big = j;
      }
    }
    if (v[big] < 0) {
      for (int j = 0; j < dim; j++) {
        v[j] = -v[j];
      }
    }
    return v;
  }

  private static double rayleigh(double[][] m, double[] v) {
    double s = 0;
    for (int a = 0; a < v.length; a++) {
      for (int b = 0; b < v.length; b++) {
        s += v[a] * m[a][b] * v[b];
      }
    }
    return s;
  }

  private static double normalize(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    double norm = Math.sqrt(s);
    if (norm > 0) {
      for (int j = 0; j < v.length; j++) {
        v[j] /= norm;
      }
    }
    return norm;
  }
}
