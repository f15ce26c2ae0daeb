package io.hardneg.core.inbatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Mined pairs as row indices: positive pairs {@code (posAnchor[i], positive[i])} and negative pairs
 * {@code (negAnchor[j], negative[j])} (pytorch-metric-learning's {@code a1, p, a2, n}).
 */
public record Pairs(int[] posAnchor, int[] positive, int[] negAnchor, int[] negative) {
  public Pairs {
    if (posAnchor.length != positive.length || negAnchor.length != negative.length) {
      throw new IllegalArgumentException(
          "pair index arrays differ in length: "
              + posAnchor.length
              + "/"
              + positive.length
              + ", "
              + negAnchor.length
              + "/"
              + negative.length);
    }
  }

  /**
   * Every triplet {@code (a, p, n)} with {@code (a,p)} a positive pair and {@code (a,n)} a negative
   * pair of the same anchor, ordered by anchor, then positive pair, then negative pair order
   * (pytorch-metric-learning's {@code convert_to_triplets}).
   */
  public Triplets toTriplets(int rows) {
    List<List<Integer>> negByAnchor = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      negByAnchor.add(new ArrayList<>());
    }
    for (int j = 0; j < negAnchor.length; j++) {
      negByAnchor.get(negAnchor[j]).add(negative[j]);
    }
    Integer[] order = new Integer[posAnchor.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Integer.compare(posAnchor[x], posAnchor[y])); // stable
    IntList a = new IntList();
    IntList p = new IntList();
    IntList g = new IntList();
    for (int i : order) {
      for (int n : negByAnchor.get(posAnchor[i])) {
        a.add(posAnchor[i]);
        p.add(positive[i]);
        g.add(n);
      }
    }
    return new Triplets(a.toArray(), p.toArray(), g.toArray());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Pairs t
        && Arrays.equals(posAnchor, t.posAnchor)
        && Arrays.equals(positive, t.positive)
        && Arrays.equals(negAnchor, t.negAnchor)
        && Arrays.equals(negative, t.negative);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(posAnchor) * 31 + Arrays.hashCode(negative);
  }

  @Override
  public String toString() {
    return "Pairs(pos=" + posAnchor.length + ", neg=" + negAnchor.length + ")";
  }
}
