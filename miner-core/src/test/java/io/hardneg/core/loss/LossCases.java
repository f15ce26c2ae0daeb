package io.hardneg.core.loss;

import io.hardneg.core.distance.Distance;
import io.hardneg.core.fixtures.RandomVectors;
import io.hardneg.core.inbatch.MinerKind;
import io.hardneg.core.inbatch.MinerSpec;
import io.hardneg.core.mining.SemiHardFallback;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Shared fixtures of the loss tests: one configured loss of every kind, in both layouts. */
final class LossCases {
  private LossCases() {}

  static MinerSpec miner(MinerKind k) {
    return new MinerSpec(k, 0.3, SemiHardFallback.NEAREST_BEYOND, 0.1, 0.5, 1.4, 0.5, 3);
  }

  /** Every loss kind with a representative miner, in the given layout. */
  static List<MetricLoss> everyLoss(Layout layout) {
    List<MetricLoss> l = new ArrayList<>();
    l.add(
        new TripletLoss(
            layout,
            Distance.EUCLIDEAN,
            ReducerKind.MEAN,
            miner(MinerKind.BATCH_HARD),
            0.3,
            false,
            false));
    l.add(
        new TripletLoss(
            layout,
            Distance.COSINE,
            ReducerKind.MEAN_NONZERO,
            miner(MinerKind.SEMI_HARD),
            0.2,
            false,
            true));
    l.add(
        new TripletLoss(
            layout,
            Distance.SQUARED_EUCLIDEAN,
            ReducerKind.MEAN,
            miner(MinerKind.BATCH_ALL),
            0.2,
            true,
            false));
    l.add(
        new TripletLoss(
            layout,
            Distance.EUCLIDEAN,
            ReducerKind.MEAN_NONZERO,
            miner(MinerKind.DISTANCE_WEIGHTED),
            0.2,
            false,
            false));
    l.add(
        new TripletLoss(
            layout,
            Distance.EUCLIDEAN,
            ReducerKind.MEAN,
            miner(MinerKind.HARDEST_FRACTION),
            0.2,
            true,
            true));
    l.add(
        new ContrastiveLoss(
            layout, Distance.EUCLIDEAN, ReducerKind.MEAN_NONZERO, miner(MinerKind.ALL), 0.1, 1.2));
    l.add(
        new ContrastiveLoss(
            layout, Distance.COSINE, ReducerKind.MEAN, miner(MinerKind.BATCH_HARD), 0.9, 0.1));
    l.add(
        new MultiSimilarityLoss(
            layout,
            Distance.COSINE,
            ReducerKind.MEAN,
            miner(MinerKind.MULTI_SIMILARITY),
            2,
            10,
            0.5));
    l.add(
        new MultiSimilarityLoss(
            layout, Distance.EUCLIDEAN, ReducerKind.MEAN, miner(MinerKind.ALL), 2, 10, 0.8));
    l.add(new NPairLoss(layout, Distance.COSINE, ReducerKind.MEAN, miner(MinerKind.ALL)));
    l.add(
        new NPairLoss(
            layout, Distance.EUCLIDEAN, ReducerKind.MEAN, miner(MinerKind.MULTI_SIMILARITY)));
    l.add(new TripletCenterLoss(layout, Distance.EUCLIDEAN, ReducerKind.MEAN, 0.5, 0));
    return l;
  }

  static INDArray gaussian(int rows, int cols, long seed) {
    return Nd4j.create(RandomVectors.gaussian(new Random(seed), rows, cols));
  }

  /** Class ids as an [n,1] column: P classes of K rows, shuffled by the seed. */
  static INDArray classColumn(int p, int k, long seed) {
    List<Integer> l = new ArrayList<>();
    for (int c = 0; c < p; c++) {
      for (int i = 0; i < k; i++) {
        l.add(c);
      }
    }
    java.util.Collections.shuffle(l, new Random(seed));
    double[] v = l.stream().mapToDouble(Integer::doubleValue).toArray();
    return Nd4j.create(v, new long[] {v.length, 1}, 'c');
  }
}
