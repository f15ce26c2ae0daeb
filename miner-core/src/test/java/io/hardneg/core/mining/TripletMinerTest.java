package io.hardneg.core.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.TestData;
import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.data.VectorMath;
import io.hardneg.core.knn.KnnOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class TripletMinerTest {

  /**
   * One anchor at the origin of a line, its only positive at 1.0; negatives at 0.5 (hard: closer
   * than the positive), 1.1 and 1.15 (semi-hard with margin 0.2), 1.5 (beyond the margin).
   */
  private static LabeledVectors line() {
    long[] labels = {0, 0, 1, 2, 1, 2};
    float[][] rows = {{0f}, {1f}, {0.5f}, {1.1f}, {1.15f}, {1.5f}};
    return TestData.of(labels, rows);
  }

  private static MinedTriplet only(List<MinedTriplet> ts, long anchor, MinedKind kind) {
    List<MinedTriplet> m =
        ts.stream().filter(t -> t.anchor() == anchor && t.kind() == kind).toList();
    assertEquals(1, m.size(), "triplets of anchor " + anchor + " kind " + kind + ": " + ts);
    return m.get(0);
  }

  @Test
  void hardAndSemiHardOnAHandMadeLine() {
    LabeledVectors t = line();
    TripletMiner miner =
        new TripletMiner(new MiningConfig(0.2, 1, 1, SemiHardFallback.SKIP, 7), KnnOptions.of(4));
    TripletMiner.Result r = miner.mine(t, 0);
    MinedTriplet hard = only(r.triplets(), 0, MinedKind.HARD);
    assertEquals(1, hard.positive());
    assertEquals(2, hard.negative());
    assertEquals(0.5, hard.dAn(), 1e-7);
    assertEquals(0, hard.negRank());
    MinedTriplet semi = only(r.triplets(), 0, MinedKind.SEMIHARD);
    assertEquals(3, semi.negative(), "the nearest negative in (d_ap, d_ap + margin]");
    assertEquals(1.0, semi.dAp(), 1e-7);
    assertEquals(1.1, semi.dAn(), 1e-6);
    assertEquals(1, semi.negRank(), "one negative (0.5) is nearer");
  }

  @Test
  void semiHardTakesSeveralNearestFirstWithinTheMargin() {
    LabeledVectors t = line();
    TripletMiner miner =
        new TripletMiner(new MiningConfig(0.2, 0, 3, SemiHardFallback.SKIP, 7), KnnOptions.of(4));
    List<MinedTriplet> ts =
        miner.mine(t, 0).triplets().stream().filter(x -> x.anchor() == 0).toList();
    assertEquals(2, ts.size(), "1.1 and 1.15 qualify, 1.5 is past the margin: " + ts);
    assertEquals(3, ts.get(0).negative());
    assertEquals(4, ts.get(1).negative());
    assertEquals(2, ts.get(1).negRank());
  }

  @Test
  void fallbacksWhenNoSemiHardExists() {
    // margin 0.05: nothing lies in (1.0, 1.05]
    LabeledVectors t = line();
    for (SemiHardFallback f : SemiHardFallback.values()) {
      TripletMiner miner = new TripletMiner(new MiningConfig(0.05, 0, 1, f, 7), KnnOptions.of(4));
      TripletMiner.Result r = miner.mine(t, 0);
      List<MinedTriplet> a0 = r.triplets().stream().filter(x -> x.anchor() == 0).toList();
      switch (f) {
        case SKIP -> assertEquals(0, a0.size());
        case HARD -> {
          assertEquals(1, a0.size());
          assertEquals(MinedKind.HARD, a0.get(0).kind());
          assertEquals(2, a0.get(0).negative());
        }
        case NEAREST_BEYOND -> {
          assertEquals(1, a0.size());
          assertEquals(MinedKind.BEYOND, a0.get(0).kind());
          assertEquals(3, a0.get(0).negative());
        }
        default -> throw new AssertionError(f);
      }
      assertTrue(r.stats().noSemiHard() >= 1);
    }
  }

  @Test
  void anchorsWithoutPositiveOrNegativeAreCountedNotFatal() {
    // label 5 is a singleton: no positive; a one-class table has no negatives
    LabeledVectors t = TestData.of(new long[] {0, 0, 5}, new float[][] {{0f}, {1f}, {2f}});
    TripletMiner miner =
        new TripletMiner(new MiningConfig(0.2, 1, 1, SemiHardFallback.HARD, 1), KnnOptions.of(2));
    TripletMiner.Result r = miner.mine(t, 0);
    assertEquals(1, r.stats().noPositive());
    // anchors 0 and 1: one hard triplet each; the hard fallback repeats it and is deduplicated
    assertEquals(2, r.triplets().size(), r.triplets().toString());
    LabeledVectors one = TestData.of(new long[] {3, 3, 3}, new float[][] {{0f}, {1f}, {2f}});
    TripletMiner.Result r1 = miner.mine(one, 0);
    assertEquals(0, r1.triplets().size());
    assertEquals(3, r1.stats().noNegative());
    for (MinedTriplet x : r.triplets()) {
      assertTrue(Double.isFinite(x.dAp()) && Double.isFinite(x.dAn()));
    }
  }

  @Test
  void randomBatchesObeyTheRulesAgainstBruteForceDistances() {
    LabeledVectors t = TestData.randomUnit(400, 8, 6, 11);
    double margin = 0.3;
    TripletMiner miner =
        new TripletMiner(
            new MiningConfig(margin, 1, 2, SemiHardFallback.SKIP, 5),
            new KnnOptions(3, 50, 64, org.nd4j.linalg.api.buffer.DataType.FLOAT));
    TripletMiner.Result r = miner.mine(t, 2);
    assertTrue(r.triplets().size() > 400);
    for (MinedTriplet x : r.triplets()) {
      int a = row(t, x.anchor());
      int p = row(t, x.positive());
      int ng = row(t, x.negative());
      long la = t.labels()[a];
      assertEquals(la, t.labels()[p]);
      assertTrue(la != t.labels()[ng]);
      assertEquals(la, x.anchorLabel());
      assertEquals(t.labels()[ng], x.negativeLabel());
      double dap = VectorMath.distance(t.values(), a, t.values(), p, 8);
      double dan = VectorMath.distance(t.values(), a, t.values(), ng, 8);
      assertEquals(dap, x.dAp(), 1e-9);
      assertEquals(dan, x.dAn(), 1e-9);
      double minNeg = Double.MAX_VALUE;
      long rank = 0;
      for (int j = 0; j < t.size(); j++) {
        if (t.labels()[j] != la) {
          double d = VectorMath.distance(t.values(), a, t.values(), j, 8);
          minNeg = Math.min(minNeg, d);
          if (d < dan) {
            rank++;
          }
        }
      }
      assertEquals(rank, x.negRank(), "rank of " + x);
      if (x.kind() == MinedKind.HARD) {
        assertEquals(minNeg, dan, 1e-12, "hard must be the nearest negative");
      } else {
        assertTrue(dap < dan && dan <= dap + margin, "semi-hard rule broken by " + x);
      }
    }
  }

  @Test
  void positivesAreEachItemsSuccessorInASeededCycleOfItsClass() {
    LabeledVectors t = TestData.randomUnit(100, 4, 3, 12);
    int[] got = PositiveRule.successors(t.ids(), t.labels(), 42, 1);
    // oracle: per class, sort the items by (hash(seed, round, id), id) and take the next one
    for (long label = 0; label < 3; label++) {
      final long l = label;
      List<Integer> cls =
          new java.util.ArrayList<>(
              java.util.stream.IntStream.range(0, t.size())
                  .filter(i -> t.labels()[i] == l)
                  .boxed()
                  .toList());
      cls.sort(
          java.util.Comparator.<Integer>comparingLong(
                  i -> io.hardneg.core.util.Seeds.of(42, 1, t.ids()[i]))
              .thenComparingLong(i -> t.ids()[i]));
      for (int j = 0; j < cls.size(); j++) {
        assertEquals(cls.get((j + 1) % cls.size()), got[cls.get(j)], "successor of row " + j);
      }
    }
    // seeded by id, not by position: a reversed table gives every id the same positive
    int n = t.size();
    long[] ids = new long[n];
    long[] labels = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = t.ids()[n - 1 - i];
      labels[i] = t.labels()[n - 1 - i];
    }
    int[] reversed = PositiveRule.successors(ids, labels, 42, 1);
    for (int i = 0; i < n; i++) {
      assertEquals(t.ids()[got[i]], ids[reversed[n - 1 - i]]);
      assertTrue(got[i] != i && t.labels()[got[i]] == t.labels()[i]);
    }
    // the miner takes exactly these positives
    TripletMiner.Result r =
        new TripletMiner(new MiningConfig(0.2, 1, 0, SemiHardFallback.SKIP, 42), KnnOptions.of(2))
            .mine(t, 1);
    for (MinedTriplet x : r.triplets()) {
      assertEquals(t.ids()[got[row(t, x.anchor())]], x.positive());
    }
    // a singleton class has no positive
    assertEquals(-1, PositiveRule.successors(new long[] {5, 6}, new long[] {0, 1}, 1, 0)[0]);
  }

  private static int row(LabeledVectors t, long id) {
    for (int i = 0; i < t.size(); i++) {
      if (t.ids()[i] == id) {
        return i;
      }
    }
    throw new AssertionError("no id " + id);
  }
}
