package io.hardneg.core.knn;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.data.VectorMath;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Comparator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Exact k-nearest-neighbour search with the label mask inside the kernel: query and base are cut
 * into tiles, each tile pair is one GEMM {@code Q·Bᵀ}, and every score is checked against the
 * {@link Mask} before it may enter a bounded heap. Distances come from
 * {@code |q|² + |b|² − 2 q·b}; the kept neighbours' distances are then recomputed in double
 * precision from the vectors, and re-ranked, so reported distances do not depend on tiling.
 *
 * <p>Each call may carry several <em>lower bounds</em> per query; for each one the kernel keeps
 * its own heap of the k nearest admissible items with distance strictly greater than the bound
 * (a {@code null} bound means none). One GEMM pass serves them all: mining asks for the hardest
 * negatives (no bound) and the nearest negatives beyond {@code d(a,p)} (bound {@code d(a,p)})
 * at once.
 */
public final class MaskedKnn {
  private MaskedKnn() {}

  /**
   * Searches {@code base} for every row of {@code queries}.
   *
   * @param lowerBounds one array per heap, each of length {@code queries.size()}, or null
   * @return {@code result[h][q]}: neighbours of query q under bound h
   */
  public static Neighbors[][] search(LabeledVectors queries, LabeledVectors base, Mask mask,
      KnnOptions opt, double[]... lowerBounds) {
    return search(queries, base, mask, null, opt, lowerBounds);
  }

