package io.hardneg.core.mining;

/**
 * Settings of global triplet mining (docs/concepts.md). Distances are Euclidean between unit
 * vectors; similarities are {@code s = 1 − d²/2}.
 *
 * @param margin the triplet margin; semi-hard means {@code d(a,p) < d(a,n) <= d(a,p) + margin}
 * @param hardPerAnchor hardest (nearest valid) negatives taken per anchor (0 = none)
 * @param semiHardPerAnchor semi-hard negatives taken per anchor, nearest first (0 = none)
 * @param fallback what to do when an anchor has no semi-hard negative
 * @param seed the run's seed; positives are drawn with {@code hash(seed, round, anchor id)}
 * @param bandMin first rank of the band rule (0 = the nearest negative)
 * @param bandMax end (exclusive) of the band rule's ranks
 * @param bandPerAnchor negatives taken from ranks {@code [bandMin, bandMax)}, nearest first (0 = no
 *     band rule)
 * @param falseNegativeRatio positive-aware false-negative guard, relative (NV-Retriever
 *     TopK-PercPos, sign-safe): drop n with {@code s(a,n) > s(a,p) − |s(a,p)|·ratio}; NaN = off
 * @param falseNegativeMargin positive-aware false-negative guard, absolute (NV-Retriever
 *     TopK-MarginPos): drop n with {@code s(a,n) > s(a,p) − margin}; NaN = off
 * @param minDistance near-duplicate guard: drop n with {@code d(a,n) < minDistance}; 0 = off
 * @param perLabelQuota at most this many negatives per (anchor, negative label); 0 = no limit
 * @param candidateSlack extra candidates the search keeps per anchor beyond what the rules take, so
 *     that guards and quotas have others to choose from
 */
public record MiningConfig(
    double margin,
    int hardPerAnchor,
    int semiHardPerAnchor,
    SemiHardFallback fallback,
    long seed,
    int bandMin,
    int bandMax,
    int bandPerAnchor,
    double falseNegativeRatio,
    double falseNegativeMargin,
    double minDistance,
    int perLabelQuota,
    int candidateSlack)
    implements java.io.Serializable {

  public MiningConfig {
    if (!(margin >= 0) || Double.isInfinite(margin)) {
      throw new IllegalArgumentException("mining margin must be finite and >= 0, got " + margin);
    }
    if (hardPerAnchor < 0 || semiHardPerAnchor < 0 || bandPerAnchor < 0) {
      throw new IllegalArgumentException(
          "negatives per anchor must be >= 0, got hard="
              + hardPerAnchor
              + " semihard="
              + semiHardPerAnchor
              + " band="
              + bandPerAnchor);
    }
    if (hardPerAnchor + semiHardPerAnchor + bandPerAnchor == 0) {
      throw new IllegalArgumentException(
          "mining would produce nothing: hard, semi-hard and "
              + "band negatives per anchor are all 0");
    }
    if (bandPerAnchor > 0 && (bandMin < 0 || bandMax <= bandMin)) {
      throw new IllegalArgumentException(
          "band ranks must satisfy 0 <= min < max, got [" + bandMin + ", " + bandMax + ")");
    }
    if (fallback == null) {
      throw new IllegalArgumentException("semi-hard fallback must be set");
    }
    if (!Double.isNaN(falseNegativeRatio) && !(falseNegativeRatio >= 0)) {
      throw new IllegalArgumentException(
          "false-negative ratio must be >= 0 (or off), got " + falseNegativeRatio);
    }
    if (!Double.isNaN(falseNegativeMargin) && Double.isInfinite(falseNegativeMargin)) {
      throw new IllegalArgumentException("false-negative margin must be finite (or off)");
    }
    if (!(minDistance >= 0) || minDistance > 2) {
      throw new IllegalArgumentException("min distance must be in [0, 2], got " + minDistance);
    }
    if (perLabelQuota < 0 || candidateSlack < 0) {
      throw new IllegalArgumentException(
          "quota and candidate slack must be >= 0, got "
              + perLabelQuota
              + " and "
              + candidateSlack);
    }
  }

  /** Hard and semi-hard only, no band, guards or quota (the foundation's rules). */
  public MiningConfig(
      double margin,
      int hardPerAnchor,
      int semiHardPerAnchor,
      SemiHardFallback fallback,
      long seed) {
    this(
        margin,
        hardPerAnchor,
        semiHardPerAnchor,
        fallback,
        seed,
        0,
        0,
        0,
        Double.NaN,
        Double.NaN,
        0,
        0,
        0);
  }

  /** True when a guard or the quota may reject candidates. */
  public boolean filters() {
    return !Double.isNaN(falseNegativeRatio)
        || !Double.isNaN(falseNegativeMargin)
        || minDistance > 0
        || perLabelQuota > 0;
  }

  /** Nearest negatives the search must keep per anchor. */
  public int nearestNeeded() {
    int k = Math.max(1, hardPerAnchor);
    if (fallback == SemiHardFallback.HARD) {
      k = Math.max(k, semiHardPerAnchor);
    }
    if (bandPerAnchor > 0) {
      k = Math.max(k, bandMax);
    }
    return k + candidateSlack;
  }

  /** Nearest negatives beyond d(a,p) the search must keep per anchor. */
  public int beyondNeeded() {
    return semiHardPerAnchor == 0 ? 0 : semiHardPerAnchor + candidateSlack;
  }
}
