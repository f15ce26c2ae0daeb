package io.hardneg.core.knn;

/**
 * The pre-filter of the masked kernel: which scores of a GEMM row reach the cut. Every score of an
 * all-pairs search passes through here, so it runs on the JDK's vector API (AVX-512 / AVX2 compares
 * of 16 / 8 scores at once, about 3x the scalar loop) when the JVM was started with {@code
 * --add-modules=jdk.incubator.vector} ({@code deploy/bin/jvm-flags} does), and on the scalar loop
 * otherwise. Both return the same positions in the same order: an IEEE {@code >=} per score, so the
 * choice never changes a result.
 */
final class ScoreScan {
  /** True when the vector API module is in the boot layer and not switched off. */
  static final boolean VECTOR =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
          && !Boolean.getBoolean("hardneg.knn.scalarScan");

  private ScoreScan() {}

  /**
   * Writes the positions in [from, to) of the scores at or above {@code cut} into {@code cand},
   * ascending, and returns how many.
   */
  static int atOrAbove(float[] row, int from, int to, float cut, int[] cand) {
    // VectorScoreScan is loaded only when this branch runs, so a JVM without the module never
    // resolves it
    return VECTOR
        ? VectorScoreScan.atOrAbove(row, from, to, cut, cand)
        : scalar(row, from, to, cut, cand);
  }

  /** The plain loop; also the reference the vector path is tested against. */
  static int scalar(float[] row, int from, int to, float cut, int[] cand) {
    int nc = 0;
    for (int j = from; j < to; j++) {
      if (row[j] >= cut) {
        cand[nc++] = j;
      }
    }
    return nc;
  }

  /**
   * The pre-filter with a counted band {@code [lo, hi)}: of the positions in [from, to) whose score
   * is at or above {@code cut}, those in the band are not listed but counted, into {@code
   * counted[0]}, where their label code {@code codes[codeOffset + j]} differs from {@code code};
   * the others are written into {@code cand}, ascending, and their number is returned.
   */
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
    return VECTOR
        ? VectorScoreScan.withBand(
            row, codes, codeOffset, from, to, cut, lo, hi, code, cand, counted)
        : scalarWithBand(row, codes, codeOffset, from, to, cut, lo, hi, code, cand, counted);
  }

  /** The plain loop of {@link #withBand}; also its reference in tests. */
  static int scalarWithBand(
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
    counted[0] = 0;
    return bandTail(row, codes, codeOffset, from, to, cut, lo, hi, code, cand, 0, counted);
  }

  /**
   * {@link #withBand} over [from, to) one score at a time, appending to {@code cand} after its
   * first {@code nc} entries and adding to {@code counted[0]}; returns the new number listed (the
   * vector path's tail too).
   */
  static int bandTail(
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
      int nc,
      int[] counted) {
    int n = 0;
    for (int j = from; j < to; j++) {
      float s = row[j];
      if (s >= cut) {
        if (s >= lo && s < hi) {
          if (codes[codeOffset + j] != code) {
            n++;
          }
        } else {
          cand[nc++] = j;
        }
      }
    }
    counted[0] += n;
    return nc;
  }

  /** The double-precision row (evaluation's GEMM): scalar, it is not the mining hot path. */
  static int atOrAbove(double[] row, int from, int to, double cut, int[] cand) {
    int nc = 0;
    for (int j = from; j < to; j++) {
      if (row[j] >= cut) {
        cand[nc++] = j;
      }
    }
    return nc;
  }
}
