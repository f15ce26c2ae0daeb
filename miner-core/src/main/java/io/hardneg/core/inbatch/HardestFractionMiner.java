package io.hardneg.core.inbatch;

import io.hardneg.core.mining.MinedKind;

/**
 * Hardest-fraction mining, in the spirit of OHEM (Shrivastava, Gupta, Girshick 2016, online hard
 * example mining): of all candidate triplets {@code (a,p,n)} of the batch, keep the {@code
 * ceil(fraction · C)} with the largest triplet loss {@code D(a,p) − D(a,n) + margin} (ties: earlier
 * in anchor, positive, negative order first). Candidates are every triplet of anchors that have a
 * positive and a negative. Memory: one double per candidate.
 */
public final class HardestFractionMiner implements InBatchMiner {
  /** Refuse batches whose candidate triplets would not fit in a sane array. */
  public static final long MAX_CANDIDATES = 200_000_000L;

  private final double fraction;
  private final double margin;

  public HardestFractionMiner(double fraction, double margin) {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("hardest fraction must be in (0, 1], got " + fraction);
    }
    if (!(margin >= 0) || Double.isInfinite(margin)) {
      throw new IllegalArgumentException("margin must be finite and >= 0, got " + margin);
    }
    this.fraction = fraction;
    this.margin = margin;
  }

  @Override
  public Tuples mine(Batch b, InBatchStats stats) {
    int n = b.size();
    double[][] d = b.d();
    boolean[] usable = new boolean[n];
    long count = 0;
    for (int a = 0; a < n; a++) {
      usable[a] = InBatchMiner.usableAnchor(b, a, stats);
      if (usable[a]) {
        long pos = 0;
        long neg = 0;
        for (int j = 0; j < n; j++) {
          pos += b.positive(a, j) ? 1 : 0;
          neg += b.negative(a, j) ? 1 : 0;
        }
        count += pos * neg;
      }
    }
    if (count > MAX_CANDIDATES) {
      throw new IllegalArgumentException(
          "hardest-fraction mining: "
              + count
              + " candidate "
              + "triplets exceed "
              + MAX_CANDIDATES
              + "; use a PK batch or a smaller batch");
    }
    double[] loss = new double[(int) count];
    int c = 0;
    for (int a = 0; a < n; a++) {
      for (int p = 0; usable[a] && p < n; p++) {
        if (b.positive(a, p)) {
          for (int g = 0; g < n; g++) {
            if (b.negative(a, g)) {
              loss[c++] = d[a][p] - d[a][g] + margin;
            }
          }
        }
      }
    }
    int keep = (int) Math.ceil(fraction * count - 1e-9);
    TripletSink out = new TripletSink(b, stats);
    if (keep == 0) {
      return out.tuples();
    }
    double threshold = kthLargest(loss.clone(), keep);
    int above = 0;
    for (double l : loss) {
      above += l > threshold ? 1 : 0;
    }
    int tiesLeft = keep - above;
    c = 0;
    for (int a = 0; a < n; a++) {
      for (int p = 0; usable[a] && p < n; p++) {
        if (b.positive(a, p)) {
          for (int g = 0; g < n; g++) {
            if (b.negative(a, g)) {
              double l = loss[c++];
              if (l > threshold || (l == threshold && tiesLeft-- > 0)) {
                out.add(a, p, g, MinedKind.TOP_FRACTION);
              }
            }
          }
        }
      }
    }
    return out.tuples();
  }

  /** The k-th largest value (1-based) by quickselect; reorders {@code v}. */
  static double kthLargest(double[] v, int k) {
    int lo = 0;
    int hi = v.length - 1;
    int target = k - 1;
    while (lo < hi) {
      double pivot = v[(lo + hi) >>> 1];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (v[i] > pivot) {
          i++;
        }
        while (v[j] < pivot) {
          j--;
        }
        if (i <= j) {
          double t = v[i];
          v[i] = v[j];
          v[j] = t;
          i++;
          j--;
        }
      }
      if (target <= j) {
        hi = j;
      } else if (target >= i) {
        lo = i;
      } else {
        return v[target];
      }
    }
    return v[target];
  }
}
