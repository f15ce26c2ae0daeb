package io.hardneg.core.inbatch;

import io.hardneg.core.mining.MinedKind;

/**
 * No mining: every positive pair and every negative pair of every anchor that has both a
 * positive and a negative (as pairs; a triplet loss gets every triplet through
 * {@link Pairs#toTriplets(int)}). Other anchors are skipped and counted, as for every miner.
 */
public final class AllTuplesMiner implements InBatchMiner {
  @Override
  public Tuples mine(Batch b, InBatchStats stats) {
    int n = b.size();
    IntList pa = new IntList();
    IntList pp = new IntList();
    IntList na = new IntList();
    IntList ng = new IntList();
    for (int a = 0; a < n; a++) {
      if (!InBatchMiner.usableAnchor(b, a, stats)) {
        continue;
      }
      for (int j = 0; j < n; j++) {
        if (b.positive(a, j)) {
          pa.add(a);
          pp.add(j);
          stats.addTuple(MinedKind.POSITIVE_PAIR);
          stats.addPositivePair(b.d()[a][j]);
        } else if (b.negative(a, j)) {
          na.add(a);
          ng.add(j);
          stats.addTuple(MinedKind.NEGATIVE_PAIR);
          stats.addNegativePair(b.d()[a][j]);
        }
      }
    }
    return Tuples.of(new Pairs(pa.toArray(), pp.toArray(), na.toArray(), ng.toArray()), n);
  }
}
