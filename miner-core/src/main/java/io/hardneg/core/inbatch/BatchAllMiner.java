package io.hardneg.core.inbatch;

import io.hardneg.core.mining.MinedKind;

/**
 * Batch-all mining (Hermans et al. 2017): every triplet {@code (a,p,n)} of the batch that violates
 * the margin, {@code D(a,p) − D(a,n) + margin > 0}; in anchor, positive, negative order. A margin
 * of {@code +∞} is not allowed; use the {@code all} miner for every triplet.
 */
public final class BatchAllMiner implements InBatchMiner {
  private final double margin;

  public BatchAllMiner(double margin) {
    if (!(margin >= 0) || Double.isInfinite(margin)) {
      throw new IllegalArgumentException("batch-all margin must be finite and >= 0, got " + margin);
    }
    this.margin = margin;
  }

  @Override
  public Tuples mine(Batch b, InBatchStats stats) {
    TripletSink out = new TripletSink(b, stats);
    int n = b.size();
    for (int a : InBatchMiner.usableAnchors(b, stats)) {
      double[] row = b.d()[a];
      boolean any = false;
      for (int p = 0; p < n; p++) {
        if (!b.positive(a, p)) {
          continue;
        }
        for (int g = 0; g < n; g++) {
          if (b.negative(a, g) && row[p] - row[g] + margin > 0) {
            out.add(a, p, g, MinedKind.VIOLATING);
            any = true;
          }
        }
      }
      if (!any) {
        stats.addNoCandidate();
      }
    }
    return out.tuples();
  }
}
