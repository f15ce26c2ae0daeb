package io.hardneg.core.ivf;

import io.hardneg.core.data.VectorMath;
import io.hardneg.core.util.Seeds;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Spherical k-means (Dhillon and Modha 2001): centroids are unit vectors and points are assigned to
 * the centroid of highest cosine similarity; each centroid is the normalised sum of its points.
 * Initial centroids by k-means++ (Arthur and Vassilvitskii 2007: each next seed drawn with
 * probability proportional to its squared distance to the nearest seed so far), every draw from
 * {@code hash(seed, i)}; an emptied cluster is re-seeded with the point least similar to its own
 * centroid.
 */
public final class SphericalKMeans {
  private static final int BLOCK = 4096;

  private SphericalKMeans() {}

  /**
   * Fits {@code k} unit centroids to the rows of {@code x} ({@code n x dim}, row-major).
   *
   * @return {@code k x dim} row-major centroids
   */
  public static float[] fit(float[] x, int n, int dim, int k, int iterations, long seed) {
    if (k < 1 || k > n) {
      throw new IllegalArgumentException(
          "k-means needs 1 <= k <= points, got k=" + k + " for " + n + " points");
    }
    float[] c = kMeansPlusPlus(x, n, dim, k, seed);
    int[] assign = new int[n];
    float[] best = new float[n];
    for (int it = 0; it < iterations; it++) {
      assignNearest(x, n, dim, c, k, assign, best);
      double[] sum = new double[k * dim];
      int[] count = new int[k];
      for (int i = 0; i < n; i++) {
        int a = assign[i];
        count[a]++;
        for (int j = 0; j < dim; j++) {
          sum[a * dim + j] += x[i * dim + j];
        }
      }
      boolean[] used = new boolean[n];
      for (int a = 0; a < k; a++) {
        if (count[a] == 0) {
          int worst = -1;
          for (int i = 0; i < n; i++) {
            if (!used[i] && (worst < 0 || best[i] < best[worst])) {
              worst = i;
            }
          }
          used[worst] = true;
          for (int j = 0; j < dim; j++) {
            sum[a * dim + j] = x[worst * dim + j];
          }
        }
        for (int j = 0; j < dim; j++) {
          c[a * dim + j] = (float) sum[a * dim + j];
        }
        VectorMath.normalizeInPlace(c, a * dim, dim);
      }
    }
    return c;
  }

  /** For each row, the index of the most similar centroid (ties: lower index). */
  public static void assignNearest(
      float[] x, int n, int dim, float[] c, int k, int[] assign, float[] bestScore) {
    int[][] top = nearest(x, n, dim, c, k, 1, bestScore);
    for (int i = 0; i < n; i++) {
      assign[i] = top[i][0];
    }
  }

  /**
   * For each row the {@code probes} most similar centroids, most similar first (ties: lower index);
   * {@code bestScore}, if not null, receives each row's highest similarity.
   */
  public static int[][] nearest(
      float[] x, int n, int dim, float[] c, int k, int probes, float[] bestScore) {
    int p = Math.min(probes, k);
    int[][] out = new int[n][];
    INDArray ct = Nd4j.create(c, new long[] {k, dim}, 'c');
    // scores go into one reused buffer read in place: a fresh off-heap array per block makes
    // JavaCPP's memory accounting balloon on millions of rows
    Map<Integer, INDArray> buffers = new HashMap<>();
    for (int r0 = 0; r0 < n; r0 += BLOCK) {
      int r1 = Math.min(n, r0 + BLOCK);
      int rows = r1 - r0;
      INDArray q =
          Nd4j.create(Arrays.copyOfRange(x, r0 * dim, r1 * dim), new long[] {rows, dim}, 'c');
      INDArray scores = buffers.computeIfAbsent(rows, r -> Nd4j.create(DataType.FLOAT, r, k));
      Nd4j.gemm(q, ct, scores, false, true, 1.0, 0.0);
      FloatBuffer s = scores.data().asNioFloat();
      for (int i = 0; i < rows; i++) {
        out[r0 + i] = topIndices(s, i * k, k, p);
        if (bestScore != null) {
          bestScore[r0 + i] = s.get(i * k + out[r0 + i][0]);
        }
      }
    }
    return out;
  }

  private static int[] topIndices(FloatBuffer s, int off, int k, int p) {
    int[] idx = new int[p];
    float[] val = new float[p];
    int size = 0;
    for (int j = 0; j < k; j++) {
      float v = s.get(off + j);
      if (size == p && v <= val[p - 1]) {
        continue; // equal scores keep the lower index already held
      }
      int pos = size < p ? size++ : p - 1;
      while (pos > 0 && val[pos - 1] < v) {
        val[pos] = val[pos - 1];
        idx[pos] = idx[pos - 1];
        pos--;
      }
      val[pos] = v;
      idx[pos] = j;
    }
    return idx;
  }

  /** k-means++ seeding on squared Euclidean distance of the normalised points. */
  static float[] kMeansPlusPlus(float[] x, int n, int dim, int k, long seed) {
    float[] c = new float[k * dim];
    double[] minD2 = new double[n];
    Arrays.fill(minD2, Double.POSITIVE_INFINITY);
    int pick = (int) (Seeds.unit(Seeds.of(seed, 0, 0)) * n);
    for (int i = 0; i < k; i++) {
      System.arraycopy(x, pick * dim, c, i * dim, dim);
      VectorMath.normalizeInPlace(c, i * dim, dim);
      double total = 0;
      for (int r = 0; r < n; r++) {
        double dot = 0;
        double norm = 0;
        for (int j = 0; j < dim; j++) {
          dot += (double) x[r * dim + j] * c[i * dim + j];
          norm += (double) x[r * dim + j] * x[r * dim + j];
        }
        double d2 = Math.max(0, norm + 1 - 2 * dot);
        minD2[r] = Math.min(minD2[r], d2);
        total += minD2[r];
      }
      if (i + 1 == k) {
        break;
      }
      double u = Seeds.unit(Seeds.of(seed, 0, i + 1)) * total;
      pick = -1;
      for (int r = 0; r < n; r++) {
        u -= minD2[r];
        if (u < 0 && minD2[r] > 0) {
          pick = r;
          break;
        }
      }
      if (pick < 0) { // every point already coincides with a seed: take any farthest one
        pick = 0;
        for (int r = 1; r < n; r++) {
          if (minD2[r] > minD2[pick]) {
            pick = r;
          }
        }
      }
    }
    return c;
  }
}
