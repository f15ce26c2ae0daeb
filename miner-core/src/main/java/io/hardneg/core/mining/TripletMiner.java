package io.hardneg.core.mining;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.data.VectorMath;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.knn.Mask;
import io.hardneg.core.knn.MaskedKnn;
import io.hardneg.core.knn.Neighbors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Global hard and semi-hard negative mining in class mode, over one exact masked search.
 *
 * <p>For each anchor: draw a positive ({@link PositiveSampler}), compute {@code d(a,p)}, then
 * search the whole base table for (1) the nearest negatives and (2) the nearest negatives with
 * {@code d(a,n) > d(a,p)}, both in one GEMM pass with the label mask in the kernel. Then:
 * <ul>
 *   <li><b>hard</b>: the {@code hardPerAnchor} nearest negatives;
 *   <li><b>semi-hard</b>: up to {@code semiHardPerAnchor} nearest negatives with
 *       {@code d(a,p) < d(a,n) <= d(a,p) + margin}; when there is none, the fallback applies:
 *       {@code skip}, {@code hard} (nearest negatives, kind hard) or {@code nearest-beyond}
 *       (nearest with {@code d(a,n) > d(a,p)}, kind beyond).
 * </ul>
 * A negative already taken for the anchor is not taken twice. Anchors without a positive or
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
    int hardK = Math.max(config.hardPerAnchor(),
        config.fallback() == SemiHardFallback.HARD ? config.semiHardPerAnchor() : 0);
    int beyondK = config.semiHardPerAnchor();
    int k = Math.max(1, Math.max(hardK, beyondK));
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
      Set<Integer> taken = new HashSet<>();
      for (int j = 0; j < Math.min(config.hardPerAnchor(), hard.size()); j++) {
        add(out, stats, taken, i, pos[i], dap[i], hard.index()[j], hard.distance()[j], j,
            NegativeKind.HARD);
      }
      if (config.semiHardPerAnchor() > 0) {
        mineSemiHard(out, stats, taken, i, pos[i], dap[i], hard, found[1][i]);
      }
    }
    return new Result(out, stats);
  }

  private void mineSemiHard(List<MinedTriplet> out, MiningStats stats, Set<Integer> taken,
      int a, int p, double dAp, Neighbors hard, Neighbors beyond) {
    int want = config.semiHardPerAnchor();
    int got = 0;
    for (int j = 0; j < beyond.size() && got < want; j++) {
      double dAn = beyond.distance()[j];
      if (dAn > dAp + config.margin()) {
        break;
      }
      add(out, stats, taken, a, p, dAp, beyond.index()[j], dAn, beyond.atOrBelowBound() + j,
          NegativeKind.SEMIHARD);
      got++;
    }
    if (got > 0) {
      return;
    }
    stats.addNoSemiHard();
    switch (config.fallback()) {
      case SKIP -> { }
      case HARD -> {
        for (int j = 0; j < Math.min(want, hard.size()); j++) {
          add(out, stats, taken, a, p, dAp, hard.index()[j], hard.distance()[j], j,
              NegativeKind.HARD);
        }
      }
      case NEAREST_BEYOND -> {
        for (int j = 0; j < Math.min(want, beyond.size()); j++) {
          add(out, stats, taken, a, p, dAp, beyond.index()[j], beyond.distance()[j],
              beyond.atOrBelowBound() + j, NegativeKind.BEYOND);
        }
      }
      default -> throw new IllegalStateException("unhandled fallback " + config.fallback());
    }
  }

  private static void add(List<MinedTriplet> out, MiningStats stats, Set<Integer> taken, int a,
      int p, double dAp, int neg, double dAn, long rank, NegativeKind kind) {
    if (taken.add(neg)) {
      out.add(new MinedTriplet(a, p, neg, dAp, dAn, rank, kind));
      stats.addTriplet(kind);
    }
  }
}
