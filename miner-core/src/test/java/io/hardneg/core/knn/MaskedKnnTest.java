package io.hardneg.core.knn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.TestData;
import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.data.VectorMath;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class MaskedKnnTest {

  /** Brute force: every admissible base row beyond the bound, sorted by (distance, row). */
  static int[] bruteForce(
      LabeledVectors q, int qi, LabeledVectors b, Mask mask, int k, double bound) {
    List<double[]> all = new ArrayList<>();
    for (int j = 0; j < b.size(); j++) {
      if (!mask.admits(q.ids()[qi], q.labels()[qi], b.ids()[j], b.labels()[j])) {
        continue;
      }
      double d = VectorMath.distance(q.values(), qi, b.values(), j, b.dim());
      if (d > bound) {
        all.add(new double[] {d, j});
      }
    }
    all.sort(Comparator.<double[]>comparingDouble(x -> x[0]).thenComparingDouble(x -> x[1]));
    return all.stream().limit(k).mapToInt(x -> (int) x[1]).toArray();
  }

  @Test
  void matchesBruteForceWithSmallTilesAndBothPrecisions() {
    LabeledVectors base = TestData.randomUnit(300, 16, 5, 1);
    LabeledVectors queries = TestData.randomUnit(70, 16, 5, 2);
    // k = 7 keeps a heap per query, k = 50 a buffer (NearestKeeper.of)
    for (int k : new int[] {7, 50}) {
      for (DataType p : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
        KnnOptions opt = new KnnOptions(k, 16, 37, p);
        Neighbors[] got = MaskedKnn.search(queries, base, Mask.OTHER_LABEL, opt)[0];
        for (int q = 0; q < queries.size(); q++) {
          assertArrayEquals(
              bruteForce(queries, q, base, Mask.OTHER_LABEL, k, -1),
              got[q].index(),
              "query " + q + " precision " + p + " k " + k);
          for (int i = 0; i < got[q].size(); i++) {
            assertTrue(queries.labels()[q] != base.labels()[got[q].index()[i]], "mask broken");
          }
        }
      }
    }
  }

  @Test
  void perQueryExclusionsAreMaskedInTheKernel() {
    LabeledVectors t = TestData.randomUnit(150, 6, 1, 21);
    long[][] excluded = new long[t.size()][];
    for (int q = 0; q < t.size(); q++) {
      // exclude the query's 3 exact nearest others and a far id: they must never come back
      int[] near = bruteForce(t, q, t, Mask.SELF, 3, -1);
      excluded[q] = new long[] {t.ids()[near[0]], t.ids()[near[1]], t.ids()[near[2]], 99_999};
      java.util.Arrays.sort(excluded[q]);
    }
    Neighbors[] got =
        MaskedKnn.search(t, t, Mask.SELF, excluded, new KnnOptions(4, 32, 40, DataType.FLOAT))[0];
    for (int q = 0; q < t.size(); q++) {
      int[] all = bruteForce(t, q, t, Mask.SELF, 7, -1);
      assertArrayEquals(java.util.Arrays.copyOfRange(all, 3, 7), got[q].index(), "query " + q);
    }
  }

  @Test
  void selfMaskExcludesOnlyTheQueryItself() {
    LabeledVectors t = TestData.randomUnit(120, 8, 3, 3);
    Neighbors[] got =
        MaskedKnn.search(t, t, Mask.SELF, new KnnOptions(5, 32, 50, DataType.DOUBLE))[0];
    for (int q = 0; q < t.size(); q++) {
      assertArrayEquals(bruteForce(t, q, t, Mask.SELF, 5, -1), got[q].index());
    }
  }

  @Test
  void lowerBoundsKeepSeparateHeapsAndCountWhatIsBelow() {
    LabeledVectors base = TestData.randomUnit(200, 8, 4, 5);
    LabeledVectors queries = TestData.randomUnit(30, 8, 4, 6);
    double[] bound = new double[queries.size()];
    for (int q = 0; q < bound.length; q++) {
      bound[q] = 0.8 + 0.02 * q;
    }
    // k = 4: heaps; k = 40: buffers (NearestKeeper.of), whose threshold falls only at a selection
    for (int k : new int[] {4, 40}) {
      Neighbors[][] got =
          MaskedKnn.search(
              queries,
              base,
              Mask.OTHER_LABEL,
              new KnnOptions(k, 7, 50, DataType.FLOAT),
              null,
              bound);
      for (int q = 0; q < queries.size(); q++) {
        assertArrayEquals(
            bruteForce(queries, q, base, Mask.OTHER_LABEL, k, -1), got[0][q].index(), "k " + k);
        assertArrayEquals(
            bruteForce(queries, q, base, Mask.OTHER_LABEL, k, bound[q]),
            got[1][q].index(),
            "k " + k);
        long below = 0;
        for (int j = 0; j < base.size(); j++) {
          if (Mask.OTHER_LABEL.admits(
                  queries.ids()[q], queries.labels()[q], base.ids()[j], base.labels()[j])
              && VectorMath.distance(queries.values(), q, base.values(), j, 8) <= bound[q]) {
            below++;
          }
        }
        assertEquals(below, got[1][q].atOrBelowBound(), "rank offset of query " + q + ", k " + k);
        assertEquals(0, got[0][q].atOrBelowBound());
      }
    }
  }

  @Test
  void boundsHoldingMostOfTheBaseAreCountedExactlyAtEveryTiling() {
    // large bounds, as in a first round: most admissible rows lie inside d(a,p) and are counted
    // by the vectorised band, not visited; the queries are base rows (self and own label masked)
    // and foreign ids, one of them a base id under another label (which bars the band)
    LabeledVectors base = TestData.randomUnit(1500, 8, 4, 21);
    int nq = 40;
    long[] ids = new long[nq];
    long[] labels = new long[nq];
    float[] v = new float[nq * 8];
    for (int q = 0; q < nq; q++) {
      int row = q * 37;
      ids[q] = q < 30 || q == 35 ? base.ids()[row] : -q;
      labels[q] = base.labels()[row] + (q == 35 ? 1 : 0);
      System.arraycopy(base.values(), row * 8, v, q * 8, 8);
    }
    LabeledVectors queries = new LabeledVectors(ids, labels, v, 8);
    double[] bound = new double[nq];
    for (int q = 0; q < nq; q++) {
      bound[q] = q % 7 == 0 ? -1 : 0.6 + 1.3 * q / nq;
    }
    for (int[] t : new int[][] {{1, 50}, {7, 333}, {40, 1500}}) {
      Neighbors[][] got =
          MaskedKnn.search(
              queries,
              base,
              Mask.OTHER_LABEL,
              new KnnOptions(5, t[0], t[1], DataType.FLOAT),
              null,
              bound);
      for (int q = 0; q < nq; q++) {
        String where = "query " + q + " tiles " + t[0] + "x" + t[1];
        assertArrayEquals(
            bruteForce(queries, q, base, Mask.OTHER_LABEL, 5, -1), got[0][q].index(), where);
        assertArrayEquals(
            bruteForce(queries, q, base, Mask.OTHER_LABEL, 5, bound[q]), got[1][q].index(), where);
        long below = 0;
        for (int j = 0; j < base.size(); j++) {
          if (Mask.OTHER_LABEL.admits(ids[q], labels[q], base.ids()[j], base.labels()[j])
              && VectorMath.distance(queries.values(), q, base.values(), j, 8) <= bound[q]) {
            below++;
          }
        }
        assertEquals(below, got[1][q].atOrBelowBound(), where);
      }
    }
  }

  @Test
  void tiesAreBrokenByRowIndexWhateverTheTiling() {
    // five identical base vectors of another class: all at the same distance from the query
    float[][] rows = new float[7][];
    long[] labels = new long[7];
    rows[0] = new float[] {1, 0};
    labels[0] = 0;
    rows[1] = new float[] {1, 0};
    labels[1] = 0; // same class as the query: masked although nearest
    for (int i = 2; i < 7; i++) {
      rows[i] = new float[] {0, 1};
      labels[i] = 1;
    }
    LabeledVectors t = TestData.of(labels, rows);
    LabeledVectors q = new LabeledVectors(new long[] {99}, new long[] {0}, new float[] {1, 0}, 2);
    for (int block = 1; block <= 7; block++) {
      Neighbors n =
          MaskedKnn.search(q, t, Mask.OTHER_LABEL, new KnnOptions(3, 1, block, DataType.FLOAT))[0][
              0];
      assertArrayEquals(new int[] {2, 3, 4}, n.index(), "base block " + block);
      assertEquals(Math.sqrt(2), n.distance()[0], 1e-12);
    }
  }

  @Test
  void kLargerThanCandidatesReturnsAllCandidates() {
    LabeledVectors t = TestData.randomUnit(12, 4, 2, 9);
    Neighbors[] got = MaskedKnn.search(t, t, Mask.OTHER_LABEL, KnnOptions.of(50))[0];
    for (int q = 0; q < t.size(); q++) {
      int[] expected = bruteForce(t, q, t, Mask.OTHER_LABEL, 50, -1);
      assertArrayEquals(expected, got[q].index());
      assertTrue(expected.length < 12);
    }
  }

  @Test
  void singleClassHasNoNegatives() {
    LabeledVectors t = TestData.randomUnit(20, 4, 1, 10);
    Neighbors[] got = MaskedKnn.search(t, t, Mask.OTHER_LABEL, KnnOptions.of(3))[0];
    for (Neighbors n : got) {
      assertEquals(0, n.size());
    }
  }

  @Test
  void dimensionMismatchIsAClearError() {
    LabeledVectors a = TestData.randomUnit(3, 4, 2, 1);
    LabeledVectors b = TestData.randomUnit(3, 5, 2, 1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> MaskedKnn.search(a, b, Mask.SELF, KnnOptions.of(1)));
    assertTrue(e.getMessage().contains("4 != 5"), e.getMessage());
  }

  @Test
  void nearTiesBelowFloatRoundingMatchBruteForceAtEveryTiling() {
    // all vectors within 1e-4 of one direction: neighbour distances differ by less than the
    // float GEMM can resolve, so only the exact re-ranking of the kept candidates orders them
    java.util.Random r = new java.util.Random(5);
    LabeledVectors base = nearlyOneDirection(400, 8, 4, r);
    LabeledVectors queries = nearlyOneDirection(12, 8, 4, r);
    double[] bound = new double[queries.size()];
    for (int q = 0; q < bound.length; q++) {
      int[] nearest = bruteForce(queries, q, base, Mask.OTHER_LABEL, 3, -1);
      bound[q] = VectorMath.distance(queries.values(), q, base.values(), nearest[2], 8);
    }
    int[][] tilings = {{1, 7}, {4, 64}, {12, 400}, {5, 133}};
    // k = 6: heaps; k = 40: buffers (NearestKeeper.of)
    for (int k : new int[] {6, 40}) {
      for (int[] t : tilings) {
        Neighbors[][] got =
            MaskedKnn.search(
                queries,
                base,
                Mask.OTHER_LABEL,
                new KnnOptions(k, t[0], t[1], DataType.FLOAT),
                null,
                bound);
        for (int q = 0; q < queries.size(); q++) {
          String where = "query " + q + " tiles " + t[0] + "x" + t[1] + " k " + k;
          assertArrayEquals(
              bruteForce(queries, q, base, Mask.OTHER_LABEL, k, -1), got[0][q].index(), where);
          assertArrayEquals(
              bruteForce(queries, q, base, Mask.OTHER_LABEL, k, bound[q]),
              got[1][q].index(),
              where + " (bounded)");
        }
      }
    }
  }

  @Test
  void aCollapsedEmbeddingReturnsTheLowestRowsOfEveryTie() {
    // every distance equal: the rounded-value keeper overflows its side list and switches to
    // exact values (ApproxTopK.SIDE_CAP); the answer is still the first rows by index
    int n = ApproxTopK.SIDE_CAP + 904;
    long[] ids = new long[n];
    long[] labels = new long[n];
    float[] v = new float[n * 4];
    for (int i = 0; i < n; i++) {
      ids[i] = i;
      labels[i] = i % 2;
      v[i * 4] = 0.6f;
      v[i * 4 + 1] = 0.8f;
    }
    LabeledVectors base = new LabeledVectors(ids, labels, v, 4);
    LabeledVectors q =
        new LabeledVectors(
            new long[] {-1, -2},
            new long[] {0, 1},
            new float[] {0.6f, 0.8f, 0, 0, 0.6f, 0.8f, 0, 0},
            4);
    for (int[] t : new int[][] {{2, 1024}, {1, 333}}) {
      Neighbors[] got =
          MaskedKnn.search(
              q, base, Mask.OTHER_LABEL, new KnnOptions(4, t[0], t[1], DataType.FLOAT))[0];
      assertArrayEquals(new int[] {1, 3, 5, 7}, got[0].index(), "tiles " + t[0] + "x" + t[1]);
      assertArrayEquals(new int[] {0, 2, 4, 6}, got[1].index(), "tiles " + t[0] + "x" + t[1]);
      // k = 40: the buffer keeper (NearestKeeper.of) switches to exact values too
      Neighbors[] wide =
          MaskedKnn.search(
              q, base, Mask.OTHER_LABEL, new KnnOptions(40, t[0], t[1], DataType.FLOAT))[0];
      for (int i = 0; i < 40; i++) {
        assertEquals(2 * i + 1, wide[0].index()[i], "k 40, tiles " + t[0] + "x" + t[1]);
        assertEquals(2 * i, wide[1].index()[i], "k 40, tiles " + t[0] + "x" + t[1]);
      }
    }
  }

  private static LabeledVectors nearlyOneDirection(
      int n, int dim, int classes, java.util.Random r) {
    long[] ids = new long[n];
    long[] labels = new long[n];
    float[] v = new float[n * dim];
    for (int i = 0; i < n; i++) {
      ids[i] = i;
      labels[i] = r.nextInt(classes);
      v[i * dim] = 1;
      for (int j = 0; j < dim; j++) {
        v[i * dim + j] += (float) (1e-4 * r.nextGaussian());
      }
    }
    return new LabeledVectors(ids, labels, v, dim).normalized();
  }
}
