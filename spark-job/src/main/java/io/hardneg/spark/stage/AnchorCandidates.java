package io.hardneg.spark.stage;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.knn.Neighbors;
import java.io.Serializable;

/**
 * One anchor's search results as they travel between Spark tasks: the anchor's label, positive
 * and {@code d(a,p)}, its nearest negatives ({@code hard}) and its nearest negatives beyond
 * {@code d(a,p)} ({@code beyond}, with the count of negatives at or below {@code d(a,p)} seen
 * by the tasks that searched it), each sorted by (distance, id). Partial results from different
 * lists or tiles {@link #merge} into the anchor's final candidates.
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

  /** Results of one kernel call for query {@code q}, base rows mapped to ids through {@code base}. */
  public static AnchorCandidates of(LabeledVectors queries, int q, long positive, double dAp,
      LabeledVectors base, Neighbors hard, Neighbors beyond) {
    AnchorCandidates c = empty(queries.ids()[q], queries.labels()[q], positive, dAp);
    c.hardIds = new long[hard.size()];
    c.hardLabels = new long[hard.size()];
    for (int i = 0; i < hard.size(); i++) {
      c.hardIds[i] = base.ids()[hard.index()[i]];
      c.hardLabels[i] = base.labels()[hard.index()[i]];
    }
    c.hardDist = hard.distance();
    c.beyondIds = new long[beyond.size()];
    c.beyondLabels = new long[beyond.size()];
    for (int i = 0; i < beyond.size(); i++) {
      c.beyondIds[i] = base.ids()[beyond.index()[i]];
      c.beyondLabels[i] = base.labels()[beyond.index()[i]];
    }
    c.beyondDist = beyond.distance();
    c.beyondWithin = beyond.atOrBelowBound();
    return c;
  }

  /** The k nearest of both, per list, by (distance, id); within-counts add up. */
  public static AnchorCandidates merge(AnchorCandidates a, AnchorCandidates b, int kHard,
      int kBeyond) {
    AnchorCandidates c = empty(a.anchor, a.label, a.positive, a.dAp);
    long[][] h = mergeLists(a.hardIds, a.hardLabels, a.hardDist, b.hardIds, b.hardLabels,
        b.hardDist, kHard);
    c.hardIds = h[0];
    c.hardLabels = h[1];
    c.hardDist = toDist(h[2]);
    long[][] y = mergeLists(a.beyondIds, a.beyondLabels, a.beyondDist, b.beyondIds,
        b.beyondLabels, b.beyondDist, kBeyond);
    c.beyondIds = y[0];
    c.beyondLabels = y[1];
    c.beyondDist = toDist(y[2]);
    c.beyondWithin = a.beyondWithin + b.beyondWithin;
    return c;
  }

  private static long[][] mergeLists(long[] ia, long[] la, double[] da, long[] ib, long[] lb,
      double[] db, int k) {
    int n = Math.min(k, ia.length + ib.length);
    long[] ids = new long[n];
    long[] labels = new long[n];
    long[] dist = new long[n];
    int i = 0;
    int j = 0;
    int t = 0;
    while (t < n) {
      boolean takeA = j >= ib.length || (i < ia.length
          && (da[i] < db[j] || (da[i] == db[j] && ia[i] <= ib[j])));
      if (takeA) {
        if (j < ib.length && ia[i] == ib[j]) {
          j++; // the same item found twice (replicated query): keep one
        }
        ids[t] = ia[i];
        labels[t] = la[i];
        dist[t++] = Double.doubleToRawLongBits(da[i++]);
      } else {
        ids[t] = ib[j];
        labels[t] = lb[j];
        dist[t++] = Double.doubleToRawLongBits(db[j++]);
      }
      if (i >= ia.length && j >= ib.length) {
        break;
      }
    }
    return new long[][] {java.util.Arrays.copyOf(ids, t), java.util.Arrays.copyOf(labels, t),
        java.util.Arrays.copyOf(dist, t)};
  }

  private static double[] toDist(long[] bits) {
    double[] d = new double[bits.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = Double.longBitsToDouble(bits[i]);
    }
    return d;
  }

  public long anchor() {
    return anchor;
  }
}
