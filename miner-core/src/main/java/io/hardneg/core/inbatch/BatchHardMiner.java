package io.hardneg.core.inbatch;

import io.hardneg.core.mining.MinedKind;

/**
 * Batch-hard mining (Hermans, Beyer, Leibe 2017, "In Defense of the Triplet Loss"): one triplet per
 * anchor, with the hardest positive (largest {@code D(a,p)}) and the hardest negative (smallest
 * {@code D(a,n)}) in the batch — docs/concepts.md's {@code hard}, with the {@code hardest} positive
 * policy. Ties go to the lowest row index.
 */
public final class BatchHardMiner implements InBatchMiner {
  @Override
  public Tuples mine(Batch b, InBatchStats stats) {
    TripletSink out = new TripletSink(b, stats);
    int n = b.size();
    for (int a : InBatchMiner.usableAnchors(b, stats)) {
      double[] row = b.d()[a];
      int p = -1;
      int g = -1;
      for (int j = 0; j < n; j++) {
        if (b.positive(a, j) && (p < 0 || row[j] > row[p])) {
          p = j;
        } else if (b.negative(a, j) && (g < 0 || row[j] < row[g])) {
          g = j;
        }
      }
      out.add(a, p, g, MinedKind.HARD);
    }
    return out.tuples();
  }
}
