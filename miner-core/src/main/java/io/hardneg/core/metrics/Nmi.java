package io.hardneg.core.metrics;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.ivf.SphericalKMeans;
import java.util.HashMap;
import java.util.Map;

/**
 * Normalized mutual information between the class labels and a k-means clustering of the
 * embeddings, as pytorch-metric-learning's AccuracyCalculator reports it: k = number of classes,
 * NMI with the arithmetic-mean normaliser {@code MI / ((H(labels) + H(clusters)) / 2)}
 * (scikit-learn's default), natural logarithms. The clustering is {@link SphericalKMeans} with
 * k-means++ seeding: on unit vectors (every hardneg embedding) cosine and Euclidean assignment
 * agree.
 */
public final class Nmi {
  /** Lloyd iterations of the clustering. */
  public static final int ITERATIONS = 25;

  private Nmi() {}

  /**
   * NMI of two labelings of the same items; 1 when both are constant (identical partitions), 0 when
   * only one is.
   */
  public static double of(long[] a, long[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "labelings differ in length: " + a.length + " vs " + b.length);
    }
    int n = a.length;
    if (n == 0) {
      return Double.NaN;
    }
    Map<Long, Integer> ca = new HashMap<>();
    Map<Long, Integer> cb = new HashMap<>();
    Map<Long, Map<Long, Integer>> joint = new HashMap<>();
    for (int i = 0; i < n; i++) {
      ca.merge(a[i], 1, Integer::sum);
      cb.merge(b[i], 1, Integer::sum);
      joint.computeIfAbsent(a[i], x -> new HashMap<>()).merge(b[i], 1, Integer::sum);
    }
    if (ca.size() == 1 && cb.size() == 1) {
      return 1.0;
    }
    double ha = entropy(ca, n);
    double hb = entropy(cb, n);
    double mi = 0;
    for (Map.Entry<Long, Map<Long, Integer>> e : joint.entrySet()) {
      double pa = (double) ca.get(e.getKey()) / n;
      for (Map.Entry<Long, Integer> f : e.getValue().entrySet()) {
        double pab = (double) f.getValue() / n;
        double pb = (double) cb.get(f.getKey()) / n;
        mi += pab * Math.log(pab / (pa * pb));
      }
    }
    double norm = (ha + hb) / 2;
    // MI is never above either entropy; rounding can push it a hair over
    return Math.min(1.0, Math.max(0.0, mi / Math.max(norm, 1e-300)));
  }

  /** Clusters the (unit) rows of {@code items} into as many clusters as classes; NMI. */
  public static double kMeans(LabeledVectors items, long seed) {
    int n = items.size();
    if (n == 0) {
      return Double.NaN;
    }
    int k = (int) java.util.Arrays.stream(items.labels()).distinct().count();
    float[] c = SphericalKMeans.fit(items.values(), n, items.dim(), k, ITERATIONS, seed);
    int[] assign = new int[n];
    SphericalKMeans.assignNearest(items.values(), n, items.dim(), c, k, assign, new float[n]);
    long[] clusters = new long[n];
    for (int i = 0; i < n; i++) {
      clusters[i] = assign[i];
    }
    return of(items.labels(), clusters);
  }

  private static double entropy(Map<Long, Integer> counts, int n) {
    double h = 0;
    for (int c : counts.values()) {
      double p = (double) c / n;
      h -= p * Math.log(p);
    }
    return h;
  }
}
