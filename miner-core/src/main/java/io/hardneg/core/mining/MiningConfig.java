package io.hardneg.core.mining;

/**
 * Settings of global triplet mining (DESIGN §4).
 *
 * @param margin the triplet margin; semi-hard means {@code d(a,p) < d(a,n) <= d(a,p) + margin}
 * @param hardPerAnchor hardest negatives taken per anchor (0 = none)
 * @param semiHardPerAnchor semi-hard negatives taken per anchor, nearest first (0 = none)
 * @param fallback what to do when an anchor has no semi-hard negative
 * @param seed the run's seed; positives are drawn with {@code hash(seed, round, anchor id)}
 */
public record MiningConfig(double margin, int hardPerAnchor, int semiHardPerAnchor,
    SemiHardFallback fallback, long seed) implements java.io.Serializable {
  public MiningConfig {
    if (!(margin >= 0) || Double.isInfinite(margin)) {
      throw new IllegalArgumentException("mining margin must be finite and >= 0, got " + margin);
    }
    if (hardPerAnchor < 0 || semiHardPerAnchor < 0) {
      throw new IllegalArgumentException("negatives per anchor must be >= 0, got hard="
          + hardPerAnchor + " semihard=" + semiHardPerAnchor);
    }
    if (hardPerAnchor + semiHardPerAnchor == 0) {
      throw new IllegalArgumentException("mining would produce nothing: hard and semi-hard "
          + "negatives per anchor are both 0");
    }
    if (fallback == null) {
      throw new IllegalArgumentException("semi-hard fallback must be set");
    }
  }
}
