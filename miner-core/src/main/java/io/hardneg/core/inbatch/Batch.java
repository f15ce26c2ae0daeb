package io.hardneg.core.inbatch;

import io.hardneg.core.distance.Distance;
import io.hardneg.core.util.Seeds;

/**
 * One minibatch as the miners see it: the dissimilarity matrix {@code D} of its embeddings (larger
 * = farther, whatever the metric: {@link Distance}) and one class label per row.
 *
 * @param distance the metric {@code d} was computed with
 * @param d the symmetric {@code n×n} matrix {@code D(x_i, x_j)}
 * @param labels class label of each row
 * @param dim embedding dimension (the distance-weighted miner's density needs it)
 */
public record Batch(Distance distance, double[][] d, long[] labels, int dim) {
  public Batch {
    if (d.length != labels.length) {
      throw new IllegalArgumentException(
          "distance matrix has " + d.length + " rows but " + labels.length + " labels");
    }
    if (dim < 1) {
      throw new IllegalArgumentException("embedding dimension must be >= 1, got " + dim);
    }
  }

  /** Computes {@code D} over the rows of {@code x}. */
  public static Batch of(Distance distance, double[][] x, long[] labels) {
    return new Batch(distance, distance.matrix(x), labels, x.length == 0 ? 1 : x[0].length);
  }

  public int size() {
    return labels.length;
  }

  /** True when rows {@code i != j} share a label (a row is never its own positive). */
  public boolean positive(int i, int j) {
    return i != j && labels[i] == labels[j];
  }

  public boolean negative(int i, int j) {
    return labels[i] != labels[j];
  }

  /** A stable hash of the label sequence: seeds in-batch sampling (see DistanceWeightedMiner). */
  public long labelHash() {
    long h = 0x5DEECE66DL;
    for (long l : labels) {
      h = Seeds.mix(h ^ l) + 0x9E3779B97F4A7C15L;
    }
    return h;
  }
}
