package io.hardneg.core.mining;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.data.VectorMath;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.knn.Mask;
import io.hardneg.core.knn.MaskedKnn;
import io.hardneg.core.knn.Neighbors;
import java.util.ArrayList;
import java.util.List;

/**
 * Global triplet mining in class mode over one exact masked search, in one JVM.
 *
 * <p>For each anchor: draw a positive ({@link PositiveSampler}), compute {@code d(a,p)}, then
 * search the whole base table for (1) the nearest negatives and (2) the nearest negatives with
 * {@code d(a,n) > d(a,p)}, both in one GEMM pass with the label mask in the kernel, and hand
 * both lists to {@link NegativeSelector}, which states the rules. Anchors without a positive or
 * without any negative are counted in {@link MiningStats} and produce no triplet.
 */
public final class TripletMiner {
  private final MiningConfig config;
  private final KnnOptions knn;

  public TripletMiner(MiningConfig config, KnnOptions knn) {
    this.config = config;
    this.knn = knn;
  }

  /** Result of one mining call. */
  public record Result(List<MinedTriplet> triplets, MiningStats stats) {}

  /**
   * Mines triplets for every row of {@code anchors} against {@code base} (anchors may be rows of
   * base; the anchor's own id is never its positive or negative).
   */
  public Result mine(LabeledVectors anchors, LabeledVectors base, PositiveSampler positives,
      int round) {
    if (anchors.dim() != base.dim()) {
      throw new IllegalArgumentException(
          "anchor and base dimensions differ: " + anchors.dim() + " != " + base.dim());
    }
    MiningStats stats = new MiningStats();
    int n = anchors.size();
    int[] pos = new int[n];
    double[] dap = new double[n];
    for (int i = 0; i < n; i++) {
      stats.addAnchor();
      pos[i] = positives.sample(anchors.ids()[i], anchors.labels()[i], config.seed(), round);
      // without a positive the bound is +inf: the beyond-heap stays empty, the anchor is skipped
      dap[i] = pos[i] < 0 ? Double.POSITIVE_INFINITY
          : VectorMath.distance(anchors.values(), i, base.values(), pos[i], base.dim());
    }
    int k = Math.max(config.nearestNeeded(), config.beyondNeeded());
    Neighbors[][] found = MaskedKnn.search(anchors, base, Mask.OTHER_LABEL,
        new KnnOptions(k, knn.queryBlock(), knn.baseBlock(), knn.precision()), null, dap);
    List<MinedTriplet> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (pos[i] < 0) {
        stats.addNoPositive();
        continue;
      }
      Neighbors hard = found[0][i];
      if (hard.size() == 0) {
        stats.addNoNegative();
        continue;
      }
      for (NegativeSelector.Pick p : NegativeSelector.select(config, dap[i],
          candidates(hard, base, config.nearestNeeded()),
          candidates(found[1][i], base, config.beyondNeeded()), stats)) {
        out.add(new MinedTriplet(i, pos[i], (int) p.key(), dap[i], p.dAn(), p.rank(), p.kind()));
        stats.addTriplet(p.kind());
      }
    }
    return new Result(out, stats);
  }

  /** The first {@code k} search results, keyed by base row. */
  private static NegativeSelector.Candidates candidates(Neighbors n, LabeledVectors base, int k) {
    int size = Math.min(k, n.size());
    long[] keys = new long[size];
    long[] labels = new long[size];
    for (int j = 0; j < size; j++) {
      keys[j] = n.index()[j];
      labels[j] = base.labels()[n.index()[j]];
    }
    return new NegativeSelector.Candidates(keys, labels,
        java.util.Arrays.copyOf(n.distance(), size), n.atOrBelowBound());
  }
}
