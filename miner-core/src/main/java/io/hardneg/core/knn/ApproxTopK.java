package io.hardneg.core.knn;

import java.util.Arrays;

/**
 * The k nearest of one query under one bound, kept on the GEMM's rounded squared distances so that
 * a candidate costs no exact distance when it enters (the exact double-precision distance of a
 * random base row was 40 % of the kernel's Java time: about k·ln(n/k) pairs enter a streaming top-k
 * per query). Rounding may reorder pairs whose rounded values lie within the tolerance of each
 * other, so every pair within {@code slack} (twice the tolerance) of the worst kept value is kept
 * aside too; {@link #candidates} returns the heap and that side list, which provably contains the
 * exact k nearest: each of those has a rounded value at most the final worst + slack, and the worst
 * only falls. The caller ranks the candidates by exact distance and keeps k, so the result does not
 * depend on the tiling.
 *
 * <p>Near-ties in bulk (a collapsed embedding: every distance equal) would grow the side list
 * without bound; past {@link #SIDE_CAP} live pairs the keeper switches to exact values for good: it
 * ranks what it holds by exact distance and asks for the exact distance of every later candidate
 * ({@link #exact()} tells the caller).
 */
final class ApproxTopK implements NearestKeeper {
  static final int SIDE_CAP = 4096;

  private final int k;
  private final double slack;
  private final int sideCap;
  private TopKHeap heap;
  private int[] side = new int[8];
  private double[] sideValue = new double[8];
  private int sideSize;
  private boolean exact;

  ApproxTopK(int k, double slack) {
    this(k, slack, SIDE_CAP);
  }

  ApproxTopK(int k, double slack, int sideCap) {
    this.k = k;
    this.slack = slack;
    this.sideCap = sideCap;
    this.heap = new TopKHeap(k);
  }

  @Override
  public boolean exact() {
    return exact;
  }

  /**
   * The largest value a new candidate may have and still matter: the worst kept value, plus the
   * slack while values are rounded; +inf while fewer than k are kept.
   */
  @Override
  public double threshold() {
    double t = heap.threshold();
    return exact ? t : t + slack;
  }

  /**
   * Offers pair (value, i): a rounded squared distance, or an exact one once {@link #exact()}.
   * Returns whether the threshold may have changed.
   */
  @Override
  public boolean offer(double value, int i, ExactDistance exactOf) {
    if (exact) {
      if (heap.accepts(value, i)) {
        heap.offer(value, i);
        return true;
      }
      return false;
    }
    if (heap.accepts(value, i)) {
      boolean full = heap.size() == k;
      double evictedValue = full ? heap.threshold() : 0;
      int evicted = full ? heap.worstIndex() : -1;
      heap.offer(value, i);
      if (full && evictedValue <= heap.threshold() + slack) {
        aside(evicted, evictedValue);
      }
      pruneIfFull(exactOf);
      return true;
    }
    if (value <= heap.threshold() + slack) {
      aside(i, value);
      pruneIfFull(exactOf);
    }
    return false;
  }

  /** Base indices that may be among the exact k nearest: the heap and the live side list. */
  @Override
  public int[] candidates() {
    int[] kept = heap.indices();
    if (exact || sideSize == 0) {
      return kept;
    }
    double limit = heap.threshold() + slack;
    int[] out = Arrays.copyOf(kept, kept.length + sideSize);
    int n = kept.length;
    for (int s = 0; s < sideSize; s++) {
      if (sideValue[s] <= limit) {
        out[n++] = side[s];
      }
    }
    return Arrays.copyOf(out, n);
  }

  private void aside(int i, double value) {
    if (sideSize == side.length) {
      side = Arrays.copyOf(side, 2 * sideSize);
      sideValue = Arrays.copyOf(sideValue, 2 * sideSize);
    }
    side[sideSize] = i;
    sideValue[sideSize++] = value;
  }

  private void pruneIfFull(ExactDistance exactOf) {
    if (sideSize < sideCap) {
      return;
    }
    double limit = heap.threshold() + slack;
    int n = 0;
    for (int s = 0; s < sideSize; s++) {
      if (sideValue[s] <= limit) {
        side[n] = side[s];
        sideValue[n++] = sideValue[s];
      }
    }
    sideSize = n;
    if (sideSize * 2 < sideCap) {
      return;
    }
    // bulk near-ties: rank what is held by exact distance and stay exact from here on
    TopKHeap exactHeap = new TopKHeap(k);
    for (int i : candidates()) {
      exactHeap.offer(exactOf.squaredDistance(i), i);
    }
    heap = exactHeap;
    side = new int[0];
    sideValue = new double[0];
    sideSize = 0;
    exact = true;
  }

  /** The exact squared distance of the query to base row i. */
  interface ExactDistance {
    double squaredDistance(int i);
  }
}
