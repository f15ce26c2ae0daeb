package io.hardneg.core.knn;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.data.VectorMath;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The part of {@link MaskedKnn} after each GEMM: for one block of queries, reads every score row of
 * a tile, pre-filters it against the worst distance any heap still wants, applies the mask to the
 * survivors and offers them to the bounded keepers ({@link NearestKeeper}). Kept apart from the
 * tiling loop so the JIT compiles this hot path as small methods of its own.
 */
final class QueryBlockScan {
  /**
   * Scores per segment while a keeper's threshold is +inf (a heap not yet full, a buffer before its
   * first selection): short, so the cut tightens soon, but two 16-lane vectors wide, so the vector
   * pre-filter runs on it (at 8, every segment of a query whose heaps stay unfilled, e.g. in an IVF
   * list of its own label, ran the scalar tail).
   */
  private static final int FIRST_SEGMENT = 32;

  private final LabeledVectors queries;
  private final LabeledVectors base;
  private final Mask mask;
  private final long[][] excluded;
  private final LabelCodes codes;
  private final int[] counted = new int[1];
  // per block query: whether its next row takes the counted band (see scanRow)
  private final boolean[] useBand;
  // per block query: the exact squared distance to a base row, for the keepers
  private final ApproxTopK.ExactDistance[] exactDistance;
  private final long[] baseIds;
  private final long[] baseLabels;
  private final double[] baseNorm;
  private final double[] queryNorm;
  private final double minBaseNorm;
  private final double maxBaseNorm;
  private final double relTol;
  private final int heaps;
  private final int q0;
  private final NearestKeeper[][] top;
  private final long[][] within;
  private final double[][] bound2;
  // one row of scores at a time, and the columns that pass the pre-filter
  private final float[] rowF;
  private final double[] rowD;
  private final int[] cand;

  QueryBlockScan(KnnInputs in, int q0, int q1, double[][] bounds, int k, int baseBlock) {
    this.queries = in.queries();
    this.base = in.base();
    this.mask = in.mask();
    this.excluded = in.excluded();
    this.codes = in.codes();
    this.baseIds = base.ids();
    this.baseLabels = base.labels();
    this.baseNorm = in.baseNorm();
    this.queryNorm = in.queryNorm();
    this.minBaseNorm = in.minBaseNorm();
    this.maxBaseNorm = in.maxBaseNorm();
    this.relTol = in.relTol();
    this.heaps = bounds.length;
    this.q0 = q0;
    int bq = q1 - q0;
    top = new NearestKeeper[heaps][bq];
    within = new long[heaps][bq];
    useBand = new boolean[bq];
    Arrays.fill(useBand, true);
    exactDistance = new ApproxTopK.ExactDistance[bq];
    float[] qv = queries.values();
    float[] bv = base.values();
    int dim = base.dim();
    for (int q = 0; q < bq; q++) {
      int qi = q0 + q;
      exactDistance[q] = i -> VectorMath.squaredDistance(qv, qi, bv, i, dim);
    }
    bound2 = new double[heaps][bq];
    for (int h = 0; h < heaps; h++) {
      for (int q = 0; q < bq; q++) {
        // twice the largest rounding error of this query's GEMM values (see ApproxTopK)
        double slack = 2 * relTol * (queryNorm[q0 + q] + maxBaseNorm);
        top[h][q] = NearestKeeper.of(k, slack);
        double b = bounds[h] == null ? Double.NEGATIVE_INFINITY : bounds[h][q0 + q];
        bound2[h][q] = b < 0 ? Double.NEGATIVE_INFINITY : b * b;
      }
    }
    rowF = new float[baseBlock];
    rowD = new double[baseBlock];
    cand = new int[baseBlock];
  }

  /**
   * Base indices that may be among heap h's k nearest for block query q (more than k where rounded
   * distances nearly tie): the caller ranks them by exact distance.
   */
  int[] kept(int h, int q) {
    return top[h][q].candidates();
  }

  /** How many admissible items heap h counted at or below its bound for block query q. */
  long within(int h, int q) {
    return within[h][q];
  }

  /**
   * Scans score row q (of width bb, base rows b0..b0+bb) of a tile; exactly one of sf / sd is
   * non-null, the tile in float or double.
   */
  void scanRow(int q, FloatBuffer sf, DoubleBuffer sd, int b0, int bb) {
    int qi = q0 + q;
    if (sf != null) {
      sf.get(q * bb, rowF, 0, bb);
    } else {
      sd.get(q * bb, rowD, 0, bb);
    }
    // where the query's labels can be compared lane by lane, the admissible scores that lie
    // clearly inside every bound and clearly outside every unbounded heap are only counted
    boolean countable =
        sf != null
            && codes != null
            && codes.countable[qi]
            && (excluded == null || excluded[qi] == null);
    if (countable && useBand[q]) {
      long counted = scanCounting(q, b0, bb);
      // where the band counts little (a trained embedding) its rows run slower than plain ones,
      // so the next tile's row is plain; either way gives the same result
      useBand[q] = counted * 32 >= bb;
    } else {
      long listed = scanPlain(q, sf != null, b0, bb);
      // back to the band once a row sends many scores through the one-by-one path
      useBand[q] = countable && listed * 8 >= bb;
    }
  }

