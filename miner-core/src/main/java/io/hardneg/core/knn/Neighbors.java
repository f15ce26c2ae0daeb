package io.hardneg.core.knn;

/**
 * The neighbours found for one query, nearest first: {@code index[i]} is a row of the base table
 * and {@code distance[i]} its exact Euclidean distance (recomputed in double precision). {@code
 * atOrBelowBound} counts admissible base items whose distance was {@code <=} the query's lower
 * bound (0 without a bound), so the rank of {@code index[i]} among all admissible items is {@code
 * atOrBelowBound + i}.
 */
public record Neighbors(int[] index, double[] distance, long atOrBelowBound) {
  /** Number of neighbours found (at most k). */
  public int size() {
    return index.length;
  }
}
