package io.hardneg.core.inbatch;

/** How an in-batch tuple was chosen: the key of {@link InBatchStats#byKind()}. */
public enum MinedKind {
  /** Hardest negative (smallest {@code D(a,n)}), batch-hard or semi-hard's {@code hard} fallback. */
  HARD("hard"),
  /** FaceNet's rule {@code D(a,p) < D(a,n) <= D(a,p) + margin}. */
  SEMIHARD("semihard"),
  /** Semi-hard's {@code nearest-beyond} fallback: nearest with {@code D(a,n) > D(a,p)}. */
  BEYOND("beyond"),
  /** Batch-all: every triplet with {@code D(a,p) − D(a,n) + margin > 0}. */
  VIOLATING("violating"),
  /** Drawn by distance-weighted sampling. */
  WEIGHTED("weighted"),
  /** Kept by hardest-fraction mining (top q by loss). */
  TOP_FRACTION("top-fraction"),
  /** Given by the fixed triplet layout (mined offline). */
  GIVEN("given"),
  /** Every triplet (no mining). */
  ALL("all"),
  /** A positive pair (pair miners). */
  POSITIVE_PAIR("positive-pair"),
  /** A negative pair (pair miners). */
  NEGATIVE_PAIR("negative-pair");

  private final String label;

  MinedKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
