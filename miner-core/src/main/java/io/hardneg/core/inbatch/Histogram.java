package io.hardneg.core.inbatch;

import java.util.Arrays;

/**
 * A fixed-range histogram: {@code bins} equal bins over {@code [lo, hi)}, plus counts below {@code
 * lo} and at or above {@code hi}, so no value is lost. NaN values are counted apart.
 */
public final class Histogram implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final double lo;
  private final double hi;
  private final long[] counts;
  private long below;
  private long above;
  private long nan;

  public Histogram(double lo, double hi, int bins) {
    if (!(hi > lo) || bins < 1) {
      throw new IllegalArgumentException(
          "histogram needs lo < hi and bins >= 1, got ["
              + lo
              + ", "
              + hi
              + ") with "
              + bins
              + " bins");
    }
    this.lo = lo;
    this.hi = hi;
    this.counts = new long[bins];
  }

  public void add(double v) {
    if (Double.isNaN(v)) {
      nan++;
    } else if (v < lo) {
      below++;
    } else if (v >= hi) {
      above++;
    } else {
      int b = (int) ((v - lo) / (hi - lo) * counts.length);
      counts[Math.min(b, counts.length - 1)]++;
    }
  }

  /** Adds another histogram's counts (same range and bins) into this one; returns this. */
  public Histogram merge(Histogram o) {
    if (o.lo != lo || o.hi != hi || o.counts.length != counts.length) {
      throw new IllegalArgumentException(
          "cannot merge histograms over ["
              + o.lo
              + ", "
              + o.hi
              + ") x"
              + o.counts.length
              + " into ["
              + lo
              + ", "
              + hi
              + ") x"
              + counts.length);
    }
    for (int b = 0; b < counts.length; b++) {
      counts[b] += o.counts[b];
    }
    below += o.below;
    above += o.above;
    nan += o.nan;
    return this;
  }

  public double lo() {
    return lo;
  }

  public double hi() {
    return hi;
  }

  /** Counts per bin; bin {@code b} covers {@code [lo + b·w, lo + (b+1)·w)}. */
  public long[] counts() {
    return counts.clone();
  }

  public long below() {
    return below;
  }

  public long above() {
    return above;
  }

  public long nan() {
    return nan;
  }

  public long total() {
    return Arrays.stream(counts).sum() + below + above + nan;
  }

  @Override
  public String toString() {
    return "["
        + lo
        + ","
        + hi
        + ") below="
        + below
        + " "
        + Arrays.toString(counts)
        + " above="
        + above
        + (nan > 0 ? " nan=" + nan : "");
  }
}