  /**
   * The row with the plain pre-filter: every score at or above the cut is looked at one by one.
   * Returns how many were.
   */
  private long scanPlain(int q, boolean isFloat, int b0, int bb) {
    int qi = q0 + q;
    double qn = queryNorm[qi];
    double tolMax = relTol * (qn + maxBaseNorm);
    double skip = skipAbove(q) + tolMax;
    long listed = 0;
    // the row is read in segments and the pre-filter cut recomputed before each: while a heap
    // is not yet full every score is a candidate, so segments start short and double (with one
    // cut per row, every query sent its whole first tile through the slow path below)
    int seg = FIRST_SEGMENT;
    for (int s0 = 0; s0 < bb; ) {
      seg = skip == Double.POSITIVE_INFINITY ? FIRST_SEGMENT : Math.min(1024, 2 * seg);
      int s1 = Math.min(bb, s0 + seg);
      // pre-filter on the raw score: d² = |q|² + |b|² − 2s > skip whenever
      // s < (|q|² + min|b|² − skip) / 2, so only scores at or above that cut are looked at
      double sCut = (qn + minBaseNorm - skip) / 2;
      int nc =
          isFloat
              ? ScoreScan.atOrAbove(rowF, s0, s1, floatCut(sCut), cand)
              : ScoreScan.atOrAbove(rowD, s0, s1, sCut, cand);
      s0 = s1;
      listed += nc;
      skip = take(q, nc, isFloat, b0, skip, tolMax);
    }
    return listed;
  }

  /**
   * The float row with the counted band ({@link ScoreScan#withBand}): the band's admissible pairs
   * are added to every bounded heap's within count, the rest is looked at as in {@link #scanPlain}.
   * Returns how many pairs the band counted.
   */
  private long scanCounting(int q, int b0, int bb) {
    int qi = q0 + q;
    double qn = queryNorm[qi];
    double tolMax = relTol * (qn + maxBaseNorm);
    double skip = skipAbove(q) + tolMax;
    float code = codes.query[qi];
    long total = 0;
    int seg = FIRST_SEGMENT;
    for (int s0 = 0; s0 < bb; ) {
      seg = skip == Double.POSITIVE_INFINITY ? FIRST_SEGMENT : Math.min(1024, 2 * seg);
      int s1 = Math.min(bb, s0 + seg);
      float cut = floatCut((qn + minBaseNorm - skip) / 2);
      float lo = bandLow(q, qn, tolMax);
      float hi = bandHigh(q, qn, tolMax);
      int nc;
      if (lo < hi) {
        nc = ScoreScan.withBand(rowF, codes.base, b0, s0, s1, cut, lo, hi, code, cand, counted);
        total += counted[0];
        for (int h = 0; h < heaps; h++) {
          if (bound2[h][q] != Double.NEGATIVE_INFINITY) {
            within[h][q] += counted[0];
          }
        }
      } else {
        nc = ScoreScan.atOrAbove(rowF, s0, s1, cut, cand);
      }
      s0 = s1;
      skip = take(q, nc, true, b0, skip, tolMax);
    }
    return total;
  }

  /** The float cut of a double one, rounded down so that no score at or above it is lost. */
  private static float floatCut(double sCut) {
    return Math.nextDown((float) Math.max(-Float.MAX_VALUE, Math.min(Float.MAX_VALUE, sCut)));
  }

  /**
   * Looks at the nc listed positions of the current row one by one: masks them and offers the
   * admitted ones to the heaps. Returns the skip level, lowered where a heap's threshold fell.
   */
  private double take(int q, int nc, boolean isFloat, int b0, double skip, double tolMax) {
    int qi = q0 + q;
    long qid = queries.ids()[qi];
    long ql = queries.labels()[qi];
    double qn = queryNorm[qi];
    long[] ex = excluded == null ? null : excluded[qi];
    for (int c = 0; c < nc; c++) {
      int j = cand[c];
      int bi = b0 + j;
      double sc = isFloat ? rowF[j] : rowD[j];
      double d2 = qn + baseNorm[bi] - 2.0 * sc;
      if (d2 > skip) {
        continue; // no heap wants it and it is above every bound: the common case
      }
      if (!mask.admits(qid, ql, baseIds[bi], baseLabels[bi])
          || (ex != null && Arrays.binarySearch(ex, baseIds[bi]) >= 0)) {
        continue;
      }
      if (offer(q, bi, d2, relTol * (qn + baseNorm[bi]))) {
        skip = skipAbove(q) + tolMax;
      }
    }
    return skip;
  }

