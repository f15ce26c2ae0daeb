package io.hardneg.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.TestData;
import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.data.VectorMath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Pair-mode retrieval metrics: relevance = a known positive pair, in either direction. */
class PairRetrievalMetricsTest {

  @Test
  void handComputedValuesOnALine() {
    // ids = rows: 0@0, 1@1, 2@1.6, 3@3, 4@10, 5@20 (labels play no part)
    LabeledVectors t =
        TestData.of(
            new long[] {7, 7, 7, 7, 7, 7}, new float[][] {{0f}, {1f}, {1.6f}, {3f}, {10f}, {20f}});
    // (4,4) is a self pair and (0,99) names no item: both ignored; (3,2) repeats (2,3)
    long[] a = {0, 1, 2, 3, 4, 0};
    long[] p = {2, 3, 3, 2, 4, 99};
    RetrievalMetrics.Result r = RetrievalMetrics.evaluate(t, a, p);
    // q0 {2}: order 1,2,.. -> first hit at rank 1, R=1: rprec 0, AP 0
    // q1 {3}: order 2@.6, 0@1, 3@2 -> first hit at rank 2: 0, 0
    // q2 {0,3}: order 1@.6, 3@1.4, 0@1.6 -> R=2: one hit at rank 1: rprec .5, AP (1/2)/2
    // q3 {1,2}: order 2@1.4, 1@2 -> both hits: rprec 1, AP (1 + 1)/2 = 1
    // q4, q5: no known positive -> skipped
    assertEquals(4, r.queries());
    assertEquals(2, r.skippedQueries());
    assertEquals(0.25, r.recallAt1(), 1e-12);
    assertEquals(0.75, r.recallAtK().get(2), 1e-12);
    assertEquals(1.0, r.recallAtK().get(4), 1e-12);
    assertEquals((0 + 0 + 0.5 + 1) / 4, r.rPrecision(), 1e-12);
    assertEquals((0 + 0 + 0.25 + 1) / 4, r.mapAtR(), 1e-12);
    assertTrue(r.perClass().isEmpty(), "no classes in pair mode");
  }

  @Test
  void everyMetricAgainstANaiveLoop() {
    LabeledVectors t = TestData.randomUnit(90, 4, 3, 23);
    Random rnd = new Random(5);
    int np = 160;
    long[] a = new long[np];
    long[] p = new long[np];
    for (int i = 0; i < np; i++) {
      // ids are 100..189; a few name no item (190..194), a few are self pairs or repeats
      a[i] = 100 + rnd.nextInt(95);
      p[i] = rnd.nextInt(10) == 0 ? a[i] : 100 + rnd.nextInt(95);
    }
    RetrievalMetrics.Result got = RetrievalMetrics.evaluate(t, a, p);

    int n = t.size();
    Map<Long, Integer> row = new HashMap<>();
    for (int i = 0; i < n; i++) {
      row.put(t.ids()[i], i);
    }
    List<Set<Long>> known = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      known.add(new HashSet<>());
    }
    for (int i = 0; i < np; i++) {
      if (row.containsKey(a[i]) && row.containsKey(p[i]) && a[i] != p[i]) {
        known.get(row.get(a[i])).add(p[i]);
        known.get(row.get(p[i])).add(a[i]);
      }
    }
    int[] ks = RetrievalMetrics.RECALL_KS;
    double[] hits = new double[ks.length];
    double rprec = 0;
    double map = 0;
    long queries = 0;
    long skipped = 0;
    for (int q = 0; q < n; q++) {
      Set<Long> pos = known.get(q);
      if (pos.isEmpty()) {
        skipped++;
        continue;
      }
      queries++;
      final int qq = q;
      Integer[] order = IntStream.range(0, n).filter(i -> i != qq).boxed().toArray(Integer[]::new);
      Arrays.sort(
          order,
          Comparator.comparingDouble(
                  (Integer i) -> VectorMath.distance(t.values(), qq, t.values(), i, t.dim()))
              .thenComparingInt(i -> i));
      for (int j = 0; j < ks.length; j++) {
        boolean hit = false;
        for (int i = 0; i < ks[j]; i++) {
          hit |= pos.contains(t.ids()[order[i]]);
        }
        hits[j] += hit ? 1 : 0;
      }
      int rr = pos.size();
      int rel = 0;
      double ap = 0;
      for (int i = 0; i < rr; i++) {
        if (pos.contains(t.ids()[order[i]])) {
          rel++;
          ap += (double) rel / (i + 1);
        }
      }
      rprec += (double) rel / rr;
      map += ap / rr;
    }
    assertTrue(queries > 50 && skipped > 0, queries + " queries, " + skipped + " skipped");
    assertEquals(queries, got.queries());
    assertEquals(skipped, got.skippedQueries());
    for (int j = 0; j < ks.length; j++) {
      assertEquals(hits[j] / queries, got.recallAtK().get(ks[j]), 1e-12, "Recall@" + ks[j]);
    }
    assertEquals(rprec / queries, got.rPrecision(), 1e-12);
    assertEquals(map / queries, got.mapAtR(), 1e-12);
  }

  @Test
  void pairsOfEverySameLabelItemGiveTheClassModeValuesExactly() {
    LabeledVectors t = TestData.randomUnit(70, 3, 6, 31);
    List<long[]> pairs = new ArrayList<>();
    for (int i = 0; i < t.size(); i++) {
      for (int j = i + 1; j < t.size(); j++) {
        if (t.labels()[i] == t.labels()[j]) {
          pairs.add(new long[] {t.ids()[i], t.ids()[j]});
        }
      }
    }
    RetrievalMetrics.Result byClass = RetrievalMetrics.evaluate(t);
    RetrievalMetrics.Result byPairs =
        RetrievalMetrics.evaluate(
            t,
            pairs.stream().mapToLong(x -> x[0]).toArray(),
            pairs.stream().mapToLong(x -> x[1]).toArray());
    assertEquals(byClass.recallAtK(), byPairs.recallAtK());
    assertEquals(byClass.rPrecision(), byPairs.rPrecision(), 0.0);
    assertEquals(byClass.mapAtR(), byPairs.mapAtR(), 0.0);
    assertEquals(byClass.queries(), byPairs.queries());
    assertEquals(byClass.skippedQueries(), byPairs.skippedQueries());
  }
}
