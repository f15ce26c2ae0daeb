package io.hardneg.core.knn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link RankSort} against the boxed comparator sort the kernel used before it. */
class RankSortTest {
  @Test
  void ordersLikeTheBoxedComparatorSortWithTiesAndSizesAroundTheCutover() {
    Random rnd = new Random(7);
    for (int n : new int[] {0, 1, 2, 15, 16, 17, 100, 1000, 5000}) {
      for (int distinct : new int[] {1, 3, 50, Integer.MAX_VALUE}) {
        double[] d = new double[n];
        int[] row = new int[n];
        for (int i = 0; i < n; i++) {
          // few distinct distances (negative, zero, positive): many ties, which the row must break
          d[i] =
              distinct == Integer.MAX_VALUE
                  ? rnd.nextDouble()
                  : (rnd.nextInt(distinct) - (distinct > 1 ? 1 : 0)) * 0.25;
          row[i] = i;
        }
        // distinct rows in a shuffled order
        for (int i = n - 1; i > 0; i--) {
          int j = rnd.nextInt(i + 1);
          int t = row[i];
          row[i] = row[j];
          row[j] = t;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
          order[i] = i;
        }
        Arrays.sort(
            order, Comparator.<Integer>comparingDouble(i -> d[i]).thenComparingInt(i -> row[i]));
        double[] wantD = new double[n];
        int[] wantR = new int[n];
        for (int i = 0; i < n; i++) {
          wantD[i] = d[order[i]];
          wantR[i] = row[order[i]];
        }
        RankSort.sort(d, row);
        assertArrayEquals(wantR, row, "rows, n=" + n + " distinct=" + distinct);
        assertArrayEquals(wantD, d, "distances, n=" + n + " distinct=" + distinct);
      }
    }
  }

  @Test
  void sortedAndReversedInputs() {
    int n = 3000;
    double[] up = new double[n];
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      up[i] = i;
      rows[i] = n - i;
    }
    double[] down = new double[n];
    int[] rowsDown = new int[n];
    for (int i = 0; i < n; i++) {
      down[i] = n - 1 - i;
      rowsDown[i] = i + 1;
    }
    RankSort.sort(down, rowsDown);
    assertArrayEquals(up, down);
    double[] upCopy = up.clone();
    int[] rowsCopy = rows.clone();
    RankSort.sort(upCopy, rowsCopy);
    assertArrayEquals(up, upCopy);
    assertArrayEquals(rows, rowsCopy);
  }

  @Test
  void rejectsArraysOfDifferentLengths() {
    assertThrows(IllegalArgumentException.class, () -> RankSort.sort(new double[2], new int[3]));
  }
}
