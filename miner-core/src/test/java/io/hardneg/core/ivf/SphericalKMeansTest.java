package io.hardneg.core.ivf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hardneg.core.data.VectorMath;
import io.hardneg.core.util.Seeds;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SphericalKMeansTest {
  private static float[] points(int n, int dim, long seed) {
    Random rnd = new Random(seed);
    float[] x = new float[n * dim];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    for (int r = 0; r < n; r++) {
      VectorMath.normalizeInPlace(x, r * dim, dim);
    }
    return x;
  }

  /** The textbook k-means++ loop, one thread, norms recomputed per draw. */
  private static float[] naiveSeeds(float[] x, int n, int dim, int k, long seed) {
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
        minD2[r] = Math.min(minD2[r], Math.max(0, norm + 1 - 2 * dot));
        total += minD2[r];
      }
      double u = Seeds.unit(Seeds.of(seed, 0, i + 1)) * total;
      pick = -1;
      for (int r = 0; r < n && i + 1 < k; r++) {
        u -= minD2[r];
        if (u < 0 && minD2[r] > 0) {
          pick = r;
          break;
        }
      }
    }
    return c;
  }

  @Test
  void parallelSeedingEqualsTheOneThreadLoopBitForBit() {
    // several parallel chunks, and a last one that is not full
    int n = 10_000;
    int dim = 12;
    float[] x = points(n, dim, 3);
    for (long seed : new long[] {1, 42}) {
      assertArrayEquals(
          naiveSeeds(x, n, dim, 40, seed), SphericalKMeans.kMeansPlusPlus(x, n, dim, 40, seed));
    }
  }

  @Test
  void nearestListsTheMostSimilarCentroidsInOrderWithTheBestScore() {
    int n = 300;
    int k = 57;
    int dim = 8;
    float[] x = points(n, dim, 5);
    float[] c = points(k, dim, 6);
    float[] best = new float[n];
    int[][] got = SphericalKMeans.nearest(x, n, dim, c, k, 5, best);
    for (int r = 0; r < n; r++) {
      int row = r;
      double[] sim = new double[k];
      for (int j = 0; j < k; j++) {
        for (int d = 0; d < dim; d++) {
          sim[j] += (double) x[row * dim + d] * c[j * dim + d];
        }
      }
      int[] want =
          IntStream.range(0, k)
              .boxed()
              .sorted(Comparator.comparingDouble((Integer j) -> -sim[j]))
              .limit(5)
              .mapToInt(Integer::intValue)
              .toArray();
      // position by position the same similarity (a near-tie may swap two centroids: the GEMM
      // rounds in float)
      for (int i = 0; i < want.length; i++) {
        assertEquals(sim[want[i]], sim[got[r][i]], 1e-5, "row " + r + " rank " + i);
      }
      assertEquals(sim[want[0]], best[r], 1e-5, "row " + r);
    }
  }

  @Test
  void parallelAssignmentEqualsTheOneThreadOne() {
    // several blocks of 4096 rows, a last one not full
    int n = 3 * 4096 + 123;
    int dim = 8;
    int k = 37;
    float[] x = points(n, dim, 7);
    float[] c = points(k, dim, 8);
    // one thread: nearest's top-1
    float[] oneBest = new float[n];
    int[] one =
        Arrays.stream(SphericalKMeans.nearest(x, n, dim, c, k, 1, oneBest))
            .mapToInt(t -> t[0])
            .toArray();
    int[] par = new int[n];
    float[] parBest = new float[n];
    SphericalKMeans.assignNearest(x, n, dim, c, k, par, parBest);
    assertArrayEquals(one, par);
    assertArrayEquals(oneBest, parBest);
  }
}