  /**
   * Like {@link #search(LabeledVectors, LabeledVectors, Mask, KnnOptions, double[]...)}, with
   * per-query exclusions also applied inside the kernel: {@code excluded[q]} is a sorted array of
   * base ids query q may not return (pair mode: the anchor's known positives), or null.
   */
  public static Neighbors[][] search(LabeledVectors queries, LabeledVectors base, Mask mask,
      long[][] excluded, KnnOptions opt, double[]... lowerBounds) {
    if (queries.dim() != base.dim()) {
      throw new IllegalArgumentException(
          "query and base dimensions differ: " + queries.dim() + " != " + base.dim());
    }
    double[][] bounds = lowerBounds.length == 0 ? new double[][] {null} : lowerBounds;
    int nq = queries.size();
    for (double[] b : bounds) {
      if (b != null && b.length != nq) {
        throw new IllegalArgumentException(
            "lower bound length " + b.length + " != number of queries " + nq);
      }
    }
    if (excluded != null && excluded.length != nq) {
      throw new IllegalArgumentException(
          "exclusion lists " + excluded.length + " != number of queries " + nq);
    }
    int heaps = bounds.length;
    Neighbors[][] out = new Neighbors[heaps][nq];
    if (nq == 0) {
      return out;
    }
    int dim = base.dim();
    double[] baseNorm = squaredNorms(base);
    double[] queryNorm = squaredNorms(queries);
    double maxBaseNorm = 0;
    double minBaseNorm = Double.POSITIVE_INFINITY;
    for (double n : baseNorm) {
      maxBaseNorm = Math.max(maxBaseNorm, n);
      minBaseNorm = Math.min(minBaseNorm, n);
    }
    // one row of scores at a time, and the columns that pass the pre-filter
    float[] rowF = new float[opt.baseBlock()];
    double[] rowD = new double[opt.baseBlock()];
    int[] cand = new int[opt.baseBlock()];
    // rounding of |q|²+|b|²−2q·b relative to the norms: float GEMM ~1e-7 per term, summed over dim
    double relTol = (opt.precision() == DataType.FLOAT ? 1e-6 : 1e-14) * Math.max(8, dim);
    // base tiles are built once per call and every score tile is written into a reused buffer:
    // allocating fresh off-heap arrays per tile makes ND4J/JavaCPP trigger garbage collections
    // and ran the GEMM ~10x below its rate
    List<INDArray> baseTiles = new ArrayList<>();
    for (int b0 = 0; b0 < base.size(); b0 += opt.baseBlock()) {
      baseTiles.add(tile(base.values(), b0, Math.min(base.size(), b0 + opt.baseBlock()), dim, opt));
    }
    Map<Long, INDArray> scoreBuffers = new HashMap<>();
    for (int q0 = 0; q0 < nq; q0 += opt.queryBlock()) {
      int q1 = Math.min(nq, q0 + opt.queryBlock());
      int bq = q1 - q0;
      TopKHeap[][] heap = new TopKHeap[heaps][bq];
      long[][] within = new long[heaps][bq];
      double[][] bound2 = new double[heaps][bq];
      for (int h = 0; h < heaps; h++) {
        for (int q = 0; q < bq; q++) {
          heap[h][q] = new TopKHeap(opt.k());
          double b = bounds[h] == null ? Double.NEGATIVE_INFINITY : bounds[h][q0 + q];
          bound2[h][q] = b < 0 ? Double.NEGATIVE_INFINITY : b * b;
        }
      }
      INDArray qt = tile(queries.values(), q0, q1, dim, opt);
      for (int b0 = 0; b0 < base.size(); b0 += opt.baseBlock()) {
        int b1 = Math.min(base.size(), b0 + opt.baseBlock());
        INDArray bt = baseTiles.get(b0 / opt.baseBlock());
        long rows = bq;
        long cols = b1 - b0;
        INDArray scores = scoreBuffers.computeIfAbsent((rows << 32) | cols,
            x -> Nd4j.create(opt.precision(), rows, cols));
        Nd4j.gemm(qt, bt, scores, false, true, 1.0, 0.0);
        // read the scores in place (no copy of the tile into a Java array)
        FloatBuffer sf = opt.precision() == DataType.FLOAT ? scores.data().asNioFloat() : null;
        DoubleBuffer sd = sf == null ? scores.data().asNioDouble() : null;
        int bb = b1 - b0;
        for (int q = 0; q < bq; q++) {
          int qi = q0 + q;
          long qid = queries.ids()[qi];
          long ql = queries.labels()[qi];
          double qn = queryNorm[qi];
          long[] ex = excluded == null ? null : excluded[qi];
          int row = q * bb;
          double tolMax = relTol * (qn + maxBaseNorm);
          double skip = skipAbove(heap, bound2, q, heaps) + tolMax;
          // pre-filter on the raw score: d² = |q|² + |b|² − 2s > skip whenever
          // s < (|q|² + min|b|² − skip) / 2, so only scores at or above that cut are looked at
          double sCut = (qn + minBaseNorm - skip) / 2;
          int nc = 0;
          if (sf != null) {
            sf.get(row, rowF, 0, bb);
            // rounded down so that no score at or above the double cut is lost
            float cut = Math.nextDown(
                (float) Math.max(-Float.MAX_VALUE, Math.min(Float.MAX_VALUE, sCut)));
            for (int j = 0; j < bb; j++) {
              if (rowF[j] >= cut) {
                cand[nc++] = j;
              }
            }
          } else {
            sd.get(row, rowD, 0, bb);
            for (int j = 0; j < bb; j++) {
              if (rowD[j] >= sCut) {
                cand[nc++] = j;
              }
            }
          }
          for (int c = 0; c < nc; c++) {
            int j = cand[c];
            int bi = b0 + j;
            double sc = sf != null ? rowF[j] : rowD[j];
            double d2 = qn + baseNorm[bi] - 2.0 * sc;
            if (d2 > skip) {
              continue; // no heap wants it and it is above every bound: the common case
            }
            if (!mask.admits(qid, ql, base.ids()[bi], base.labels()[bi])
                || (ex != null && Arrays.binarySearch(ex, base.ids()[bi]) >= 0)) {
              continue;
            }
            d2 = Math.max(0.0, d2);
            double tol = relTol * (qn + baseNorm[bi]);
            double exact = -1; // computed only for heap candidates and near-bound pairs
            boolean changed = false;
            for (int h = 0; h < heaps; h++) {
              double b2 = bound2[h][q];
              TopKHeap hp = heap[h][q];
              if (d2 > b2 + tol && d2 > hp.threshold() + tol) {
                continue; // clearly beyond the bound and clearly worse than the heap's worst
              }
              if (d2 < b2 - tol) {
                within[h][q]++; // clearly at or below the bound
                continue;
              }
              // a heap candidate or too close to the bound to call: judge with the exact
              // double-precision distance (heaps hold exact values only), so results do not
              // depend on how the GEMM was tiled
              if (exact < 0) {
                exact = VectorMath.squaredDistance(queries.values(), qi, base.values(), bi, dim);
              }
              if (exact <= b2) {
                within[h][q]++;
              } else if (hp.accepts(exact, bi)) {
                hp.offer(exact, bi);
                changed = true;
              }
            }
            if (changed) {
              skip = skipAbove(heap, bound2, q, heaps) + tolMax;
            }
          }
        }
      }
      for (int h = 0; h < heaps; h++) {
        for (int q = 0; q < bq; q++) {
          int qi = q0 + q;
          double bound = bounds[h] == null ? Double.NEGATIVE_INFINITY : bounds[h][qi];
          out[h][qi] = exactRerank(queries, qi, base, heap[h][q].indices(), bound, within[h][q]);
        }
      }
    }
    return out;
  }

