package io.hardneg.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hardneg.core.TestData;
import io.hardneg.core.data.LabeledVectors;
import org.junit.jupiter.api.Test;

class RetrievalMetricsTest {

  @Test
  void handComputedValuesOnALine() {
    // points on a line: 0:a@0, 1:a@1, 2:b@1.6, 3:b@3, 4:c@10 (singleton, skipped)
    LabeledVectors t =
        TestData.of(new long[] {0, 0, 1, 1, 2}, new float[][] {{0f}, {1f}, {1.6f}, {3f}, {10f}});
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
    LabeledVectors t =
        TestData.of(
            new long[] {0, 0, 0, 1, 1, 1}, new float[][] {{0f}, {1f}, {5f}, {2f}, {6f}, {7f}});
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

  @Test
  void recallAt16AndPerClassAgainstBruteForce() {
    io.hardneg.core.data.LabeledVectors t = TestData.randomUnit(120, 4, 5, 11);
    RetrievalMetrics.Result r = RetrievalMetrics.evaluate(t);
    // brute force: sort every other item by distance (ties by row), self excluded
    int n = t.size();
    long[] hits16 = new long[1];
    java.util.Map<Long, double[]> cls = new java.util.TreeMap<>();
    for (int q = 0; q < n; q++) {
      final int qq = q;
      Integer[] order =
          java.util.stream.IntStream.range(0, n)
              .filter(i -> i != qq)
              .boxed()
              .toArray(Integer[]::new);
      java.util.Arrays.sort(
          order,
          java.util.Comparator.comparingDouble(
                  (Integer i) ->
                      io.hardneg.core.data.VectorMath.distance(
                          t.values(), qq, t.values(), i, t.dim()))
              .thenComparingInt(i -> i));
      long label = t.labels()[q];
      int big = 0;
      for (long l : t.labels()) {
        big += l == label ? 1 : 0;
      }
      int rr = big - 1;
      boolean hit = false;
      for (int i = 0; i < 16; i++) {
        hit |= t.labels()[order[i]] == label;
      }
      hits16[0] += hit ? 1 : 0;
      int rel = 0;
      double ap = 0;
      for (int i = 0; i < rr; i++) {
        if (t.labels()[order[i]] == label) {
          rel++;
          ap += (double) rel / (i + 1);
        }
      }
      double[] c = cls.computeIfAbsent(label, x -> new double[4]);
      c[0]++;
      c[1] += t.labels()[order[0]] == label ? 1 : 0;
      c[2] += (double) rel / rr;
      c[3] += ap / rr;
    }
    assertEquals((double) hits16[0] / n, r.recallAtK().get(16), 1e-12);
    assertEquals(r.recallAt1(), r.precisionAt1(), 0.0);
    assertEquals(cls.keySet(), r.perClass().keySet());
    cls.forEach(
        (label, c) -> {
          RetrievalMetrics.ClassResult got = r.perClass().get(label);
          assertEquals((long) c[0], got.queries());
          assertEquals((long) c[0], got.items());
          assertEquals(c[1] / c[0], got.precisionAt1(), 1e-12, "P@1 of class " + label);
          assertEquals(c[2] / c[0], got.rPrecision(), 1e-12, "R-precision of class " + label);
          assertEquals(c[3] / c[0], got.mapAtR(), 1e-12, "MAP@R of class " + label);
        });
  }
}
