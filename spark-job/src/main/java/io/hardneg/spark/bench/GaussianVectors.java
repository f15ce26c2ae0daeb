package io.hardneg.spark.bench;

import io.hardneg.core.data.LabeledVectors;
import java.util.Random;

/** Benchmark input: random Gaussian directions, unit length, uniform labels. */
final class GaussianVectors {
  private GaussianVectors() {}

  /** {@code n} unit vectors of dimension {@code d}, ids 0..n-1, labels uniform in [0, classes). */
  static LabeledVectors of(int n, int d, int classes, Random r) {
    long[] ids = new long[n];
    long[] labels = new long[n];
    float[] v = new float[n * d];
    for (int i = 0; i < n; i++) {
      ids[i] = i;
      labels[i] = r.nextInt(classes);
      for (int j = 0; j < d; j++) {
        v[i * d + j] = (float) r.nextGaussian();
      }
    }
    return new LabeledVectors(ids, labels, v, d).normalized();
  }
}