  /**
   * The squared distance above which no heap of query q wants a pair and no bound counts it:
   * the largest over heaps of max(bound², heap's worst kept value).
   */
  private static double skipAbove(TopKHeap[][] heap, double[][] bound2, int q, int heaps) {
    double skip = Double.NEGATIVE_INFINITY;
    for (int h = 0; h < heaps; h++) {
      skip = Math.max(skip, Math.max(bound2[h][q], heap[h][q].threshold()));
    }
    return skip;
  }

  private static INDArray tile(float[] values, int r0, int r1, int dim, KnnOptions opt) {
    float[] part = Arrays.copyOfRange(values, r0 * dim, r1 * dim);
    INDArray t = Nd4j.create(part, new long[] {r1 - r0, dim}, 'c');
    return t.dataType() == opt.precision() ? t : t.castTo(opt.precision());
  }

  private static double[] squaredNorms(LabeledVectors t) {
    double[] n = new double[t.size()];
    float[] v = t.values();
    int dim = t.dim();
    for (int i = 0; i < n.length; i++) {
      double ss = 0;
      for (int j = 0; j < dim; j++) {
        double x = v[i * dim + j];
        ss += x * x;
      }
      n[i] = ss;
    }
    return n;
  }

  /**
   * Recomputes the kept candidates' distances in double, drops any that the exact distance puts
   * at or below the bound (counting them as within), and sorts by (distance, index).
   */
  private static Neighbors exactRerank(LabeledVectors queries, int qi, LabeledVectors base,
      int[] candidates, double bound, long within) {
    int dim = base.dim();
    Integer[] order = new Integer[candidates.length];
    double[] d = new double[candidates.length];
    for (int i = 0; i < candidates.length; i++) {
      order[i] = i;
      d[i] = VectorMath.distance(queries.values(), qi, base.values(), candidates[i], dim);
    }
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> d[i]).thenComparingInt(i -> candidates[i]));
    int[] idx = new int[candidates.length];
    double[] dist = new double[candidates.length];
    int n = 0;
    long extraWithin = 0;
    for (Integer o : order) {
      if (d[o] <= bound) {
        extraWithin++;
        continue;
      }
      idx[n] = candidates[o];
      dist[n] = d[o];
      n++;
    }
    return new Neighbors(Arrays.copyOf(idx, n), Arrays.copyOf(dist, n), within + extraWithin);
  }
}
