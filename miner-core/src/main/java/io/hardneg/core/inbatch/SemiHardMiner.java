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
    for (int a : InBatchMiner.usableAnchors(b, stats)) {
      double[] row = b.d()[a];
      for (int p = 0; p < n; p++) {
        if (!b.positive(a, p)) {
          continue;
        }
        double dap = row[p];
        int semi = -1;
        int hard = -1;
        int beyond = -1;
        for (int g = 0; g < n; g++) {
          if (!b.negative(a, g)) {
            continue;
          }
          double dan = row[g];
          if (hard < 0 || dan < row[hard]) {
            hard = g;
          }
          if (dan > dap) {
            if (beyond < 0 || dan < row[beyond]) {
              beyond = g;
            }
            if (Hardness.isSemiHard(dap, dan, margin) && (semi < 0 || dan < row[semi])) {
              semi = g;
            }
          }
        }
        if (semi >= 0) {
          out.add(a, p, semi, MinedKind.SEMIHARD);
        } else if (fallback == SemiHardFallback.HARD) {
          stats.addFallback();
          out.add(a, p, hard, MinedKind.HARD);
        } else if (fallback == SemiHardFallback.NEAREST_BEYOND && beyond >= 0) {
          stats.addFallback();
          out.add(a, p, beyond, MinedKind.BEYOND);
        } else {
          stats.addNoCandidate();
        }
      }
    }
    return out.tuples();
  }
}
