package io.hardneg.core.mining;

/**
 * Where a triplet stands against the margin, by its distances {@code d(a,p)} and {@code d(a,n)} (a
 * dissimilarity: larger = farther). The one definition of semi-hard (Schroff et al. 2015, FaceNet;
 * pytorch-metric-learning's {@code TripletMarginMiner}, type {@code semihard}): {@code d(a,p) <
 * d(a,n) <= d(a,p) + margin}. Hard is {@code d(a,n) <= d(a,p)}, easy is {@code d(a,n) > d(a,p) +
 * margin}, so each triplet is exactly one of the three.
 */
public enum Hardness {
  /** {@code d(a,n) <= d(a,p)}: the negative is no farther than the positive. */
  HARD("hard"),
  /** {@code d(a,p) < d(a,n) <= d(a,p) + margin}. */
  SEMIHARD("semihard"),
  /** {@code d(a,n) > d(a,p) + margin}: the triplet loss is zero. */
  EASY("easy");

  private final String label;

  Hardness(String label) {
    this.label = label;
  }

  /** The key in the report's hardness table. */
  public String label() {
    return label;
  }

  /** FaceNet's semi-hard rule: {@code dAp < dAn <= dAp + margin}. */
  public static boolean isSemiHard(double dAp, double dAn, double margin) {
    return dAn > dAp && dAn <= dAp + margin;
  }

  /** The class of a triplet with these distances. */
  public static Hardness of(double dAp, double dAn, double margin) {
    if (isSemiHard(dAp, dAn, margin)) {
      return SEMIHARD;
    }
    return dAn <= dAp ? HARD : EASY;
  }
}