  /**
   * Offers an admitted pair with GEMM squared distance {@code d2} (rounding tolerance {@code tol})
   * to every keeper of block query q, counting it as within a bound where it is; returns whether
   * any keeper's threshold may have changed. The exact double-precision distance is computed only
   * where a decision needs it: a pair too close to a bound to call, or a keeper that holds exact
   * values.
   */
  private boolean offer(int q, int bi, double d2, double tol) {
    ApproxTopK.ExactDistance exactOf = exactDistance[q];
    d2 = Math.max(0.0, d2);
    double exact = -1;
    boolean changed = false;
    for (int h = 0; h < heaps; h++) {
      double b2 = bound2[h][q];
      NearestKeeper keep = top[h][q];
      if (d2 > b2 + tol && d2 > keep.threshold() + tol) {
        continue; // clearly beyond the bound and clearly worse than anything kept
      }
      if (d2 < b2 - tol) {
        within[h][q]++; // clearly at or below the bound
        continue;
      }
      if (d2 <= b2 + tol || keep.exact()) {
        if (exact < 0) {
          exact = exactOf.squaredDistance(bi);
        }
        if (exact <= b2) {
          within[h][q]++;
          continue;
        }
      }
      changed |= keep.offer(keep.exact() ? exact : d2, bi, exactOf);
    }
    return changed;
  }

  /**
   * The float score above which a pair is clearly inside the bound of every bounded heap of block
   * query q: d² = |q|² + |b|² − 2s < bound² − 2·tolMax for every base row (twice the rounding
   * tolerance, so that the double d² of {@link #offer} is below bound² − tol too). +inf where no
   * heap has a bound or a bound is too small to leave room.
   */
  private float bandLow(int q, double qn, double tolMax) {
    double a = Double.NEGATIVE_INFINITY;
    for (int h = 0; h < heaps; h++) {
      double b2 = bound2[h][q];
      if (b2 == Double.NEGATIVE_INFINITY) {
        continue;
      }
      if (b2 <= 2 * tolMax) {
        return Float.POSITIVE_INFINITY;
      }
      a = Math.max(a, (qn + maxBaseNorm - b2 + 2 * tolMax) / 2);
    }
    if (a == Double.NEGATIVE_INFINITY || a >= Float.MAX_VALUE) {
      return Float.POSITIVE_INFINITY;
    }
    // rounded up: a float at or above it is above the double a
    return Math.nextUp((float) Math.max(a, -Float.MAX_VALUE));
  }

  /**
   * The float score below which no unbounded heap of block query q wants a pair: d² > its threshold
   * + 2·tolMax for every base row. Thresholds only fall, so a cut taken before a segment stays
   * valid through it. +inf where every heap has a bound, −inf while one's threshold is +inf.
   */
  private float bandHigh(int q, double qn, double tolMax) {
    double b = Double.POSITIVE_INFINITY;
    for (int h = 0; h < heaps; h++) {
      if (bound2[h][q] == Double.NEGATIVE_INFINITY) {
        b = Math.min(b, (qn + minBaseNorm - top[h][q].threshold() - 2 * tolMax) / 2);
      }
    }
    if (b == Double.POSITIVE_INFINITY || b > Float.MAX_VALUE) {
      return Float.POSITIVE_INFINITY;
    }
    if (b < -Float.MAX_VALUE) {
      return Float.NEGATIVE_INFINITY;
    }
    // rounded down: a float below it is below the double b
    return Math.nextDown((float) b);
  }

  /**
   * The squared distance above which no heap of block query q wants a pair and no bound counts it:
   * the largest over heaps of max(bound², heap's worst kept value).
   */
  private double skipAbove(int q) {
    double skip = Double.NEGATIVE_INFINITY;
    for (int h = 0; h < heaps; h++) {
      double b = bound2[h][q];
      double t = top[h][q].threshold();
      double m = b > t ? b : t;
      skip = m > skip ? m : skip;
    }
    return skip;
  }

  /** What every query block of one search shares. */
  record KnnInputs(
      LabeledVectors queries,
      LabeledVectors base,
      Mask mask,
      long[][] excluded,
      LabelCodes codes,
      double[] queryNorm,
      double[] baseNorm,
      double minBaseNorm,
      double maxBaseNorm,
      double relTol) {}
}
