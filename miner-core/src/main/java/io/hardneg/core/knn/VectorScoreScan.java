package io.hardneg.core.knn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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

  /** {@link ScoreScan#withBand}: band lanes are counted by a masked add, never visited. */
  static int withBand(
      float[] row,
      float[] codes,
      int codeOffset,
      int from,
      int to,
      float cut,
      float lo,
      float hi,
      float code,
      int[] cand,
      int[] counted) {
    int nc = 0;
    int lanes = SPECIES.length();
    int j = from;
    int upper = from + SPECIES.loopBound(to - from);
    FloatVector acc = FloatVector.zero(SPECIES);
    FloatVector one = FloatVector.broadcast(SPECIES, 1f);
    for (; j < upper; j += lanes) {
      FloatVector v = FloatVector.fromArray(SPECIES, row, j);
      VectorMask<Float> ge = v.compare(VectorOperators.GE, cut);
      if (!ge.anyTrue()) {
        continue;
      }
      VectorMask<Float> band =
          ge.and(v.compare(VectorOperators.GE, lo)).and(v.compare(VectorOperators.LT, hi));
      FloatVector c = FloatVector.fromArray(SPECIES, codes, codeOffset + j);
      // float lanes count exactly: a call adds at most `to - from` (< 2^24) per lane
      acc = acc.add(one, band.and(c.compare(VectorOperators.NE, code)));
      if (ge.andNot(band).anyTrue()) {
        for (int i = j; i < j + lanes; i++) {
          float s = row[i];
          if (s >= cut && !(s >= lo && s < hi)) {
            cand[nc++] = i;
          }
        }
      }
    }
    counted[0] = (int) acc.reduceLanes(VectorOperators.ADD);
    return ScoreScan.bandTail(row, codes, codeOffset, j, to, cut, lo, hi, code, cand, nc, counted);
  }

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
