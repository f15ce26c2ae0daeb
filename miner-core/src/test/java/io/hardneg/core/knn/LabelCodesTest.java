package io.hardneg.core.knn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.hardneg.core.data.LabeledVectors;
import org.junit.jupiter.api.Test;

/** The label codes of the kernel's counted band. */
class LabelCodesTest {
  @Test
  void codesNumberTheBaseLabelsAndMarkQueriesTheBandCannotServe() {
    LabeledVectors base =
        new LabeledVectors(
            new long[] {10, 11, 12, 13, 13}, new long[] {7, 5, 7, 9, 9}, new float[5], 1);
    // query ids: a base row with its own label, a foreign id, a base id under another label, an
    // id the base holds twice under one label, and a label the base lacks
    LabeledVectors queries =
        new LabeledVectors(
            new long[] {10, 99, 11, 13, 98}, new long[] {7, 5, 7, 9, 4}, new float[5], 1);
    LabelCodes c = LabelCodes.of(queries, base);
    assertArrayEquals(new float[] {0, 1, 0, 2, 2}, c.base);
    assertArrayEquals(new float[] {0, 1, 0, 2, -1}, c.query);
    assertArrayEquals(new boolean[] {true, true, false, true, true}, c.countable);
  }

  @Test
  void anIdUnderTwoLabelsInTheBaseBarsTheBandForThatId() {
    LabeledVectors base =
        new LabeledVectors(new long[] {1, 1, 2}, new long[] {3, 4, 3}, new float[3], 1);
    LabeledVectors queries =
        new LabeledVectors(new long[] {1, 2}, new long[] {3, 3}, new float[2], 1);
    assertArrayEquals(new boolean[] {false, true}, LabelCodes.of(queries, base).countable);
  }
}
