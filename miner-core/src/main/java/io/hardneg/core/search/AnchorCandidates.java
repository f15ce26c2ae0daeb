package io.hardneg.core.search;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.knn.Neighbors;
import java.io.Serializable;

/**
 * One anchor's search results as they travel between tasks: the anchor's label, positive and {@code
 * d(a,p)}, its nearest negatives ({@code hard}) and its nearest negatives beyond {@code d(a,p)}
 * ({@code beyond}, with the count of negatives at or below {@code d(a,p)} seen by the tasks that
 * searched it), each sorted by (distance, id). Partial results from different lists or tiles {@link
 * #merge} into the anchor's final candidates. When IVF spills, a negative met in several lists is
 * kept once but counts in {@code beyondWithin} once per such list (that count is the rank offset of
 * the beyond list, itself approximate under IVF).
 */
public final class AnchorCandidates implements Serializable {
  private static final long serialVersionUID = 1L;

  long anchor;
  long label;
  long positive;
  double dAp;
  long[] hardIds = new long[0];
  long[] hardLabels = new long[0];
  double[] hardDist = new double[0];
  long[] beyondIds = new long[0];
  long[] beyondLabels = new long[0];
  double[] beyondDist = new double[0];
  long beyondWithin;

  /** For Kryo. */
  public AnchorCandidates() {}

  /** An anchor with nothing found yet. */
  public static AnchorCandidates empty(long anchor, long label, long positive, double dAp) {
    AnchorCandidates c = new AnchorCandidates();
    c.anchor = anchor;
    c.label = label;
    c.positive = positive;
    c.dAp = dAp;
    return c;
  }

  /**
   * Results of one kernel call for query {@code q}, base rows mapped to ids through {@code base},
   * each list cut to its k (the kernel keeps max(kHard, kBeyond) for both).
   */
  public static AnchorCandidates of(
      LabeledVectors queries,
      int q,
      long positive,
      double dAp,
      LabeledVectors base,
      Neighbors hard,
      Neighbors beyond,
      int kHard,
      int kBeyond) {
    AnchorCandidates c = empty(queries.ids()[q], queries.labels()[q], positive, dAp);
    c.setHard(Sorted.of(hard, base, kHard));
    c.setBeyond(Sorted.of(beyond, base, kBeyond));
    c.beyondWithin = beyond.atOrBelowBound();
    return c;
  }

  /** The k nearest of both, per list, by (distance, id); within-counts add up. */
  public static AnchorCandidates merge(
      AnchorCandidates a, AnchorCandidates b, int kHard, int kBeyond) {
    AnchorCandidates c = empty(a.anchor, a.label, a.positive, a.dAp);
    c.setHard(Sorted.merge(a.hard(), b.hard(), kHard));
    c.setBeyond(Sorted.merge(a.beyond(), b.beyond(), kBeyond));
    c.beyondWithin = a.beyondWithin + b.beyondWithin;
    return c;
  }

  private Sorted hard() {
    return new Sorted(hardIds, hardLabels, hardDist);
  }

  private Sorted beyond() {
    return new Sorted(beyondIds, beyondLabels, beyondDist);
  }

  private void setHard(Sorted l) {
    hardIds = l.ids();
    hardLabels = l.labels();
    hardDist = l.dist();
  }

  private void setBeyond(Sorted l) {
    beyondIds = l.ids();
    beyondLabels = l.labels();
    beyondDist = l.dist();
  }

  /** One candidate list sorted by (distance, id). */
  private record Sorted(long[] ids, long[] labels, double[] dist) {
    static Sorted of(Neighbors n, LabeledVectors base, int k) {
      int size = Math.min(k, n.size());
      long[] ids = new long[size];
      long[] labels = new long[size];
      for (int i = 0; i < size; i++) {
        ids[i] = base.ids()[n.index()[i]];
        labels[i] = base.labels()[n.index()[i]];
      }
      return new Sorted(ids, labels, java.util.Arrays.copyOf(n.distance(), size));
    }

    /**
     * The k nearest of both by (distance, id), each id once: with IVF spilling a base vector lives
     * in several lists, so two tasks can both find it. Its distance is recomputed in double from
     * the same vectors in each task, so the two copies have the same key and meet side by side.
     */
    static Sorted merge(Sorted a, Sorted b, int k) {
      int n = Math.min(k, a.ids.length + b.ids.length);
      long[] ids = new long[n];
      long[] labels = new long[n];
      double[] dist = new double[n];
      int i = 0;
      int j = 0;
      int t = 0;
      while (t < n && (i < a.ids.length || j < b.ids.length)) {
        boolean takeA =
            j >= b.ids.length
                || (i < a.ids.length
                    && (a.dist[i] < b.dist[j] || (a.dist[i] == b.dist[j] && a.ids[i] <= b.ids[j])));
        Sorted from = takeA ? a : b;
        int at = takeA ? i++ : j++;
        if (t > 0 && ids[t - 1] == from.ids[at] && dist[t - 1] == from.dist[at]) {
          continue;
        }
        ids[t] = from.ids[at];
        labels[t] = from.labels[at];
        dist[t] = from.dist[at];
        t++;
      }
      return t == n
          ? new Sorted(ids, labels, dist)
          : new Sorted(
              java.util.Arrays.copyOf(ids, t),
              java.util.Arrays.copyOf(labels, t),
              java.util.Arrays.copyOf(dist, t));
    }
  }

  public long anchor() {
    return anchor;
  }

  public long label() {
    return label;
  }

  public long positive() {
    return positive;
  }

  /** d(a,p); NaN when the anchor has no positive. */
  public double dAp() {
    return dAp;
  }

  /** Ids of the nearest negatives, nearest first (position = rank among all negatives). */
  public long[] hardIds() {
    return hardIds;
  }

  public long[] hardLabels() {
    return hardLabels;
  }

  public double[] hardDist() {
    return hardDist;
  }

  /** Ids of the nearest negatives beyond d(a,p), nearest first. */
  public long[] beyondIds() {
    return beyondIds;
  }

  public long[] beyondLabels() {
    return beyondLabels;
  }

  public double[] beyondDist() {
    return beyondDist;
  }

  /** Negatives at or below d(a,p) seen by the searches merged into this result. */
  public long beyondWithin() {
    return beyondWithin;
  }
}
