package io.hardneg.core.inbatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hardneg.core.mining.MinedKind;
import org.junit.jupiter.api.Test;

class InBatchStatsTest {
  @Test
  void histogramBinsAndOutOfRangeCounts() {
    Histogram h = new Histogram(0, 2, 4);
    for (double v : new double[] {-0.1, 0, 0.49, 0.5, 1.99, 2, Double.NaN}) {
      h.add(v);
    }
    assertArrayEquals(new long[] {2, 1, 0, 1}, h.counts());
    assertEquals(1, h.below());
    assertEquals(1, h.above());
    assertEquals(1, h.nan());
    assertEquals(7, h.total());
    assertThrows(IllegalArgumentException.class, () -> h.merge(new Histogram(0, 1, 4)));
  }

  @Test
  void mergeAddsEveryCounter() {
    InBatchStats a = new InBatchStats(0, 2);
    a.addAnchor();
    a.addNoPositive();
    a.addTuple(MinedKind.HARD);
    a.addTriplet(0.5, 1.0);
    a.setTerms(1, 1);
    InBatchStats b = new InBatchStats(0, 2);
    b.addAnchor();
    b.addNoNegative();
    b.addNoCandidate();
    b.addFallback();
    b.addTuple(MinedKind.BEYOND);
    b.addTriplet(1.0, 1.5);
    b.setTerms(3, 1);
    a.merge(b);
    assertEquals(2, a.anchors());
    assertEquals(1, a.noPositive());
    assertEquals(1, a.noNegative());
    assertEquals(1, a.noCandidate());
    assertEquals(1, a.fallbacks());
    assertEquals(2, a.tuples());
    assertEquals(1, a.byKind().get("beyond"));
    assertEquals(0.5, a.activeFraction());
    assertEquals(2, a.gapHistogram().total());
    assertEquals(2, a.apHistogram().total());
  }

  @Test
  void byKindListsTheInBatchKindsInTheirStoredOrder() {
    assertEquals(
        java.util.List.of(
            "hard",
            "semihard",
            "beyond",
            "violating",
            "weighted",
            "top-fraction",
            "given",
            "all",
            "positive-pair",
            "negative-pair"),
        java.util.List.copyOf(new InBatchStats(0, 2).byKind().keySet()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new InBatchStats(0, 2).addTuple(MinedKind.BAND),
        "band is global mining's");
  }
}
