package io.hardneg.core.knn;

import java.util.Arrays;

/**
 * Bounded max-heap keeping the {@code k} smallest (distance, index) pairs seen. Ties on distance
 * are broken by the smaller index, so the result does not depend on the order in which candidates
 * arrive (block sizes, partitioning).
 */
final class TopKHeap {
  private final int k;
  private final double[] dist;
  private final int[] idx;
  private int size;

  TopKHeap(int k) {
    this.k = k;
    this.dist = new double[k];
    this.idx = new int[k];
  }

  int size() {
    return size;
  }

  /** True when (d, i) would enter the heap. */
  boolean accepts(double d, int i) {
    return size < k || less(d, i, dist[0], idx[0]);
  }

  void offer(double d, int i) {
    if (size < k) {
      dist[size] = d;
      idx[size] = i;
      siftUp(size++);
    } else if (less(d, i, dist[0], idx[0])) {
      dist[0] = d;
      idx[0] = i;
      siftDown(0);
    }
  }

  /** Worst distance kept, or +inf while not full: a candidate above it cannot enter. */
  double threshold() {
    return size < k ? Double.POSITIVE_INFINITY : dist[0];
  }

  /** Index of the worst pair kept (the one {@link #offer} would evict); only when full. */
  int worstIndex() {
    return idx[0];
  }

  /** Indices kept, in no particular order. */
  int[] indices() {
    return Arrays.copyOf(idx, size);
  }

  private static boolean less(double d1, int i1, double d2, int i2) {
    return d1 < d2 || (d1 == d2 && i1 < i2);
  }

  private void siftUp(int c) {
    while (c > 0) {
      int p = (c - 1) >>> 1;
      if (less(dist[p], idx[p], dist[c], idx[c])) {
        swap(p, c);
        c = p;
      } else {
        return;
      }
    }
  }

  private void siftDown(int p) {
    while (true) {
      int l = 2 * p + 1;
      if (l >= size) {
        return;
      }
      int big = l;
      int r = l + 1;
      if (r < size && less(dist[l], idx[l], dist[r], idx[r])) {
        big = r;
      }
      if (less(dist[p], idx[p], dist[big], idx[big])) {
        swap(p, big);
        p = big;
      } else {
        return;
      }
    }
  }

  private void swap(int a, int b) {
    double td = dist[a];
    dist[a] = dist[b];
    dist[b] = td;
    int ti = idx[a];
    idx[a] = idx[b];
    idx[b] = ti;
  }
}
