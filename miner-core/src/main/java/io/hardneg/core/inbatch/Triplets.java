package io.hardneg.core.inbatch;

import java.util.Arrays;

/**
 * Mined triplets as row indices into the batch: triplet {@code t} is {@code (anchor[t],
 * positive[t], negative[t])}.
 */
public record Triplets(int[] anchor, int[] positive, int[] negative) {
  public Triplets {
    if (anchor.length != positive.length || anchor.length != negative.length) {
      throw new IllegalArgumentException(
          "triplet index arrays differ in length: "
              + anchor.length
              + ", "
              + positive.length
              + ", "
              + negative.length);
    }
  }

  public int size() {
    return anchor.length;
  }

  /** The fixed layout: rows {@code 3t, 3t+1, 3t+2} are triplet {@code t}. */
  public static Triplets fixedLayout(int rows) {
    if (rows % 3 != 0) {
      throw new IllegalArgumentException(
          "fixed triplet layout needs a multiple of 3 rows "
              + "(anchor, positive, negative), got "
              + rows);
    }
    int n = rows / 3;
    int[] a = new int[n];
    int[] p = new int[n];
    int[] g = new int[n];
    for (int t = 0; t < n; t++) {
      a[t] = 3 * t;
      p[t] = 3 * t + 1;
      g[t] = 3 * t + 2;
    }
    return new Triplets(a, p, g);
  }

  /**
   * The distinct positive pairs {@code (a,p)} and negative pairs {@code (a,n)} of these triplets,
   * in first-seen order (pytorch-metric-learning's {@code convert_to_pairs}).
   */
  public Pairs toPairs() {
    IntPairSet pos = new IntPairSet();
    IntPairSet neg = new IntPairSet();
    for (int t = 0; t < anchor.length; t++) {
      pos.add(anchor[t], positive[t]);
      neg.add(anchor[t], negative[t]);
    }
    return new Pairs(pos.firsts(), pos.seconds(), neg.firsts(), neg.seconds());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Triplets t
        && Arrays.equals(anchor, t.anchor)
        && Arrays.equals(positive, t.positive)
        && Arrays.equals(negative, t.negative);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(anchor) * 31
        + Arrays.hashCode(positive) * 17
        + Arrays.hashCode(negative);
  }

  @Override
  public String toString() {
    return "Triplets(" + anchor.length + ")";
  }
}
