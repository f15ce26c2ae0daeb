package io.hardneg.core.ivf;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.knn.Mask;
import io.hardneg.core.knn.MaskedKnn;
import io.hardneg.core.knn.Neighbors;
import java.util.ArrayList;
import java.util.List;

/**
 * Inverted-file (IVF) approximate search in one JVM, the same algorithm the Spark stage runs
 * distributed: every base vector lives in its <em>home</em> list (nearest centroid), every query
 * visits its {@code nprobe} nearest lists, and inside a list the exact masked kernel
 * ({@link MaskedKnn}) runs; per-list results are merged per query by (distance, row). With
 * {@code nprobe = nlist} every query meets every base row and the result equals the exact one.
 * Counts of items at or below a bound add up over the visited lists only.
 */
public final class IvfSearch {
  private IvfSearch() {}

  /**
   * Searches like {@link MaskedKnn#search}, restricted to the probed lists.
   *
   * @param centroids {@code nlist x dim} unit centroids
   */
  public static Neighbors[][] search(LabeledVectors queries, LabeledVectors base,
      float[] centroids, int nprobe, Mask mask, KnnOptions opt, double[]... lowerBounds) {
    int dim = base.dim();
    if (queries.dim() != dim || centroids.length % dim != 0) {
      throw new IllegalArgumentException("dimensions differ: queries " + queries.dim()
          + ", base " + dim + ", centroids " + centroids.length + " values");
    }
    int nlist = centroids.length / dim;
    int[][] home = SphericalKMeans.nearest(base.values(), base.size(), dim, centroids, nlist, 1,
        null);
    int[][] probes = SphericalKMeans.nearest(queries.values(), queries.size(), dim, centroids,
        nlist, nprobe, null);
    List<List<Integer>> baseRows = lists(nlist);
    for (int i = 0; i < base.size(); i++) {
      baseRows.get(home[i][0]).add(i);
    }
    List<List<Integer>> queryRows = lists(nlist);
    for (int q = 0; q < queries.size(); q++) {
      for (int l : probes[q]) {
        queryRows.get(l).add(q);
      }
    }
    double[][] bounds = lowerBounds.length == 0 ? new double[][] {null} : lowerBounds;
    int heaps = bounds.length;
    Neighbors[][] merged = new Neighbors[heaps][queries.size()];
    for (int h = 0; h < heaps; h++) {
      for (int q = 0; q < queries.size(); q++) {
        merged[h][q] = new Neighbors(new int[0], new double[0], 0);
      }
    }
    for (int l = 0; l < nlist; l++) {
      if (baseRows.get(l).isEmpty() || queryRows.get(l).isEmpty()) {
        continue;
      }
      int[] b = toArray(baseRows.get(l));
      int[] qs = toArray(queryRows.get(l));
      double[][] sub = new double[heaps][];
      for (int h = 0; h < heaps; h++) {
        if (bounds[h] != null) {
          sub[h] = new double[qs.length];
          for (int j = 0; j < qs.length; j++) {
            sub[h][j] = bounds[h][qs[j]];
          }
        }
      }
      Neighbors[][] part = MaskedKnn.search(rows(queries, qs), rows(base, b), mask, opt, sub);
      for (int h = 0; h < heaps; h++) {
        for (int j = 0; j < qs.length; j++) {
          merged[h][qs[j]] = merge(merged[h][qs[j]], remap(part[h][j], b), opt.k());
        }
      }
    }
    return merged;
  }

  /** The k nearest of two sorted results, by (distance, row); within-counts add up. */
  public static Neighbors merge(Neighbors a, Neighbors b, int k) {
    int n = Math.min(k, a.size() + b.size());
    int[] idx = new int[n];
    double[] dist = new double[n];
    int i = 0;
    int j = 0;
    for (int t = 0; t < n; t++) {
      boolean takeA = j >= b.size() || (i < a.size() && (a.distance()[i] < b.distance()[j]
          || (a.distance()[i] == b.distance()[j] && a.index()[i] < b.index()[j])));
      if (takeA) {
        idx[t] = a.index()[i];
        dist[t] = a.distance()[i++];
      } else {
        idx[t] = b.index()[j];
        dist[t] = b.distance()[j++];
      }
    }
    return new Neighbors(idx, dist, a.atOrBelowBound() + b.atOrBelowBound());
  }

  private static Neighbors remap(Neighbors n, int[] rows) {
    int[] idx = new int[n.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = rows[n.index()[i]];
    }
    return new Neighbors(idx, n.distance(), n.atOrBelowBound());
  }

  /** The sub-table of the given rows. */
  public static LabeledVectors rows(LabeledVectors t, int[] rows) {
    int dim = t.dim();
    long[] ids = new long[rows.length];
    long[] labels = new long[rows.length];
    float[] v = new float[rows.length * dim];
    for (int i = 0; i < rows.length; i++) {
      ids[i] = t.ids()[rows[i]];
      labels[i] = t.labels()[rows[i]];
      System.arraycopy(t.values(), rows[i] * dim, v, i * dim, dim);
    }
    return new LabeledVectors(ids, labels, v, dim);
  }

  private static List<List<Integer>> lists(int n) {
    List<List<Integer>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new ArrayList<>());
    }
    return out;
  }

  private static int[] toArray(List<Integer> l) {
    return l.stream().mapToInt(Integer::intValue).toArray();
  }
}
