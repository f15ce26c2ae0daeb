package io.hardneg.core.inbatch;

import io.hardneg.core.mining.MinedKind;

/**
 * Multi-similarity pair mining (Wang et al. 2019, the ε rule; pytorch-metric-learning's
 * {@code MultiSimilarityMiner}). Written for a similarity {@code s}: keep a negative pair when
 * {@code s(a,n) + ε > min_p s(a,p)} and a positive pair when {@code s(a,p) − ε < max_n s(a,n)}.
 * On the dissimilarity {@code D} (so for any metric): keep {@code (a,n)} when
 * {@code D(a,n) − ε < max_p D(a,p)} and {@code (a,p)} when {@code D(a,p) + ε > min_n D(a,n)}.
 * Only anchors with both a positive and a negative take part (others are counted and skipped);
 * an anchor whose rule keeps no pair at all is counted in {@link InBatchStats#noCandidate()}.
 */
public final class MultiSimilarityMiner implements InBatchMiner {
  private final double epsilon;

  public MultiSimilarityMiner(double epsilon) {
    if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("multi-similarity epsilon must be finite and >= 0, got "
          + epsilon);
    }
    this.epsilon = epsilon;
  }

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
          pa.add(a);
          pp.add(j);
          stats.addTuple(MinedKind.POSITIVE_PAIR);
          stats.addPositivePair(row[j]);
          any = true;
        } else if (b.negative(a, j) && row[j] - epsilon < maxPos) {
          na.add(a);
          ng.add(j);
          stats.addTuple(MinedKind.NEGATIVE_PAIR);
          stats.addNegativePair(row[j]);
          any = true;
        }
      }
      if (!any) {
        stats.addNoCandidate();
      }
    }
    return Tuples.of(new Pairs(pa.toArray(), pp.toArray(), na.toArray(), ng.toArray()), n);
  }
}
