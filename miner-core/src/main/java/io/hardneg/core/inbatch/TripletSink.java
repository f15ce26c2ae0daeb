package io.hardneg.core.inbatch;

import io.hardneg.core.mining.MinedKind;

/** Collects mined triplets and records each one's kind and distances in the stats. */
final class TripletSink {
  private final Batch batch;
  private final InBatchStats stats;
  private final IntList a = new IntList();
  private final IntList p = new IntList();
  private final IntList n = new IntList();

  TripletSink(Batch batch, InBatchStats stats) {
    this.batch = batch;
    this.stats = stats;
  }

  void add(int anchor, int positive, int negative, MinedKind kind) {
    a.add(anchor);
    p.add(positive);
    n.add(negative);
    stats.addTuple(kind);
    stats.addTriplet(batch.d()[anchor][positive], batch.d()[anchor][negative]);
  }

  Tuples tuples() {
    return Tuples.of(new Triplets(a.toArray(), p.toArray(), n.toArray()), batch.size());
  }
}
