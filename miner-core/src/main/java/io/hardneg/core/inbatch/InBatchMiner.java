package io.hardneg.core.inbatch;

/**
 * Chooses tuples from one batch (docs/concepts.md "Loss": Distance → Miner → Loss → Reducer). A
 * miner reads only the dissimilarity matrix and the labels of a {@link Batch}, so it never branches
 * on the metric. Contract, checked by every miner's test: a positive is another row with the
 * anchor's label, a negative a row with another label; anchors with no positive or no negative are
 * skipped and counted in {@link InBatchStats}, never a crash or a NaN; ties go to the lowest row
 * index; the result depends only on the batch (and the miner's seed).
 */
public interface InBatchMiner {
  /** Mines the batch, recording counts and histograms into {@code stats}. */
  Tuples mine(Batch batch, InBatchStats stats);

  /**
   * The rows with at least one positive and one negative, ascending; every row is counted as an
   * anchor in {@code stats}, skipped ones as no-positive (checked first) or no-negative.
   */
  static int[] usableAnchors(Batch b, InBatchStats stats) {
    IntList usable = new IntList();
    for (int a = 0; a < b.size(); a++) {
      if (usableAnchor(b, a, stats)) {
        usable.add(a);
      }
    }
    return usable.toArray();
  }

  /** Counts anchor {@code a} and says whether it has a positive and a negative. */
  static boolean usableAnchor(Batch b, int a, InBatchStats stats) {
    stats.addAnchor();
    boolean pos = false;
    boolean neg = false;
    for (int j = 0; j < b.size() && !(pos && neg); j++) {
      pos |= b.positive(a, j);
      neg |= b.negative(a, j);
    }
    if (!pos) {
      stats.addNoPositive();
    } else if (!neg) {
      stats.addNoNegative();
    }
    return pos && neg;
  }
}
