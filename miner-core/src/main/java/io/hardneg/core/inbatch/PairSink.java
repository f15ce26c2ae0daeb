package io.hardneg.core.inbatch;

import io.hardneg.core.mining.MinedKind;

/** Collects mined pairs and records each one's kind and distance in the stats. */
final class PairSink {
  private final Batch batch;
  private final InBatchStats stats;
  private final IntList pa = new IntList();
  private final IntList pp = new IntList();
  private final IntList na = new IntList();
  private final IntList ng = new IntList();

  PairSink(Batch batch, InBatchStats stats) {
    this.batch = batch;
    this.stats = stats;
  }

  void addPositive(int anchor, int positive) {
    pa.add(anchor);
    pp.add(positive);
    stats.addTuple(MinedKind.POSITIVE_PAIR);
    stats.addPositivePair(batch.d()[anchor][positive]);
  }

  void addNegative(int anchor, int negative) {
    na.add(anchor);
    ng.add(negative);
    stats.addTuple(MinedKind.NEGATIVE_PAIR);
    stats.addNegativePair(batch.d()[anchor][negative]);
  }

  Tuples tuples() {
    return Tuples.of(
        new Pairs(pa.toArray(), pp.toArray(), na.toArray(), ng.toArray()), batch.size());
  }
}
