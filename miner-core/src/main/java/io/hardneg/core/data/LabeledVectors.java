package io.hardneg.core.data;

import java.io.Serializable;
import java.util.Objects;

/**
 * A dense table of labelled vectors: row {@code i} has id {@code ids[i]}, label {@code labels[i]}
 * and the vector {@code values[i*dim .. (i+1)*dim)}. Row-major float storage so blocks can be
 * handed to a GEMM without copying row by row. Serializable so a Spark job can broadcast it.
 */
public record LabeledVectors(long[] ids, long[] labels, float[] values, int dim)
    implements Serializable {

  public LabeledVectors {
    Objects.requireNonNull(ids, "ids");
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(values, "values");
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    if (ids.length != labels.length) {
      throw new IllegalArgumentException(
          "ids and labels differ in length: " + ids.length + " != " + labels.length);
    }
    if ((long) ids.length * dim != values.length) {
      throw new IllegalArgumentException(
          "values length " + values.length + " != rows " + ids.length + " x dim " + dim);
    }
  }

  /** Number of rows. */
  public int size() {
    return ids.length;
  }

  /** Copy of row {@code i}'s vector. */
  public float[] row(int i) {
    float[] out = new float[dim];
    System.arraycopy(values, i * dim, out, 0, dim);
    return out;
  }

  /** A new table whose vectors are scaled to unit Euclidean length (zero vectors stay zero). */
  public LabeledVectors normalized() {
    float[] out = values.clone();
    for (int i = 0; i < size(); i++) {
      VectorMath.normalizeInPlace(out, i * dim, dim);
    }
    return new LabeledVectors(ids, labels, out, dim);
  }
}
