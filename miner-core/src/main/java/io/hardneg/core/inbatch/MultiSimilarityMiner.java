package io.hardneg.core.inbatch;

/**
 * Multi-similarity pair mining (Wang et al. 2019, the ε rule; pytorch-metric-learning's {@code
 * MultiSimilarityMiner}). Written for a similarity {@code s}: keep a negative pair when {@code
 * s(a,n) + ε > min_p s(a,p)} and a positive pair when {@code s(a,p) − ε < max_n s(a,n)}. On the
 * dissimilarity {@code D} (so for any metric): keep {@code (a,n)} when {@code D(a,n) − ε < max_p
 * D(a,p)} and {@code (a,p)} when {@code D(a,p) + ε > min_n D(a,n)}. Only anchors with both a
 * positive and a negative take part (others are counted and skipped); an anchor whose rule keeps no
 * pair at all is counted in {@link InBatchStats#noCandidate()}.
 */
public final class MultiSimilarityMiner implements InBatchMiner {
  private final double epsilon;

  public MultiSimilarityMiner(double epsilon) {
    if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException(
          "multi-similarity epsilon must be finite and >= 0, got " + epsilon);
    }
    this.epsilon = epsilon;
  }

  @Override
  public Tuples mine(Batch b, InBatchStats stats) {
    int n = b.size();
    PairSink out = new PairSink(b, stats);
    for (int a : InBatchMiner.usableAnchors(b, stats)) {
      double[] row = b.d()[a];
      double maxPos = Double.NEGATIVE_INFINITY;
      double minNeg = Double.POSITIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        if (b.positive(a, j)) {
          maxPos = Math.max(maxPos, row[j]);
        } else if (b.negative(a, j)) {
          minNeg = Math.min(minNeg, row[j]);
        }
      }
      boolean any = false;
      for (int j = 0; j < n; j++) {
        if (b.positive(a, j) && row[j] + epsilon > minNeg) {
          out.addPositive(a, j);
          any = true;
        } else if (b.negative(a, j) && row[j] - epsilon < maxPos) {
          out.addNegative(a, j);
          any = true;
        }
      }
      if (!any) {
        stats.addNoCandidate();
      }
    }
    return out.tuples();
  }
}
