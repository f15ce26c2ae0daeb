package io.hardneg.core.inbatch;

import static io.hardneg.core.fixtures.RandomVectors.unitRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.distance.Distance;
import io.hardneg.core.mining.MinedKind;
import io.hardneg.core.mining.SemiHardFallback;
import io.hardneg.core.util.Seeds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every miner against a naive oracle written straight from its rule (on {@code dist(i,j)} computed
 * per pair, not the miner's matrix), on seeded random batches and on edge cases: one class,
 * singleton classes, identical embeddings, ties.
 */
class MinerOracleTest {

  /** A batch and the rows it was computed from. */
  record Case(String name, double[][] x, long[] labels, Distance distance) {
    Batch batch() {
      return Batch.of(distance, x, labels);
    }

    double d(int i, int j) {
      return distance.dissimilarity(x[i], x[j]);
    }

    boolean pos(int i, int j) {
      return i != j && labels[i] == labels[j];
    }

    boolean neg(int i, int j) {
      return labels[i] != labels[j];
    }

    int n() {
      return labels.length;
    }
  }

  static List<Case> cases() {
    List<Case> out = new ArrayList<>();
    for (int s = 0; s < 6; s++) {
      Random r = new Random(100 + s);
      int n = 12 + r.nextInt(14);
      long[] labels = new long[n];
      for (int i = 0; i < n; i++) {
        labels[i] = r.nextInt(2 + s % 4);
      }
      Distance dist = Distance.values()[s % 3];
      out.add(new Case("random" + s, unitRows(r, n, 3 + s % 4), labels, dist));
    }
    Random r = new Random(7);
    out.add(new Case("one class", unitRows(r, 8, 4), new long[8], Distance.EUCLIDEAN));
    out.add(
        new Case(
            "singletons",
            unitRows(r, 8, 4),
            new long[] {0, 1, 2, 3, 4, 5, 6, 7},
            Distance.EUCLIDEAN));
    double[][] same = new double[9][];
    double[] v = unitRows(r, 1, 4)[0];
    for (int i = 0; i < same.length; i++) {
      same[i] = v.clone();
    }
    out.add(
        new Case("identical", same, new long[] {0, 1, 0, 2, 1, 0, 2, 2, 1}, Distance.EUCLIDEAN));
    out.add(
        new Case(
            "identical cosine", same, new long[] {0, 1, 0, 2, 1, 0, 2, 2, 1}, Distance.COSINE));
    // ties: points on the axes, so many pairwise distances are exactly equal
    double[][] axes = {{1, 0}, {0, 1}, {-1, 0}, {0, -1}, {1, 0}, {0, 1}, {-1, 0}, {0, -1}};
    out.add(new Case("ties", axes, new long[] {0, 0, 1, 1, 2, 0, 1, 2}, Distance.EUCLIDEAN));
    out.add(
        new Case(
            "ties squared", axes, new long[] {0, 1, 0, 1, 2, 2, 1, 0}, Distance.SQUARED_EUCLIDEAN));
    return out;
  }

  static List<String> asList(Triplets t) {
    List<String> l = new ArrayList<>();
    for (int i = 0; i < t.size(); i++) {
      l.add(t.anchor()[i] + "," + t.positive()[i] + "," + t.negative()[i]);
    }
    return l;
  }

  static List<String> asList(Pairs p) {
    List<String> l = new ArrayList<>();
    for (int i = 0; i < p.posAnchor().length; i++) {
      l.add("+" + p.posAnchor()[i] + "," + p.positive()[i]);
    }
    for (int i = 0; i < p.negAnchor().length; i++) {
      l.add("-" + p.negAnchor()[i] + "," + p.negative()[i]);
    }
    return l;
  }

  /** Rows' first extremum by (D, index): the oracle's tie rule. */
  static int argBest(Case c, int a, List<Integer> cand, boolean largest) {
    Comparator<Integer> byD = Comparator.comparingDouble(j -> c.d(a, j));
    if (largest) {
      byD = byD.reversed();
    }
    return cand.stream().sorted(byD.thenComparingInt(j -> j)).findFirst().orElse(-1);
  }

  static List<Integer> where(Case c, Function<Integer, Boolean> f) {
    List<Integer> l = new ArrayList<>();
    for (int j = 0; j < c.n(); j++) {
      if (f.apply(j)) {
        l.add(j);
      }
    }
    return l;
  }

  static boolean usable(Case c, int a) {
    return !where(c, j -> c.pos(a, j)).isEmpty() && !where(c, j -> c.neg(a, j)).isEmpty();
  }

  static InBatchStats stats(Case c) {
    return new InBatchStats(c.distance().unitLo(), c.distance().unitHi());
  }

  static void assertSkipCounts(Case c, InBatchStats st) {
    long noPos = 0;
    long noNeg = 0;
    for (int a = 0; a < c.n(); a++) {
      int aa = a;
      if (where(c, j -> c.pos(aa, j)).isEmpty()) {
        noPos++;
      } else if (where(c, j -> c.neg(aa, j)).isEmpty()) {
        noNeg++;
      }
    }
    assertEquals(c.n(), st.anchors(), c.name());
    assertEquals(noPos, st.noPositive(), c.name() + " no-positive anchors");
    assertEquals(noNeg, st.noNegative(), c.name() + " no-negative anchors");
  }

  @Test
  void batchHardMatchesOracle() {
    for (Case c : cases()) {
      List<String> expected = new ArrayList<>();
      for (int a = 0; a < c.n(); a++) {
        int aa = a;
        if (usable(c, a)) {
          expected.add(
              a
                  + ","
                  + argBest(c, a, where(c, j -> c.pos(aa, j)), true)
                  + ","
                  + argBest(c, a, where(c, j -> c.neg(aa, j)), false));
        }
      }
      InBatchStats st = stats(c);
      Tuples t = new BatchHardMiner().mine(c.batch(), st);
      assertEquals(expected, asList(t.asTriplets()), c.name());
      assertEquals(expected.size(), st.count(MinedKind.HARD), c.name());
      assertEquals(expected.size(), st.apHistogram().total(), c.name());
      assertSkipCounts(c, st);
    }
  }

  @Test
  void semiHardMatchesOracleForEveryFallback() {
    double margin = 0.3;
    for (SemiHardFallback fb : SemiHardFallback.values()) {
      for (Case c : cases()) {
        List<String> expected = new ArrayList<>();
        long fallbacks = 0;
        long none = 0;
        for (int a = 0; a < c.n(); a++) {
          int aa = a;
          if (!usable(c, a)) {
            continue;
          }
          for (int p : where(c, j -> c.pos(aa, j))) {
            double dap = c.d(a, p);
            int semi =
                argBest(
                    c,
                    a,
                    where(c, j -> c.neg(aa, j) && c.d(aa, j) > dap && c.d(aa, j) <= dap + margin),
                    false);
            int hard = argBest(c, a, where(c, j -> c.neg(aa, j)), false);
            int beyond = argBest(c, a, where(c, j -> c.neg(aa, j) && c.d(aa, j) > dap), false);
            int pick =
                semi >= 0
                    ? semi
                    : fb == SemiHardFallback.HARD
                        ? hard
                        : fb == SemiHardFallback.NEAREST_BEYOND ? beyond : -1;
            if (semi < 0 && pick >= 0) {
              fallbacks++;
            }
            if (pick < 0) {
              none++;
            } else {
              expected.add(a + "," + p + "," + pick);
            }
          }
        }
        InBatchStats st = stats(c);
        Tuples t = new SemiHardMiner(margin, fb).mine(c.batch(), st);
        assertEquals(expected, asList(t.asTriplets()), c.name() + " " + fb);
        assertEquals(fallbacks, st.fallbacks(), c.name() + " " + fb);
        assertEquals(none, st.noCandidate(), c.name() + " " + fb);
        assertSkipCounts(c, st);
      }
    }
  }

  @Test
  void batchAllMatchesTripleLoop() {
    double margin = 0.25;
    boolean someButNotAll = false;
    for (Case c : cases()) {
      List<String> expected = new ArrayList<>();
      long all = 0;
      for (int a = 0; a < c.n(); a++) {
        for (int p = 0; p < c.n(); p++) {
          for (int g = 0; g < c.n(); g++) {
            if (c.pos(a, p) && c.neg(a, g)) {
              all++;
              if (c.d(a, p) - c.d(a, g) + margin > 0) {
                expected.add(a + "," + p + "," + g);
              }
            }
          }
        }
      }
      someButNotAll |= !expected.isEmpty() && expected.size() < all;
      InBatchStats st = stats(c);
      assertEquals(
          expected, asList(new BatchAllMiner(margin).mine(c.batch(), st).asTriplets()), c.name());
      assertSkipCounts(c, st);
    }
    assertTrue(someButNotAll, "the cases must exercise the margin rule");
  }

  @Test
  void allMinerGivesEveryPairAndEveryTriplet() {
    for (Case c : cases()) {
      List<String> pairs = new ArrayList<>();
      List<String> neg = new ArrayList<>();
      List<String> triplets = new ArrayList<>();
      for (int a = 0; a < c.n(); a++) {
        for (int j = 0; j < c.n() && usable(c, a); j++) {
          if (c.pos(a, j)) {
            pairs.add("+" + a + "," + j);
            for (int g = 0; g < c.n(); g++) {
              if (c.neg(a, g)) {
                triplets.add(a + "," + j + "," + g);
              }
            }
          } else if (c.neg(a, j)) {
            neg.add("-" + a + "," + j);
          }
        }
      }
      pairs.addAll(neg);
      InBatchStats st = stats(c);
      Tuples t = new AllTuplesMiner().mine(c.batch(), st);
      assertEquals(pairs, asList(t.asPairs()), c.name());
      assertEquals(triplets, asList(t.asTriplets()), c.name());
      assertSkipCounts(c, st);
    }
  }

  @Test
  void multiSimilarityMatchesTheRuleWrittenInSimilarities() {
    double eps = 0.1;
    for (Case c : cases()) {
      Distance dist = c.distance();
      List<String> pos = new ArrayList<>();
      List<String> neg = new ArrayList<>();
      for (int a = 0; a < c.n(); a++) {
        if (!usable(c, a)) {
          continue;
        }
        // the rule as published, on a similarity s (a distance is turned into s = −d)
        double minPos = Double.POSITIVE_INFINITY;
        double maxNeg = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < c.n(); j++) {
          double s =
              dist.inverted() ? dist.value(c.x()[a], c.x()[j]) : -dist.value(c.x()[a], c.x()[j]);
          if (c.pos(a, j)) {
            minPos = Math.min(minPos, s);
          } else if (c.neg(a, j)) {
            maxNeg = Math.max(maxNeg, s);
          }
        }
        for (int j = 0; j < c.n(); j++) {
          double s =
              dist.inverted() ? dist.value(c.x()[a], c.x()[j]) : -dist.value(c.x()[a], c.x()[j]);
          if (c.pos(a, j) && s - eps < maxNeg) {
            pos.add("+" + a + "," + j);
          } else if (c.neg(a, j) && s + eps > minPos) {
            neg.add("-" + a + "," + j);
          }
        }
      }
      pos.addAll(neg);
      InBatchStats st = stats(c);
      assertEquals(
          pos, asList(new MultiSimilarityMiner(eps).mine(c.batch(), st).asPairs()), c.name());
      assertSkipCounts(c, st);
    }
  }

  @Test
  void hardestFractionKeepsTheTopLossesWithStableTies() {
    double margin = 0.2;
    for (double q : new double[] {0.1, 0.5, 1.0}) {
      for (Case c : cases()) {
        List<String> cand = new ArrayList<>();
        List<Double> loss = new ArrayList<>();
        for (int a = 0; a < c.n(); a++) {
          if (!usable(c, a)) {
            continue;
          }
          for (int p = 0; p < c.n(); p++) {
            for (int g = 0; g < c.n(); g++) {
              if (c.pos(a, p) && c.neg(a, g)) {
                cand.add(a + "," + p + "," + g);
                loss.add(c.d(a, p) - c.d(a, g) + margin);
              }
            }
          }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < cand.size(); i++) {
          order.add(i);
        }
        order.sort(Comparator.comparingDouble(i -> -loss.get(i))); // stable: ties keep order
        int keep = (int) Math.ceil(q * cand.size() - 1e-9);
        List<Integer> kept = new ArrayList<>(order.subList(0, keep));
        kept.sort(null);
        List<String> expected = new ArrayList<>();
        for (int i : kept) {
          expected.add(cand.get(i));
        }
        InBatchStats st = stats(c);
        assertEquals(
            expected,
            asList(new HardestFractionMiner(q, margin).mine(c.batch(), st).asTriplets()),
            c.name() + " q=" + q);
        assertSkipCounts(c, st);
      }
    }
  }

  @Test
  void quickselectFindsTheKthLargest() {
    Random r = new Random(5);
    for (int t = 0; t < 200; t++) {
      double[] v = new double[1 + r.nextInt(40)];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.nextInt(6); // many ties
      }
      double[] sorted = v.clone();
      java.util.Arrays.sort(sorted);
      int k = 1 + r.nextInt(v.length);
      assertEquals(sorted[v.length - k], HardestFractionMiner.kthLargest(v.clone(), k));
    }
  }

  @Test
  void distanceWeightedDrawsByInverseDensityWithTheStatedSeed() {
    double cutoff = 0.5;
    double nz = 1.4;
    long seed = 11;
    int checked = 0;
    for (Case c : cases()) {
      if (c.distance() != Distance.EUCLIDEAN) {
        assertThrows(
            IllegalArgumentException.class,
            () -> new DistanceWeightedMiner(cutoff, nz, seed).mine(c.batch(), stats(c)));
        continue;
      }
      int dim = c.x()[0].length;
      long labelHash = c.batch().labelHash();
      List<String> expected = new ArrayList<>();
      long none = 0;
      for (int a = 0; a < c.n(); a++) {
        if (!usable(c, a)) {
          continue;
        }
        double[] w = new double[c.n()];
        double total = 0;
        for (int g = 0; g < c.n(); g++) {
          if (c.neg(a, g) && c.d(a, g) < nz) {
            double d = Math.max(c.d(a, g), cutoff);
            double q = Math.pow(d, dim - 2) * Math.pow(1 - d * d / 4, (dim - 3) / 2.0);
            w[g] = 1 / q;
            total += w[g];
          }
        }
        for (int p = 0; p < c.n(); p++) {
          if (!c.pos(a, p)) {
            continue;
          }
          if (total == 0) {
            none++;
            continue;
          }
          double u = Seeds.unit(Seeds.of(seed, labelHash, (long) a * c.n() + p));
          double acc = 0;
          int pick = -1;
          for (int g = 0; g < c.n() && acc <= u * total; g++) {
            if (w[g] > 0) {
              acc += w[g];
              pick = g;
            }
          }
          expected.add(a + "," + p + "," + pick);
          checked++;
        }
      }
      InBatchStats st = stats(c);
      assertEquals(
          expected,
          asList(new DistanceWeightedMiner(cutoff, nz, seed).mine(c.batch(), st).asTriplets()),
          c.name());
      assertEquals(none, st.noCandidate(), c.name());
      assertSkipCounts(c, st);
    }
    assertTrue(checked > 20, "too few draws checked: " + checked);
  }

  @Test
  void distanceWeightedFrequenciesFollowTheWeights() {
    // one anchor, one positive, 3 negatives at known distances; many seeds
    double[][] x = {
      {1, 0, 0, 0},
      {1, 0, 0, 0},
      {Math.cos(0.6), Math.sin(0.6), 0, 0},
      {Math.cos(0.9), 0, Math.sin(0.9), 0},
      {Math.cos(1.2), 0, 0, Math.sin(1.2)}
    };
    long[] labels = {0, 0, 1, 2, 3};
    Batch b = Batch.of(Distance.EUCLIDEAN, x, labels);
    double[] w = new double[5];
    double total = 0;
    for (int g = 2; g < 5; g++) {
      double d = Math.max(b.d()[0][g], 0.5);
      w[g] = 1 / (Math.pow(d, 2) * Math.pow(1 - d * d / 4, 0.5));
      total += w[g];
    }
    int[] hits = new int[5];
    int draws = 4000;
    for (int s = 0; s < draws; s++) {
      Triplets t =
          new DistanceWeightedMiner(0.5, 1.4, s).mine(b, new InBatchStats(0, 2)).asTriplets();
      hits[t.negative()[0]]++; // anchor 0's triplet comes first
    }
    for (int g = 2; g < 5; g++) {
      double p = w[g] / total;
      double sd = Math.sqrt(draws * p * (1 - p));
      assertEquals(draws * p, hits[g], 5 * sd, "negative " + g);
    }
  }

  @Test
  void identicalEmbeddingsNeverGiveNaNOrCrash() {
    Case c = cases().stream().filter(k -> k.name().equals("identical")).findFirst().orElseThrow();
    for (MinerKind k : MinerKind.values()) {
      InBatchStats st = stats(c);
      Triplets t = MinerSpec.of(k).create().mine(c.batch(), st).asTriplets();
      for (int i = 0; i < t.size(); i++) {
        assertEquals(0.0, c.d(t.anchor()[i], t.positive()[i]), k.label());
      }
      assertEquals(0, st.apHistogram().nan(), k.label());
    }
  }
}
