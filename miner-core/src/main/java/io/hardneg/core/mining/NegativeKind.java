package io.hardneg.core.mining;

/**
 * How a mined negative was chosen; the {@link #label()} is what the triplet table stores in its
 * {@code kind} column.
 */
public enum NegativeKind {
  /** The nearest valid negative(s): {@code d(a,n)} minimal over the anchor's negatives. */
  HARD("hard"),
  /** FaceNet's rule: {@code d(a,p) < d(a,n) <= d(a,p) + margin}, nearest such first. */
  SEMIHARD("semihard"),
  /** Rank band: the negative's rank among the anchor's negatives is in [min, max). */
  BAND("band"),
  /**
   * Fallback {@code nearest-beyond} (TensorFlow Addons): the nearest negative with
   * {@code d(a,n) > d(a,p)}, no upper bound; used only when no semi-hard negative exists.
   */
  BEYOND("beyond");

  private final String label;

  NegativeKind(String label) {
    this.label = label;
  }

  /** Name stored in the triplet table. */
  public String label() {
    return label;
  }
}
