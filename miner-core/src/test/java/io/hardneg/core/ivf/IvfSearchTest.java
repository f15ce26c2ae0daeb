package io.hardneg.core.ivf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.knn.Mask;
import io.hardneg.core.knn.MaskedKnn;
import io.hardneg.core.knn.Neighbors;
import io.hardneg.core.search.AnchorCandidates;
import io.hardneg.core.search.LocalSearch;
import io.hardneg.core.search.VectorEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class IvfSearchTest {

  /** n unit vectors around `clusters` random centres, labels independent of the clusters. */
  static LabeledVectors clustered(
      int n, int dim, int clusters, int labels, double noise, long seed) {
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

  /** Every row as a searched anchor with d(a,p) = bound[row]. */
  static List<VectorEntry> anchors(LabeledVectors t, double[] bound) {
    List<VectorEntry> out = new ArrayList<>();
    for (int i = 0; i < t.size(); i++) {
      out.add(VectorEntry.anchor(t.ids()[i], t.labels()[i], t.row(i), -1, bound[i], null));
    }
    return out;
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
    List<VectorEntry> entries = anchors(t, bound);
    // unsplit lists, and lists cut to 40 bases / queries per task: both exact
    for (int cap : new int[] {Integer.MAX_VALUE, 40}) {
      LocalSearch.Result r =
          IvfSearch.search(entries, entries, c, 12, 9, cap, Mask.OTHER_LABEL, opt, 6, 6);
      List<AnchorCandidates> ivf = r.candidates();
      assertEquals(t.size(), ivf.size());
      for (int q = 0; q < t.size(); q++) {
        AnchorCandidates got = ivf.get(q);
        assertEquals(t.ids()[q], got.anchor());
        assertArrayEquals(ids(t, exact[0][q]), got.hardIds(), "hard, query " + q);
        assertArrayEquals(exact[0][q].distance(), got.hardDist(), 0.0);
        assertArrayEquals(ids(t, exact[1][q]), got.beyondIds(), "beyond, query " + q);
        assertArrayEquals(exact[1][q].distance(), got.beyondDist(), 0.0);
        assertEquals(exact[1][q].atOrBelowBound(), got.beyondWithin());
      }
      if (cap == 40) {
        assertTrue(r.report().largestTaskBases() <= 40, "" + r.report());
        assertTrue(r.report().listsSplit() > 0, "" + r.report());
      }
    }
  }

  @Test
  void spillingWithEveryListProbedEqualsExactSearchEachNegativeOnce() {
    LabeledVectors t = clustered(600, 12, 10, 5, 0.3, 1);
    float[] c = SphericalKMeans.fit(t.values(), t.size(), 12, 9, 5, 7);
    double[] bound = new double[t.size()];
    for (int i = 0; i < bound.length; i++) {
      bound[i] = 0.3 + (i % 7) * 0.1;
    }
    KnnOptions opt = new KnnOptions(6, 64, 128, DataType.FLOAT);
    Neighbors[][] exact = MaskedKnn.search(t, t, Mask.OTHER_LABEL, opt, null, bound);
    List<VectorEntry> entries = anchors(t, bound);
    // every base vector in 3 lists, every list probed: each pair meets in 3 lists and merges once
    for (int cap : new int[] {Integer.MAX_VALUE, 40}) {
      LocalSearch.Result r =
          IvfSearch.search(entries, entries, c, 12, 9, 3, cap, Mask.OTHER_LABEL, opt, 6, 6);
      for (int q = 0; q < t.size(); q++) {
        AnchorCandidates got = r.candidates().get(q);
        assertArrayEquals(ids(t, exact[0][q]), got.hardIds(), "hard, query " + q);
        assertArrayEquals(exact[0][q].distance(), got.hardDist(), 0.0);
        assertArrayEquals(ids(t, exact[1][q]), got.beyondIds(), "beyond, query " + q);
        assertArrayEquals(exact[1][q].distance(), got.beyondDist(), 0.0);
      }
      // three copies of every base vector: three times the single-list work
      assertEquals(3L * t.size() * t.size(), r.report().distanceComputations(), "" + r.report());
    }
  }

  /**
   * Clustered like the benchmark's synthetic sets: {@code clusters} centres, label = cluster mod
   * {@code labels}, so with one list per cluster almost every list holds one label only.
   */
  static LabeledVectors labelPureClusters(int perCluster, int dim, int clusters, int labels) {
    Random r = new Random(12);
    int n = perCluster * clusters;
    long[] ids = new long[n];
    long[] lab = new long[n];
    float[] v = new float[n * dim];
    double scale = 1 / Math.sqrt(dim);
    float[][] centre = new float[clusters][dim];
    for (float[] c : centre) {
      for (int j = 0; j < dim; j++) {
        c[j] = (float) (r.nextGaussian() * scale);
      }
    }
    for (int i = 0; i < n; i++) {
      int k = i % clusters;
      ids[i] = i;
      lab[i] = k % labels;
      for (int j = 0; j < dim; j++) {
        v[i * dim + j] = (float) (centre[k][j] + 0.35 * scale * r.nextGaussian());
      }
    }
    return new LabeledVectors(ids, lab, v, dim).normalized();
  }

  /** Share of anchors whose first nearest negative has the exact nearest negative's distance. */
  static double recall(List<AnchorCandidates> got, Neighbors[] exact) {
    int hit = 0;
    for (int q = 0; q < exact.length; q++) {
      AnchorCandidates a = got.get(q);
      if (a.hardDist().length > 0 && a.hardDist()[0] <= exact[q].distance()[0] + 1e-9) {
        hit++;
      }
    }
    return (double) hit / exact.length;
  }

  @Test
  void spillingFindsTheNearestNegativeWhereLabelPureListsDefeatFixedProbes() {
    // 200 clusters of 40, label = cluster mod 66, one list per cluster: the anchor's own list
    // holds only its label and the nearest negative's list ranks anywhere in its probe order
    int dim = 32;
    int clusters = 200;
    LabeledVectors t = labelPureClusters(40, dim, clusters, clusters / 3);
    float[] c = SphericalKMeans.fit(t.values(), t.size(), dim, clusters, 10, 5);
    int[][] home = SphericalKMeans.nearest(t.values(), t.size(), dim, c, clusters, 1, null);
    java.util.Map<Integer, java.util.Set<Long>> labelsOf = new java.util.HashMap<>();
    for (int i = 0; i < t.size(); i++) {
      labelsOf.computeIfAbsent(home[i][0], x -> new java.util.HashSet<>()).add(t.labels()[i]);
    }
    long pure = labelsOf.values().stream().filter(l -> l.size() == 1).count();
    assertTrue(pure >= 0.85 * labelsOf.size(), pure + " label-pure of " + labelsOf.size());
    KnnOptions opt = new KnnOptions(1, 512, 1024, DataType.FLOAT);
    Neighbors[] exact = MaskedKnn.search(t, t, Mask.OTHER_LABEL, opt)[0];
    List<VectorEntry> entries = anchors(t, new double[t.size()]);
    // fewer copies per item (3 + 8 against 1 + 12): fixed probing misses, spilling does not
    double fixed =
        recall(
            IvfSearch.search(entries, entries, c, dim, 12, 1, 4096, Mask.OTHER_LABEL, opt, 1, 0)
                .candidates(),
            exact);
    double spill =
        recall(
            IvfSearch.search(entries, entries, c, dim, 8, 3, 4096, Mask.OTHER_LABEL, opt, 1, 0)
                .candidates(),
            exact);
    assertTrue(fixed < 0.98, "fixed nprobe 12 recall " + fixed);
    assertTrue(spill >= 0.99, "3 base lists, nprobe 8 recall " + spill + " (fixed " + fixed + ")");
  }

  private static long[] ids(LabeledVectors t, Neighbors n) {
    return java.util.Arrays.stream(n.index()).mapToLong(i -> t.ids()[i]).toArray();
  }

  @Test
  void nearestNegativeRecallOnClusteredDataIsHighWithFewProbes() {
    // 4000 points in 40 clusters, 10 labels; nlist 64, nprobe 8 (1/8 of the lists)
    LabeledVectors t = clustered(4000, 16, 40, 10, 0.25, 2);
    float[] c = SphericalKMeans.fit(t.values(), t.size(), 16, 64, 8, 3);
    KnnOptions opt = new KnnOptions(1, 512, 1024, DataType.FLOAT);
    Neighbors[] exact = MaskedKnn.search(t, t, Mask.OTHER_LABEL, opt)[0];
    List<VectorEntry> entries = anchors(t, new double[t.size()]);
    List<AnchorCandidates> ivf =
        IvfSearch.search(entries, entries, c, 16, 8, Integer.MAX_VALUE, Mask.OTHER_LABEL, opt, 1, 0)
            .candidates();
    int hit = 0;
    for (int q = 0; q < t.size(); q++) {
      AnchorCandidates got = ivf.get(q);
      if (got.hardIds().length > 0 && got.hardIds()[0] == t.ids()[exact[q].index()[0]]) {
        hit++;
      }
      assertTrue(got.hardIds().length == 0 || got.hardDist()[0] >= exact[q].distance()[0]);
    }
    double recall = (double) hit / t.size();
    assertTrue(recall >= 0.95, "nearest-negative recall " + recall);
  }

  @Test
  void theKMeansSampleIsTheLowestHashesWhateverTheRowOrder() {
    LabeledVectors t = clustered(300, 4, 3, 2, 0.3, 5);
    LabeledVectors s = IvfSearch.sample(t, 50, 9, 2);
    int[] reversed =
        java.util.stream.IntStream.range(0, t.size()).map(i -> t.size() - 1 - i).toArray();
    LabeledVectors fromReversed = IvfSearch.sample(IvfSearch.rows(t, reversed), 50, 9, 2);
    assertArrayEquals(s.ids(), fromReversed.ids());
    assertArrayEquals(s.values(), fromReversed.values());
    // oracle: the 50 ids with the smallest keys, by a plain sort
    long[] want =
        java.util.Arrays.stream(t.ids())
            .boxed()
            .sorted(
                java.util.Comparator.<Long>comparingLong(id -> IvfSearch.sampleKey(9, 2, id))
                    .thenComparingLong(id -> id))
            .limit(50)
            .mapToLong(Long::longValue)
            .toArray();
    assertArrayEquals(want, s.ids());
    assertArrayEquals(
        IvfSearch.train(t, 4, 2, 50, 5, 9, 2).centroids(),
        IvfSearch.train(IvfSearch.rows(t, reversed), 4, 2, 50, 5, 9, 2).centroids());
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
