package io.hardneg.core.inbatch;

import io.hardneg.core.distance.Distance;
import io.hardneg.core.mining.MinedKind;
import io.hardneg.core.util.Seeds;

/**
 * Distance-weighted sampling (Wu, Manmatha, Smola, Krähenbühl 2017, "Sampling Matters in Deep
 * Embedding Learning"). Pairwise distances of points uniform on the unit sphere in {@code dim}
 * dimensions have density {@code q(d) ∝ d^(dim−2) (1 − d²/4)^((dim−3)/2)}; for every
 * anchor-positive pair {@code (a,p)} one negative is drawn with probability {@code ∝
 * 1/q(max(d(a,n), cutoff))}, restricted to negatives with {@code d(a,n) < nonzeroLossCutoff}
 * (pytorch-metric-learning's {@code DistanceWeightedMiner}; paper symbols: λ = cutoff, the
 * non-zero-loss cutoff is the margin-derived bound). Weights are computed in log space and
 * normalised by their maximum, so no overflow. Needs the {@link Distance#EUCLIDEAN} distance on
 * unit-length embeddings. A pair whose anchor has no negative under the cutoff gets no triplet
 * (counted in {@link InBatchStats#noCandidate()}).
 *
 * <p>Seeding: the uniform draw for {@code (a,p)} is {@code unit(hash(seed, labelHash, a·n+p))}, a
 * function of the seed, the batch's label sequence and the indices only — so the score and the
 * gradient of one batch see the same sample, and a finite-difference check is possible. Two batches
 * with the same label sequence reuse the same uniforms (the drawn negatives still follow their own
 * distances).
 */
public final class DistanceWeightedMiner implements InBatchMiner {
  private final double cutoff;
  private final double nonzeroLossCutoff;
  private final long seed;

  public DistanceWeightedMiner(double cutoff, double nonzeroLossCutoff, long seed) {
    if (!(cutoff >= 0) || !(nonzeroLossCutoff > cutoff) || Double.isInfinite(nonzeroLossCutoff)) {
      throw new IllegalArgumentException(
          "distance-weighted sampling needs 0 <= cutoff < "
              + "nonzeroLossCutoff < inf, got cutoff="
              + cutoff
              + " nonzeroLossCutoff="
              + nonzeroLossCutoff);
    }
    this.cutoff = cutoff;
    this.nonzeroLossCutoff = nonzeroLossCutoff;
    this.seed = seed;
  }

  /** {@code −log q(d)} up to a constant, with {@code d} already clamped to the cutoff. */
  static double logWeight(double d, int dim) {
    double s = Math.max(1 - 0.25 * d * d, 1e-12);
    return (2.0 - dim) * Math.log(d) - ((dim - 3) / 2.0) * Math.log(s);
  }

  @Override
  public Tuples mine(Batch b, InBatchStats stats) {
    if (b.distance() != Distance.EUCLIDEAN) {
      throw new IllegalArgumentException(
          "distance-weighted sampling is defined on the Euclidean "
              + "distance between unit vectors, got "
              + b.distance());
    }
    TripletSink out = new TripletSink(b, stats);
    int n = b.size();
    long labelHash = b.labelHash();
    double[] w = new double[n];
    for (int a : InBatchMiner.usableAnchors(b, stats)) {
      double[] row = b.d()[a];
      double max = Double.NEGATIVE_INFINITY;
      for (int g = 0; g < n; g++) {
        w[g] = Double.NEGATIVE_INFINITY;
        if (b.negative(a, g) && row[g] < nonzeroLossCutoff) {
          w[g] = logWeight(Math.max(row[g], cutoff), b.dim());
          max = Math.max(max, w[g]);
        }
      }
      double total = 0;
      for (int g = 0; g < n; g++) {
        w[g] = w[g] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(w[g] - max);
        total += w[g];
      }
      for (int p = 0; p < n; p++) {
        if (!b.positive(a, p)) {
          continue;
        }
        if (!(total > 0)) {
          stats.addNoCandidate();
          continue;
        }
        double target = Seeds.unit(Seeds.of(seed, labelHash, (long) a * n + p)) * total;
        int pick = -1;
        double acc = 0;
        for (int g = 0; g < n; g++) {
          if (w[g] > 0) {
            pick = g;
            acc += w[g];
            if (acc > target) {
              break;
            }
          }
        }
        out.add(a, p, pick, MinedKind.WEIGHTED);
      }
    }
    return out.tuples();
  }
}
