package io.hardneg.core.knn;

import java.util.Arrays;

/**
 * {@link NearestKeeper} for large k: pairs within the threshold are appended to a buffer, and only
 * when it fills is the k-th smallest (value, index) selected (quickselect, linear) and every pair
 * beyond its value plus the slack dropped. A heap pays a sift of log k per pair that enters, and
 * with k in the hundreds (evaluation keeps R, a class's size, per query) about k·ln(n/k) pairs
 * enter: the heap was a third of the evaluation's time. The threshold falls only at a selection, so
 * a few more pairs are offered than to a heap; while neither keeper has switched to exact values
 * the candidates are the same: every pair offered with a value within the slack of the final k-th
 * smallest (which is the k-th smallest of all pairs offered, whichever keeper: a pair a keeper
 * turned away was above its threshold then, so above the final one too). Either way the k nearest
 * by exact distance among the candidates are the same.
 *
 * <p>Near-ties in bulk: when at least half of {@link ApproxTopK#SIDE_CAP} pairs beyond the k
 * smallest stay within the slack after a selection, the keeper ranks what it holds by exact
 * distance and holds exact values from then on, as {@link ApproxTopK} does.
 */
final class BufferedTopK implements NearestKeeper {
  /** The smallest k for which {@link NearestKeeper#of} picks this keeper over the heap. */
  static final int MIN_K = 32;

  private final int k;
  private final double slack;
  private final int sideCap;
  // pairs held when the next selection runs: 2k + 16, more after one that kept many near-ties
  private int capacity;
  // grown by doubling up to the capacity: most queries of a small input never need it all
  private double[] value;
  private int[] index;
  private int size;
  // the k-th smallest value at the last selection; +inf before the first
  private double worst = Double.POSITIVE_INFINITY;
  private TopKHeap exactHeap;

  BufferedTopK(int k, double slack) {
    this(k, slack, ApproxTopK.SIDE_CAP);
  }

  BufferedTopK(int k, double slack, int sideCap) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    this.k = k;
    this.slack = slack;
    this.sideCap = sideCap;
    this.capacity = 2 * k + 16;
    this.value = new double[Math.min(capacity, 64)];
    this.index = new int[value.length];
  }

  @Override
  public boolean exact() {
    return exactHeap != null;
  }

  @Override
  public double threshold() {
    return exactHeap != null ? exactHeap.threshold() : worst + slack;
  }

  @Override
  public boolean offer(double v, int i, ApproxTopK.ExactDistance exactOf) {
    if (exactHeap != null) {
      if (exactHeap.accepts(v, i)) {
        exactHeap.offer(v, i);
        return true;
      }
      return false;
    }
    if (v > worst + slack) {
      return false;
    }
    if (size == value.length) {
      value = Arrays.copyOf(value, Math.min(capacity, 2 * size));
      index = Arrays.copyOf(index, value.length);
    }
    value[size] = v;
    index[size++] = i;
    if (size < capacity) {
      return false;
    }
    select();
    if (2 * (size - k) >= sideCap) {
      // bulk near-ties: rank what is held by exact distance and stay exact from here on
      exactHeap = new TopKHeap(k);
      for (int s = 0; s < size; s++) {
        exactHeap.offer(exactOf.squaredDistance(index[s]), index[s]);
      }
      value = null;
      index = null;
      size = 0;
    } else if (size + k > capacity) {
      // room for k more pairs before the next selection: the selections stay linear overall
      capacity = size + 2 * k;
    }
    return true;
  }

  @Override
  public int[] candidates() {
    if (exactHeap != null) {
      return exactHeap.indices();
    }
    select();
    return Arrays.copyOf(index, size);
  }

  /**
   * When more than k pairs are held: moves k pairs of the smallest values to the front, the k-th
   * smallest value at k − 1, and keeps behind them only the pairs within the slack of that value.
   */
  private void select() {
    if (size <= k) {
      return;
    }
    nth(k - 1);
    worst = value[k - 1];
    double limit = worst + slack;
    int n = k;
    for (int s = k; s < size; s++) {
      if (value[s] <= limit) {
        value[n] = value[s];
        index[n++] = index[s];
      }
    }
    size = n;
  }

  /**
   * Quickselect by value (Wirth's: few swaps, no index compared) on [0, size): afterwards position
   * m holds the (m+1)-th smallest value and no value before it is larger. Ties need no index order
   * here: every pair within the slack of that value is kept.
   */
  private void nth(int m) {
    int lo = 0;
    int hi = size - 1;
    while (lo < hi) {
      double x = value[m];
      int i = lo;
      int j = hi;
      do {
        while (value[i] < x) {
          i++;
        }
        while (x < value[j]) {
          j--;
        }
        if (i <= j) {
          swap(i++, j--);
        }
      } while (i <= j);
      if (j < m) {
        lo = i;
      }
      if (m < i) {
        hi = j;
      }
    }
  }

  private void swap(int a, int b) {
    double v = value[a];
    value[a] = value[b];
    value[b] = v;
    int i = index[a];
    index[a] = index[b];
    index[b] = i;
  }
}
