package io.hardneg.core.ivf;

import io.hardneg.core.data.VectorMath;
import io.hardneg.core.util.Seeds;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
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

  /** Points per parallel task of a k-means++ draw. */
  private static final int SEED_CHUNK = 4096;

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

  /**
   * For each row, the index of the most similar centroid (ties: lower index). The rows are cut into
   * ranges searched in parallel (the fit and NMI run on the driver while the executors wait); each
   * range's result is the one-thread result.
   */
  public static void assignNearest(
      float[] x, int n, int dim, float[] c, int k, int[] assign, float[] bestScore) {
    int[][] top = new int[n][];
    // ranges of whole blocks: each block is the one a single thread would score, so the GEMM
    // rounds every score the same way
    int blocks = (n + BLOCK - 1) / BLOCK;
    int ranges = Math.max(1, Math.min(blocks, 4 * parallelism()));
    int per = (blocks + ranges - 1) / ranges * BLOCK;
    INDArray ct = Nd4j.create(c, new long[] {k, dim}, 'c');
    try {
      IntStream.range(0, ranges)
          .parallel()
          .forEach(
              i ->
                  nearestRange(
                      x,
                      Math.min(n, i * per),
                      Math.min(n, (i + 1) * per),
                      dim,
                      ct,
                      k,
                      1,
                      top,
                      bestScore));
    } finally {
      ct.close();
    }
    for (int i = 0; i < n; i++) {
      assign[i] = top[i][0];
    }
  }

  private static int parallelism() {
    return java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() + 1;
  }

  /**
   * For each row the {@code probes} most similar centroids, most similar first (ties: lower index);
   * {@code bestScore}, if not null, receives each row's highest similarity.
   */
  public static int[][] nearest(
      float[] x, int n, int dim, float[] c, int k, int probes, float[] bestScore) {
    int[][] out = new int[n][];
    INDArray ct = Nd4j.create(c, new long[] {k, dim}, 'c');
    try {
      nearestRange(x, 0, n, dim, ct, k, probes, out, bestScore);
    } finally {
      ct.close();
    }
    return out;
  }

  /** {@link #nearest} of rows [from, to) into {@code out} (and {@code bestScore}). */
  private static void nearestRange(
      float[] x,
      int from,
      int to,
      int dim,
      INDArray ct,
      int k,
      int probes,
      int[][] out,
      float[] bestScore) {
    int p = Math.min(probes, k);
    // scores go into one reused buffer read in place: a fresh off-heap array per block makes
    // JavaCPP's memory accounting balloon on millions of rows
    Map<Integer, INDArray> buffers = new HashMap<>();
    float[] row = new float[k];
    try {
      for (int r0 = from; r0 < to; r0 += BLOCK) {
        int r1 = Math.min(to, r0 + BLOCK);
        int rows = r1 - r0;
        INDArray q =
            Nd4j.create(Arrays.copyOfRange(x, r0 * dim, r1 * dim), new long[] {rows, dim}, 'c');
        INDArray scores = buffers.computeIfAbsent(rows, r -> Nd4j.create(DataType.FLOAT, r, k));
        Nd4j.gemm(q, ct, scores, false, true, 1.0, 0.0);
        q.close();
        FloatBuffer s = scores.data().asNioFloat();
        for (int i = 0; i < rows; i++) {
          // one bulk copy per row: reading the direct buffer score by score cost twice the scan
          s.get(i * k, row, 0, k);
          out[r0 + i] = topIndices(row, k, p);
          if (bestScore != null) {
            bestScore[r0 + i] = row[out[r0 + i][0]];
          }
        }
      }
    } finally {
      // freed now, not when the garbage collector gets to them (a block's scores are 16 MB at
      // 1,000 lists)
      buffers.values().forEach(INDArray::close);
    }
  }

  private static int[] topIndices(float[] s, int k, int p) {
    int[] idx = new int[p];
    float[] val = new float[p];
    int size = 0;
    for (int j = 0; j < k; j++) {
      float v = s[j];
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

  /**
   * k-means++ seeding on squared Euclidean distance of the normalised points. Each draw updates
   * every point's distance to its nearest seed: n·k·dim work, done by the driver alone while the
   * executors wait, so the points are updated in parallel chunks; each point's value and the
   * running total are summed in the same order as one thread would, so the seeds do not depend on
   * the thread count.
   */
  static float[] kMeansPlusPlus(float[] x, int n, int dim, int k, long seed) {
    float[] c = new float[k * dim];
    double[] norm = new double[n];
    for (int r = 0; r < n; r++) {
      double s = 0;
      for (int j = 0; j < dim; j++) {
        s += (double) x[r * dim + j] * x[r * dim + j];
      }
      norm[r] = s;
    }
    double[] minD2 = new double[n];
    Arrays.fill(minD2, Double.POSITIVE_INFINITY);
    int chunks = (n + SEED_CHUNK - 1) / SEED_CHUNK;
    int pick = (int) (Seeds.unit(Seeds.of(seed, 0, 0)) * n);
    for (int i = 0; i < k; i++) {
      System.arraycopy(x, pick * dim, c, i * dim, dim);
      VectorMath.normalizeInPlace(c, i * dim, dim);
      int ci = i * dim;
      IntStream.range(0, chunks)
          .parallel()
          .forEach(
              ch -> {
                int r = ch * SEED_CHUNK;
                int end = Math.min(n, r + SEED_CHUNK);
                // four points at once: four independent sums, each in the one-point order, so
                // the additions overlap instead of waiting on each other
                for (; r + 4 <= end; r += 4) {
                  int o = r * dim;
                  double s0 = 0;
                  double s1 = 0;
                  double s2 = 0;
                  double s3 = 0;
                  for (int j = 0; j < dim; j++) {
                    double cj = c[ci + j];
                    s0 += (double) x[o + j] * cj;
                    s1 += (double) x[o + dim + j] * cj;
                    s2 += (double) x[o + 2 * dim + j] * cj;
                    s3 += (double) x[o + 3 * dim + j] * cj;
                  }
                  closer(minD2, norm, r, s0);
                  closer(minD2, norm, r + 1, s1);
                  closer(minD2, norm, r + 2, s2);
                  closer(minD2, norm, r + 3, s3);
                }
                for (; r < end; r++) {
                  double dot = 0;
                  for (int j = 0; j < dim; j++) {
                    dot += (double) x[r * dim + j] * c[ci + j];
                  }
                  closer(minD2, norm, r, dot);
                }
              });
      if (i + 1 == k) {
        break;
      }
      double total = 0;
      for (int r = 0; r < n; r++) {
        total += minD2[r];
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

  /** Lowers point r's squared distance to its nearest seed to that of a seed at dot product dot. */
  private static void closer(double[] minD2, double[] norm, int r, double dot) {
    minD2[r] = Math.min(minD2[r], Math.max(0, norm[r] + 1 - 2 * dot));
  }
}
