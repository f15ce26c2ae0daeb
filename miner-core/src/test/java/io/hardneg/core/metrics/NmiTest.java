package io.hardneg.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hardneg.core.TestData;
import io.hardneg.core.data.LabeledVectors;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NmiTest {

  @Test
  void handComputedValues() {
    // identical partitions (label names differ): 1; independent halves: 0
    assertEquals(1.0, Nmi.of(new long[] {0, 0, 1, 1}, new long[] {7, 7, 3, 3}), 1e-12);
    assertEquals(0.0, Nmi.of(new long[] {0, 0, 1, 1}, new long[] {0, 1, 0, 1}), 1e-12);
    // a = {000111}, b = {001122}: joint cells 2,1,1,2 of 6; MI = 2/3·ln 2 (the two middle
    // cells contribute ln 1), H(a) = ln 2, H(b) = ln 3; NMI = MI / ((ln 2 + ln 3) / 2)
    double expected = (2.0 / 3 * Math.log(2)) / ((Math.log(2) + Math.log(3)) / 2);
    assertEquals(
        expected, Nmi.of(new long[] {0, 0, 0, 1, 1, 1}, new long[] {0, 0, 1, 1, 2, 2}), 1e-12);
    assertEquals(0.5158037429793888, expected, 1e-12); // scikit-learn 1.2 gives the same
    // symmetric
    assertEquals(
        expected, Nmi.of(new long[] {0, 0, 1, 1, 2, 2}, new long[] {0, 0, 0, 1, 1, 1}), 1e-12);
    assertEquals(1.0, Nmi.of(new long[] {4, 4}, new long[] {1, 1}), 1e-12);
    assertEquals(0.0, Nmi.of(new long[] {4, 4, 5}, new long[] {1, 1, 1}), 1e-12);
  }

  @Test
  void kMeansFindsSeparatedClassesAndNotRandomLabels() {
    // three tight groups around orthogonal axes: k-means recovers them, NMI = 1
    Random r = new Random(3);
    int n = 90;
    long[] labels = new long[n];
    float[][] rows = new float[n][];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 3;
      float[] v = new float[8];
      v[(int) labels[i]] = 1f;
      for (int j = 0; j < 8; j++) {
        v[j] += (float) (0.05 * r.nextGaussian());
      }
      rows[i] = v;
    }
    LabeledVectors t = TestData.of(labels, rows).normalized();
    assertEquals(1.0, Nmi.kMeans(t, 42), 1e-12);
    // labels unrelated to the geometry: NMI near 0
    LabeledVectors noise = TestData.randomUnit(600, 8, 3, 5);
    double nmi = Nmi.kMeans(noise, 42);
    assertEquals(0.0, nmi, 0.05, "random labels: " + nmi);
    // seeded: the same value again
    assertEquals(nmi, Nmi.kMeans(noise, 42), 0.0);
  }
}
