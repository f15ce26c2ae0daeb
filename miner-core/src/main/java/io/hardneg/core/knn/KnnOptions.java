package io.hardneg.core.knn;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * Settings of the blocked exact search.
 *
 * @param k neighbours kept per query and per bound
 * @param queryBlock queries per GEMM tile
 * @param baseBlock base rows per GEMM tile
 * @param precision GEMM precision: FLOAT for mining, DOUBLE for evaluation (in float a collapsed
 *     embedding's neighbours tie and metrics read low, docs/concepts.md)
 */
public record KnnOptions(int k, int queryBlock, int baseBlock, DataType precision)
    implements java.io.Serializable {
  public KnnOptions {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    if (queryBlock < 1 || baseBlock < 1) {
      throw new IllegalArgumentException(
          "block sizes must be >= 1, got queryBlock=" + queryBlock + " baseBlock=" + baseBlock);
    }
    if (precision != DataType.FLOAT && precision != DataType.DOUBLE) {
      throw new IllegalArgumentException("precision must be FLOAT or DOUBLE, got " + precision);
    }
  }

  /** k neighbours, 1024x4096 tiles, float GEMM. */
  public static KnnOptions of(int k) {
    return new KnnOptions(k, 1024, 4096, DataType.FLOAT);
  }

  /** The same settings with another precision. */
  public KnnOptions withPrecision(DataType p) {
    return new KnnOptions(k, queryBlock, baseBlock, p);
  }
}
