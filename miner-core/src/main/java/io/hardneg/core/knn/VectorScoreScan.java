package io.hardneg.core.knn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ScoreScan} on the JDK 17 vector API. Only {@code anyTrue()} of a whole-vector compare is
 * used to skip lanes: {@code VectorMask.toLong()} is not intrinsified on JDK 17 and ran slower than
 * the scalar loop. Loaded only when the module is present.
 */
final class VectorScoreScan {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

  private VectorScoreScan() {}

  static int atOrAbove(float[] row, int from, int to, float cut, int[] cand) {
    int nc = 0;
    int lanes = SPECIES.length();
    int j = from;
    int upper = from + SPECIES.loopBound(to - from);
    for (; j < upper; j += lanes) {
      if (FloatVector.fromArray(SPECIES, row, j).compare(VectorOperators.GE, cut).anyTrue()) {
        for (int i = j; i < j + lanes; i++) {
          if (row[i] >= cut) {
            cand[nc++] = i;
          }
        }
      }
    }
    for (; j < to; j++) {
      if (row[j] >= cut) {
        cand[nc++] = j;
      }
    }
    return nc;
  }
}
