package io.hardneg.core.inbatch;

import io.hardneg.core.mining.Hardness;
import io.hardneg.core.mining.MinedKind;
import io.hardneg.core.mining.SemiHardFallback;

/**
 * Semi-hard mining (Schroff, Kalenichenko, Philbin 2015, FaceNet): for every anchor-positive pair
 * {@code (a,p)}, the nearest negative that is semi-hard by {@link Hardness#isSemiHard} ({@code
 * D(a,p) < D(a,n) <= D(a,p) + margin}, the rule the global selector and the report use). The
 * predicate is pytorch-metric-learning's ({@code TripletMarginMiner}, type {@code semihard}); the
 * selection is FaceNet's, not that miner's: it keeps one negative per pair (the nearest semi-hard
 * one), where pytorch-metric-learning keeps every semi-hard triplet. When none exists the {@link
 * SemiHardFallback} decides: {@code skip} (no triplet), {@code hard} (the nearest negative,
 * smallest {@code D(a,n)}) or {@code nearest-beyond} (TensorFlow Addons: the nearest negative with
 * {@code D(a,n) > D(a,p)}, no upper bound; if even that does not exist, no triplet). Pairs without
 * a semi-hard negative are counted ({@link InBatchStats#fallbacks()} when a fallback ran, {@link
 * InBatchStats#noCandidate()} when nothing was produced). Ties: lowest row index.
 */
public final class SemiHardMiner implements InBatchMiner {
  private final double margin;
  private final SemiHardFallback fallback;

  public SemiHardMiner(double margin, SemiHardFallback fallback) {
    if (!(margin > 0) || Double.isInfinite(margin)) {
      throw new IllegalArgumentException("semi-hard margin must be finite and > 0, got " + margin);
    }
    this.margin = margin;
    this.fallback = java.util.Objects.requireNonNull(fallback, "fallback");
  }

  @Override
  public Tuples mine(Batch b, InBatchStats stats) {
    TripletSink out = new TripletSink(b, stats);
    int n = b.size();
    int[] negIdx = new int[n];
    double[] negD = new double[n];
    for (int a : InBatchMiner.usableAnchors(b, stats)) {
      double[] row = b.d()[a];
      // the anchor's negatives once, in row order (so strict comparisons keep the lowest row on a
      // tie), and the nearest of them: it does not depend on the positive
      int m = 0;
      int hard = -1;
      for (int g = 0; g < n; g++) {
        if (b.negative(a, g)) {
          negIdx[m] = g;
          negD[m] = row[g];
          if (hard < 0 || negD[m] < negD[hard]) {
            hard = m;
          }
          m++;
        }
      }
      for (int p = 0; p < n; p++) {
        if (!b.positive(a, p)) {
          continue;
        }
        double dap = row[p];
        // the nearest negative beyond the positive; it is semi-hard when within the margin, and
        // if it is not, no farther one is (the semi-hard band starts where "beyond" starts)
        int beyond = -1;
        for (int k = 0; k < m; k++) {
          double dan = negD[k];
          if (dan > dap && (beyond < 0 || dan < negD[beyond])) {
            beyond = k;
          }
        }
        if (beyond >= 0 && Hardness.isSemiHard(dap, negD[beyond], margin)) {
          out.add(a, p, negIdx[beyond], MinedKind.SEMIHARD);
        } else if (fallback == SemiHardFallback.HARD) {
          stats.addFallback();
          out.add(a, p, negIdx[hard], MinedKind.HARD);
        } else if (fallback == SemiHardFallback.NEAREST_BEYOND && beyond >= 0) {
          stats.addFallback();
          out.add(a, p, negIdx[beyond], MinedKind.BEYOND);
        } else {
          stats.addNoCandidate();
        }
      }
    }
    return out.tuples();
  }
}
