package io.hardneg.core.knn;

/**
 * Which base items a query may return, decided inside the search kernel (never as a filter applied
 * to an unmasked top-k: with tight classes a plain top-k of 64 misses the nearest negative for
 * about a third of anchors).
 */
public enum Mask {
  /** Every item except the query itself (same id): retrieval evaluation. */
  SELF {
    @Override
    public boolean admits(long queryId, long queryLabel, long baseId, long baseLabel) {
      return queryId != baseId;
    }
  },
  /**
   * Only other items of the same label: with negated queries, the nearest such item to {@code −a}
   * is the farthest positive of {@code a} (for unit vectors {@code |−a − b|² = 4 − |a − b|²}),
   * which is how the {@code hardest} positive is searched.
   */
  SAME_LABEL {
    @Override
    public boolean admits(long queryId, long queryLabel, long baseId, long baseLabel) {
      return queryLabel == baseLabel && queryId != baseId;
    }
  },
  /** Only items of another label: the negatives of class mode. */
  OTHER_LABEL {
    @Override
    public boolean admits(long queryId, long queryLabel, long baseId, long baseLabel) {
      return queryLabel != baseLabel && queryId != baseId;
    }
  };

  /** True when the base item is a candidate for the query. */
  public abstract boolean admits(long queryId, long queryLabel, long baseId, long baseLabel);
}
