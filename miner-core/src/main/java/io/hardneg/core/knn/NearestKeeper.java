package io.hardneg.core.knn;

/**
 * Keeps the k nearest base rows of one query under one bound, on the GEMM's rounded squared
 * distances ({@link ApproxTopK} explains the rounding and the slack). Two keepers, whose candidates
 * ranked by exact distance give the same k nearest (and are the same set while neither has switched
 * to exact values on bulk near-ties): a heap that updates its threshold on every pair ({@link
 * ApproxTopK}, for small k: the mining searches' usual one) and a buffer that selects the k-th
 * value only when it fills ({@link BufferedTopK}, for large k: evaluation keeps R, a class's size,
 * per query).
 */
interface NearestKeeper {
  /** The keeper for k: a buffer from {@link BufferedTopK#MIN_K} up, a heap below. */
  static NearestKeeper of(int k, double slack) {
    return k >= BufferedTopK.MIN_K ? new BufferedTopK(k, slack) : new ApproxTopK(k, slack);
  }

  /** True once the keeper holds exact distances (then {@link #offer} wants exact values). */
  boolean exact();

  /**
   * The largest value a new candidate may have and still matter; +inf while the keeper cannot yet
   * tell. It only falls.
   */
  double threshold();

  /**
   * Offers pair (value, i): a rounded squared distance, or an exact one once {@link #exact()}.
   * Returns whether the threshold may have changed.
   */
  boolean offer(double value, int i, ApproxTopK.ExactDistance exactOf);

  /**
   * Base indices that may be among the exact k nearest (every pair offered whose value is within
   * the slack of the k-th smallest, or the exact k once {@link #exact()}), in no particular order,
   * in a fresh array the caller may reorder.
   */
  int[] candidates();
}
