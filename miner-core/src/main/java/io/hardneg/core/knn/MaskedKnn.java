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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Exact k-nearest-neighbour search with the label mask inside the kernel: query and base are cut
 * into tiles, each tile pair is one GEMM {@code Q·Bᵀ}, and every score is checked against the
 * {@link Mask} before it may enter a bounded heap. Distances come from {@code |q|² + |b|² − 2 q·b};
 * the kept neighbours' distances are then recomputed in double precision from the vectors, and
 * re-ranked, so reported distances do not depend on tiling.
 *
 * <p>Each call may carry several <em>lower bounds</em> per query; for each one the kernel keeps its
 * own heap of the k nearest admissible items with distance strictly greater than the bound (a
 * {@code null} bound means none). One GEMM pass serves them all: mining asks for the hardest
 * negatives (no bound) and the nearest negatives beyond {@code d(a,p)} (bound {@code d(a,p)}) at
 * once.
 */
public final class MaskedKnn {
  private MaskedKnn() {}

  /**
   * Searches {@code base} for every row of {@code queries}.
   *
   * @param lowerBounds one array per heap, each of length {@code queries.size()}, or null
   * @return {@code result[h][q]}: neighbours of query q under bound h
   */
  public static Neighbors[][] search(
      LabeledVectors queries,
      LabeledVectors base,
      Mask mask,
      KnnOptions opt,
      double[]... lowerBounds) {
    return search(queries, base, mask, null, opt, lowerBounds);
  }

  /**
   * Like {@link #search(LabeledVectors, LabeledVectors, Mask, KnnOptions, double[]...)}, with
   * per-query exclusions also applied inside the kernel: {@code excluded[q]} is a sorted array of
   * base ids query q may not return (pair mode: the anchor's known positives), or null.
   */
  public static Neighbors[][] search(
      LabeledVectors queries,
      LabeledVectors base,
      Mask mask,
      long[][] excluded,
      KnnOptions opt,
      double[]... lowerBounds) {
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
    // rounding of |q|²+|b|²−2q·b relative to the norms: float GEMM ~1e-7 per term, summed over dim
    double relTol = (opt.precision() == DataType.FLOAT ? 1e-6 : 1e-14) * Math.max(8, dim);
    // the counted band serves bounded heaps of a float OTHER_LABEL search (mining's semi-hard
    // heap); evaluation (SELF, no bound, double) never takes it
    boolean bounded = Arrays.stream(bounds).anyMatch(b -> b != null);
    LabelCodes codes =
        mask == Mask.OTHER_LABEL && bounded && opt.precision() == DataType.FLOAT && !noBand()
            ? LabelCodes.of(queries, base)
            : null;
    QueryBlockScan.KnnInputs in =
        new QueryBlockScan.KnnInputs(
            queries,
            base,
            mask,
            excluded,
            codes,
            queryNorm,
            baseNorm,
            minBaseNorm,
            maxBaseNorm,
            relTol);
    // base tiles are built once per call and every score tile is written into a reused buffer:
    // allocating fresh off-heap arrays per tile makes ND4J/JavaCPP trigger garbage collections
    // and ran the GEMM ~10x below its rate
    List<INDArray> baseTiles = new ArrayList<>();
    Map<Long, INDArray> scoreBuffers = new HashMap<>();
    // the off-heap arrays are freed when the call ends: left to the garbage collector, a list
    // search's thousands of small calls piled them up until JavaCPP forced collections
    try {
      for (int b0 = 0; b0 < base.size(); b0 += opt.baseBlock()) {
        baseTiles.add(
            tile(base.values(), b0, Math.min(base.size(), b0 + opt.baseBlock()), dim, opt));
      }
      for (int q0 = 0; q0 < nq; q0 += opt.queryBlock()) {
        int q1 = Math.min(nq, q0 + opt.queryBlock());
        INDArray qt = tile(queries.values(), q0, q1, dim, opt);
        try {
          searchBlock(in, qt, q0, q1, baseTiles, scoreBuffers, bounds, opt, out);
        } finally {
          free(qt);
        }
      }
    } finally {
      baseTiles.forEach(MaskedKnn::free);
      scoreBuffers.values().forEach(MaskedKnn::free);
    }
    return out;
  }

