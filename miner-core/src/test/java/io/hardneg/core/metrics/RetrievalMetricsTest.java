package io.hardneg.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hardneg.core.TestData;
import io.hardneg.core.data.LabeledVectors;
import org.junit.jupiter.api.Test;

class RetrievalMetricsTest {

  @Test
  void handComputedValuesOnALine() {
    // points on a line: 0:a@0, 1:a@1, 2:b@1.6, 3:b@3, 4:c@10 (singleton, skipped)
    LabeledVectors t = TestData.of(new long[] {0, 0, 1, 1, 2},
        new float[][] {{0f}, {1f}, {1.6f}, {3f}, {10f}});
    RetrievalMetrics.Result r = RetrievalMetrics.evaluate(t);
    assertEquals(4, r.queries());
    assertEquals(1, r.skippedQueries());
    // nearest of 0 is 1 (a: hit); of 1 is 2@0.6 (miss); of 2 is 1@0.6 (miss); of 3 is 2 (hit)
    assertEquals(0.5, r.recallAt1(), 1e-12);
    // second nearest: 1 -> 0 (hit); 2 -> 0@1.6 vs 3@1.4 -> 3 (hit)
    assertEquals(1.0, r.recallAtK().get(2), 1e-12);
    // R = 1 for every query: R-precision = MAP@R = Recall@1
    assertEquals(0.5, r.rPrecision(), 1e-12);
    assertEquals(0.5, r.mapAtR(), 1e-12);
  }

  @Test
  void mapAtRWithLargerClasses() {
    // class a: 0@0, 1@1, 2@5; class b: 3@2, 4@6, 5@7
    LabeledVectors t = TestData.of(new long[] {0, 0, 0, 1, 1, 1},
        new float[][] {{0f}, {1f}, {5f}, {2f}, {6f}, {7f}});
    RetrievalMetrics.Result r = RetrievalMetrics.evaluate(t);
    // query 0 (R=2): order 1(a) 3(b) -> AP = (1/1)/2 = 0.5; rprec 0.5
    // query 1: order 0(a)@1, 3(b)@1 tie -> row 0 first: AP 0.5; rprec 0.5
    // query 2: order 4(b)@1, 3(b)@3 | 1(a)@4 -> AP 0; rprec 0
    // query 3: order 1(a)@1, 0(a)@2 -> AP 0
    // query 4: order 2(a)@1, 5(b)@1 tie -> row 2 first: miss, then hit at 2: AP=(1/2)/2=0.25
    // query 5: order 4(b)@1, 2(a)@2 -> AP = 1/2 = 0.5; rprec 0.5
    assertEquals((0.5 + 0.5 + 0 + 0 + 0.25 + 0.5) / 6, r.mapAtR(), 1e-12);
    assertEquals((0.5 + 0.5 + 0 + 0 + 0.5 + 0.5) / 6, r.rPrecision(), 1e-12);
    assertEquals(3.0 / 6, r.recallAt1(), 1e-12);
  }
}
