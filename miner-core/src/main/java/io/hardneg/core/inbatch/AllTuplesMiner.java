package io.hardneg.core.inbatch;

/**
 * No mining: every positive pair and every negative pair of every anchor that has both a positive
 * and a negative (as pairs; a triplet loss gets every triplet through {@link
 * Pairs#toTriplets(int)}). Other anchors are skipped and counted, as for every miner.
 */
public final class AllTuplesMiner implements InBatchMiner {
  @Override
  public Tuples mine(Batch b, InBatchStats stats) {
    PairSink out = new PairSink(b, stats);
    for (int a : InBatchMiner.usableAnchors(b, stats)) {
      for (int j = 0; j < b.size(); j++) {
        if (b.positive(a, j)) {
          out.addPositive(a, j);
        } else if (b.negative(a, j)) {
          out.addNegative(a, j);
        }
      }
    }
    return out.tuples();
  }
}