  /** One block of queries against every base tile, then each query's exact re-rank. */
  private static void searchBlock(
      QueryBlockScan.KnnInputs in,
      INDArray qt,
      int q0,
      int q1,
      List<INDArray> baseTiles,
      Map<Long, INDArray> scoreBuffers,
      double[][] bounds,
      KnnOptions opt,
      Neighbors[][] out) {
    LabeledVectors queries = in.queries();
    LabeledVectors base = in.base();
    int heaps = bounds.length;
    int bq = q1 - q0;
    QueryBlockScan scan = new QueryBlockScan(in, q0, q1, bounds, opt.k(), opt.baseBlock());
    for (int b0 = 0; b0 < base.size(); b0 += opt.baseBlock()) {
      int b1 = Math.min(base.size(), b0 + opt.baseBlock());
      INDArray bt = baseTiles.get(b0 / opt.baseBlock());
      long rows = bq;
      long cols = b1 - b0;
      INDArray scores =
          scoreBuffers.computeIfAbsent(
              (rows << 32) | cols, x -> Nd4j.create(opt.precision(), rows, cols));
      Nd4j.gemm(qt, bt, scores, false, true, 1.0, 0.0);
      // read through a NIO view of the off-heap tile, one row copied at a time
      FloatBuffer sf = opt.precision() == DataType.FLOAT ? scores.data().asNioFloat() : null;
      DoubleBuffer sd = sf == null ? scores.data().asNioDouble() : null;
      for (int q = 0; q < bq; q++) {
        scan.scanRow(q, sf, sd, b0, b1 - b0);
      }
    }
    for (int q = 0; q < bq; q++) {
      int qi = q0 + q;
      int[][] kept = new int[heaps][];
      for (int h = 0; h < heaps; h++) {
        kept[h] = scan.kept(h, q);
      }
      double[][] dist = exactDistances(queries, qi, base, kept);
      for (int h = 0; h < heaps; h++) {
        double bound = bounds[h] == null ? Double.NEGATIVE_INFINITY : bounds[h][qi];
        out[h][qi] = exactRerank(kept[h], dist[h], opt.k(), bound, scan.within(h, q));
      }
    }
  }

  /** Releases an array's off-heap memory now. */
  private static void free(INDArray a) {
    if (a.closeable()) {
      a.close();
    }
  }

  /**
   * {@code -Dhardneg.knn.noBand=true} turns the counted band off (every admissible score inside a
   * bound is visited): the reference the tests and the kernel bench compare it with.
   */
  private static boolean noBand() {
    return Boolean.getBoolean("hardneg.knn.noBand");
  }

  private static INDArray tile(float[] values, int r0, int r1, int dim, KnnOptions opt) {
    float[] part = Arrays.copyOfRange(values, r0 * dim, r1 * dim);
    INDArray t = Nd4j.create(part, new long[] {r1 - r0, dim}, 'c');
    if (t.dataType() == opt.precision()) {
      return t;
    }
    INDArray cast = t.castTo(opt.precision());
    free(t);
    return cast;
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
   * The exact distances of query qi to each heap's candidates, in the candidates' order. The heaps
   * of one query mostly hold the same rows: with several, each distinct row's distance is computed
   * once (through their sorted union).
   */
  private static double[][] exactDistances(
      LabeledVectors queries, int qi, LabeledVectors base, int[][] kept) {
    int dim = base.dim();
    double[][] out = new double[kept.length][];
    if (kept.length == 1) {
      int[] cand = kept[0];
      double[] d = new double[cand.length];
      for (int i = 0; i < cand.length; i++) {
        d[i] = VectorMath.distance(queries.values(), qi, base.values(), cand[i], dim);
      }
      out[0] = d;
      return out;
    }
    int[] rowsOf = Arrays.stream(kept).flatMapToInt(Arrays::stream).sorted().distinct().toArray();
    double[] dist = new double[rowsOf.length];
    for (int i = 0; i < rowsOf.length; i++) {
      dist[i] = VectorMath.distance(queries.values(), qi, base.values(), rowsOf[i], dim);
    }
    for (int h = 0; h < kept.length; h++) {
      double[] d = new double[kept[h].length];
      for (int i = 0; i < d.length; i++) {
        d[i] = dist[Arrays.binarySearch(rowsOf, kept[h][i])];
      }
      out[h] = d;
    }
    return out;
  }

  /**
   * Ranks the candidates by (exact distance {@code d[i]}, row), drops any that the exact distance
   * puts at or below the bound (counting them as within) and keeps k. Sorts both arrays in place:
   * they are this query's own copies ({@link ApproxTopK#candidates}, {@link #exactDistances}).
   */
  private static Neighbors exactRerank(
      int[] candidates, double[] d, int k, double bound, long within) {
    int n0 = candidates.length;
    // a primitive sort of (distance, row) pairs: boxed indices under a comparator were a fifth of
    // the evaluation's Java time (k = R there, hundreds per query)
    double[] sd = d;
    int[] sc = candidates;
    RankSort.sort(sd, sc);
    int[] idx = new int[Math.min(k, n0)];
    double[] out = new double[idx.length];
    int n = 0;
    long extraWithin = 0;
    for (int o = 0; o < n0 && n < k; o++) {
      if (sd[o] <= bound) {
        extraWithin++;
        continue;
      }
      idx[n] = sc[o];
      out[n] = sd[o];
      n++;
    }
    return new Neighbors(Arrays.copyOf(idx, n), Arrays.copyOf(out, n), within + extraWithin);
  }
}
