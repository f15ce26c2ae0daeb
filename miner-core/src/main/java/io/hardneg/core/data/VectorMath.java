package io.hardneg.core.data;

/** Small vector helpers on row-major float storage; double accumulation for accuracy. */
public final class VectorMath {
  private VectorMath() {}

  /** Scales {@code v[off .. off+dim)} to unit length; a zero vector is left as it is. */
  public static void normalizeInPlace(float[] v, int off, int dim) {
    double ss = 0;
    for (int j = 0; j < dim; j++) {
      ss += (double) v[off + j] * v[off + j];
    }
    if (ss > 0) {
      double inv = 1.0 / Math.sqrt(ss);
      for (int j = 0; j < dim; j++) {
        v[off + j] = (float) (v[off + j] * inv);
      }
    }
  }

  /**
   * Euclidean distance between rows {@code i} of {@code a} and {@code j} of {@code b}, in double.
   */
  public static double distance(float[] a, int i, float[] b, int j, int dim) {
    return Math.sqrt(squaredDistance(a, i, b, j, dim));
  }

  /** Squared Euclidean distance between two rows, accumulated in double. */
  public static double squaredDistance(float[] a, int i, float[] b, int j, int dim) {
    double ss = 0;
    int oa = i * dim;
    int ob = j * dim;
    for (int t = 0; t < dim; t++) {
      double diff = (double) a[oa + t] - b[ob + t];
      ss += diff * diff;
    }
    return ss;
  }

  /**
   * Embedding spread: mean squared distance of the rows to their centroid. Near zero means the
   * embedding has collapsed (docs/concepts.md).
   */
  public static double spread(float[] v, int rows, int dim) {
    if (rows == 0) {
      return 0;
    }
    double[] mean = new double[dim];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < dim; j++) {
        mean[j] += v[i * dim + j];
      }
    }
    for (int j = 0; j < dim; j++) {
      mean[j] /= rows;
    }
    double total = 0;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < dim; j++) {
        double diff = v[i * dim + j] - mean[j];
        total += diff * diff;
      }
    }
    return total / rows;
  }
}
