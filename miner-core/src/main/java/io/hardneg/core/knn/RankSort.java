package io.hardneg.core.knn;

/**
 * Sorts (distance, row) pairs held in two parallel arrays by distance ({@link Double#compare}),
 * then row: the order the kernel reports neighbours in. Rows are distinct, so the order is total
 * and any correct sort gives the same result. Quicksort with a median-of-three pivot, insertion
 * sort below 16 pairs.
 */
final class RankSort {
  private RankSort() {}

  static void sort(double[] d, int[] row) {
    if (d.length != row.length) {
      throw new IllegalArgumentException(d.length + " distances, " + row.length + " rows");
    }
    sort(d, row, 0, d.length - 1);
  }

  private static void sort(double[] d, int[] row, int lo, int hi) {
    while (hi - lo >= 16) {
      int mid = (lo + hi) >>> 1;
      // median of three to lo..mid..hi, then partition around the middle pair
      if (less(d, row, mid, lo)) {
        swap(d, row, mid, lo);
      }
      if (less(d, row, hi, lo)) {
        swap(d, row, hi, lo);
      }
      if (less(d, row, hi, mid)) {
        swap(d, row, hi, mid);
      }
      double pd = d[mid];
      int pr = row[mid];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (less(d[i], row[i], pd, pr)) {
          i++;
        }
        while (less(pd, pr, d[j], row[j])) {
          j--;
        }
        if (i <= j) {
          swap(d, row, i, j);
          i++;
          j--;
        }
      }
      // recurse into the smaller side, loop on the larger: stack depth stays logarithmic
      if (j - lo < hi - i) {
        sort(d, row, lo, j);
        lo = i;
      } else {
        sort(d, row, i, hi);
        hi = j;
      }
    }
    for (int a = lo + 1; a <= hi; a++) {
      double vd = d[a];
      int vr = row[a];
      int b = a - 1;
      while (b >= lo && less(vd, vr, d[b], row[b])) {
        d[b + 1] = d[b];
        row[b + 1] = row[b];
        b--;
      }
      d[b + 1] = vd;
      row[b + 1] = vr;
    }
  }

  private static boolean less(double[] d, int[] row, int a, int b) {
    return less(d[a], row[a], d[b], row[b]);
  }

  private static boolean less(double d1, int r1, double d2, int r2) {
    int c = Double.compare(d1, d2);
    return c < 0 || (c == 0 && r1 < r2);
  }

  private static void swap(double[] d, int[] row, int a, int b) {
    double td = d[a];
    d[a] = d[b];
    d[b] = td;
    int tr = row[a];
    row[a] = row[b];
    row[b] = tr;
  }
}
