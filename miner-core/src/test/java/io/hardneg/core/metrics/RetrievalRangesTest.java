package io.hardneg.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hardneg.core.TestData;
import io.hardneg.core.data.LabeledVectors;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The metrics summed over consecutive query ranges (how a distributed evaluation splits the work)
 * equal the metrics of the whole set, ties included: duplicated vectors of other classes tie
 * exactly, and their order (by position) decides hits.
 */
class RetrievalRangesTest {
  /**
   * 240 random unit vectors in 6 classes, then 60 exact copies of the first 60 under new labels.
   */
  static LabeledVectors withTies() {
    LabeledVectors base = TestData.randomUnit(240, 5, 6, 23);
    int n = base.size() + 60;
    int d = base.dim();
    long[] ids = new long[n];
    long[] labels = new long[n];
    float[] values = Arrays.copyOf(base.values(), n * d);
    for (int i = 0; i < n; i++) {
      ids[i] = 1000 + i;
      labels[i] = i < base.size() ? base.labels()[i] : (base.labels()[i - base.size()] + 1) % 6;
    }
    System.arraycopy(base.values(), 0, values, base.size() * d, 60 * d);
    return new LabeledVectors(ids, labels, values, d);
  }

  static void assertSame(RetrievalMetrics.Result want, RetrievalMetrics.Result got) {
    assertEquals(want.recallAtK(), got.recallAtK());
    assertEquals(want.queries(), got.queries());
    assertEquals(want.skippedQueries(), got.skippedQueries());
    assertEquals(want.rPrecision(), got.rPrecision(), 1e-12);
    assertEquals(want.mapAtR(), got.mapAtR(), 1e-12);
    assertEquals(want.perClass().keySet(), got.perClass().keySet());
    want.perClass()
        .forEach(
            (label, c) -> {
              RetrievalMetrics.ClassResult g = got.perClass().get(label);
              assertEquals(c.items(), g.items());
              assertEquals(c.queries(), g.queries());
              assertEquals(c.precisionAt1(), g.precisionAt1(), 1e-12);
              assertEquals(c.rPrecision(), g.rPrecision(), 1e-12);
              assertEquals(c.mapAtR(), g.mapAtR(), 1e-12);
            });
  }

  @Test
  void classModeRangesSumToTheWhole() {
    LabeledVectors t = withTies();
    RetrievalMetrics.Result whole = RetrievalMetrics.evaluate(t);
    RetrievalMetrics.Sums sums =
        RetrievalMetrics.classSums(t, 0, 7)
            .merge(RetrievalMetrics.classSums(t, 7, 7))
            .merge(RetrievalMetrics.classSums(t, 7, 250))
            .merge(RetrievalMetrics.classSums(t, 250, t.size()));
    assertSame(whole, sums.result());
    assertEquals(6, whole.perClass().size());
  }

  @Test
  void pairModeRangesSumToTheWhole() {
    LabeledVectors t = withTies();
    long[] a = new long[100];
    long[] p = new long[100];
    for (int i = 0; i < 100; i++) {
      a[i] = t.ids()[(i * 7) % t.size()];
      p[i] = t.ids()[(i * 13 + 5) % t.size()];
    }
    RetrievalMetrics.Result whole = RetrievalMetrics.evaluate(t, a, p);
    long[][] positives = RetrievalMetrics.positiveRows(t, a, p);
    RetrievalMetrics.Sums sums =
        RetrievalMetrics.pairSums(t, positives, 0, 111)
            .merge(RetrievalMetrics.pairSums(t, positives, 111, t.size()));
    assertSame(whole, sums.result());
  }
}
