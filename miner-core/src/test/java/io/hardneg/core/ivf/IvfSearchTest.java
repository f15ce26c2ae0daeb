package io.hardneg.core.ivf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.knn.Mask;
import io.hardneg.core.knn.MaskedKnn;
import io.hardneg.core.knn.Neighbors;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class IvfSearchTest {

  /** n unit vectors around `clusters` random centres, labels independent of the clusters. */
  static LabeledVectors clustered(int n, int dim, int clusters, int labels, double noise,
      long seed) {
    Random r = new Random(seed);
    float[][] centre = new float[clusters][dim];
    for (float[] c : centre) {
      for (int j = 0; j < dim; j++) {
        c[j] = (float) r.nextGaussian();
      }
    }
    long[] ids = new long[n];
    long[] lab = new long[n];
    float[] v = new float[n * dim];
    for (int i = 0; i < n; i++) {
      ids[i] = 1000 + i;
      lab[i] = r.nextInt(labels);
      float[] c = centre[r.nextInt(clusters)];
      for (int j = 0; j < dim; j++) {
        v[i * dim + j] = (float) (c[j] + noise * r.nextGaussian());
      }
    }
    return new LabeledVectors(ids, lab, v, dim).normalized();
  }

  @Test
  void probingEveryListEqualsExactSearch() {
    LabeledVectors t = clustered(600, 12, 10, 5, 0.3, 1);
    float[] c = SphericalKMeans.fit(t.values(), t.size(), 12, 9, 5, 7);
    double[] bound = new double[t.size()];
    for (int i = 0; i < bound.length; i++) {
      bound[i] = 0.3 + (i % 7) * 0.1;
    }
    KnnOptions opt = new KnnOptions(6, 64, 128, DataType.FLOAT);
    Neighbors[][] exact = MaskedKnn.search(t, t, Mask.OTHER_LABEL, opt, null, bound);
    Neighbors[][] ivf = IvfSearch.search(t, t, c, 9, Mask.OTHER_LABEL, opt, null, bound);
    for (int h = 0; h < 2; h++) {
      for (int q = 0; q < t.size(); q++) {
        assertArrayEquals(exact[h][q].index(), ivf[h][q].index(), "heap " + h + " query " + q);
        assertArrayEquals(exact[h][q].distance(), ivf[h][q].distance(), 0.0);
        assertEquals(exact[h][q].atOrBelowBound(), ivf[h][q].atOrBelowBound());
      }
    }
  }

  @Test
  void nearestNegativeRecallOnClusteredDataIsHighWithFewProbes() {
    // 4000 points in 40 clusters, 10 labels; nlist 64, nprobe 8 (1/8 of the lists)
    LabeledVectors t = clustered(4000, 16, 40, 10, 0.25, 2);
    float[] c = SphericalKMeans.fit(t.values(), t.size(), 16, 64, 8, 3);
    KnnOptions opt = new KnnOptions(1, 512, 1024, DataType.FLOAT);
    Neighbors[] exact = MaskedKnn.search(t, t, Mask.OTHER_LABEL, opt)[0];
    Neighbors[] ivf = IvfSearch.search(t, t, c, 8, Mask.OTHER_LABEL, opt)[0];
    int hit = 0;
    for (int q = 0; q < t.size(); q++) {
      if (ivf[q].size() > 0 && ivf[q].index()[0] == exact[q].index()[0]) {
        hit++;
      }
      assertTrue(ivf[q].size() == 0 || ivf[q].distance()[0] >= exact[q].distance()[0]);
    }
    double recall = (double) hit / t.size();
    assertTrue(recall >= 0.95, "nearest-negative recall " + recall);
  }

  @Test
  void kMeansIsSeededAndFindsSeparatedClusters() {
    LabeledVectors t = clustered(500, 8, 5, 2, 0.02, 4);
    float[] a = SphericalKMeans.fit(t.values(), t.size(), 8, 5, 10, 11);
    assertArrayEquals(a, SphericalKMeans.fit(t.values(), t.size(), 8, 5, 10, 11));
    for (int i = 0; i < 5; i++) {
      double ss = 0;
      for (int j = 0; j < 8; j++) {
        ss += a[i * 8 + j] * a[i * 8 + j];
      }
      assertEquals(1.0, ss, 1e-5, "unit centroid");
    }
    // points of one generating cluster share one centroid: within-cluster similarity ~1
    int[][] home = SphericalKMeans.nearest(t.values(), t.size(), 8, a, 5, 1, null);
    float[] best = new float[t.size()];
    SphericalKMeans.nearest(t.values(), t.size(), 8, a, 5, 1, best);
    for (int i = 0; i < t.size(); i++) {
      assertTrue(best[i] > 0.99, "point " + i + " similarity " + best[i] + " list " + home[i][0]);
    }
  }

  @Test
  void probesAreOrderedMostSimilarFirst() {
    float[] c = {1, 0, 0, 1, -1, 0, 0.6f, 0.8f};
    float[] x = {0.8f, 0.6f};
    int[][] p = SphericalKMeans.nearest(x, 1, 2, c, 4, 3, null);
    assertArrayEquals(new int[] {3, 0, 1}, p[0]);
  }
}
