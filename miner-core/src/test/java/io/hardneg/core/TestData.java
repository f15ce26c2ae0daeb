package io.hardneg.core;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.fixtures.RandomVectors;
import java.util.Random;

/** Seeded random tables for tests. */
public final class TestData {
  private TestData() {}

  /** {@code n} random unit vectors with labels in [0, classes), ids 100+i. */
  public static LabeledVectors randomUnit(int n, int dim, int classes, long seed) {
    return RandomVectors.labeledUnit(new Random(seed), n, dim, classes, 100);
  }

  /** A table from explicit rows. */
  public static LabeledVectors of(long[] labels, float[][] rows) {
    int dim = rows[0].length;
    long[] ids = new long[rows.length];
    float[] v = new float[rows.length * dim];
    for (int i = 0; i < rows.length; i++) {
      ids[i] = i;
      System.arraycopy(rows[i], 0, v, i * dim, dim);
    }
    return new LabeledVectors(ids, labels, v, dim);
  }
}
