package io.hardneg.core.loss;

import io.hardneg.core.distance.Distance;
import io.hardneg.core.inbatch.MinerSpec;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Builds the DL4J loss for a {@link LossSpec} and a {@link Layout}: put the result in the output
 * layer ({@code new OutputLayer.Builder(LossFactory.create(spec, layout))}) with the {@link
 * io.hardneg.core.model.ActivationL2Normalize} activation. In the {@link Layout#TRIPLETS} layout
 * the miner is not used (the triplets are given).
 */
public final class LossFactory {
  private LossFactory() {}

  public static MetricLoss create(LossSpec s, Layout layout) {
    return build(
        s.loss(),
        layout,
        s.distance(),
        s.reducer(),
        s.minerSpec(),
        s.margin(),
        s.softplus(),
        s.swap(),
        s.posMargin(),
        s.negMargin(),
        s.alpha(),
        s.beta(),
        s.base(),
        s.centerMomentum());
  }

  /** The one place each loss is constructed (LossSpec's constructor validates through it). */
  static MetricLoss build(
      LossKind kind,
      Layout layout,
      Distance distance,
      ReducerKind reducer,
      MinerSpec miner,
      double margin,
      boolean softplus,
      boolean swap,
      double posMargin,
      double negMargin,
      double alpha,
      double beta,
      double base,
      double centerMomentum) {
    return switch (kind) {
      case TRIPLET -> new TripletLoss(layout, distance, reducer, miner, margin, softplus, swap);
      case CONTRASTIVE ->
          new ContrastiveLoss(layout, distance, reducer, miner, posMargin, negMargin);
      case MULTI_SIMILARITY ->
          new MultiSimilarityLoss(layout, distance, reducer, miner, alpha, beta, base);
      case NPAIR -> new NPairLoss(layout, distance, reducer, miner);
      case TRIPLET_CENTER ->
          new TripletCenterLoss(layout, distance, reducer, margin, centerMomentum);
    };
  }

  /** Same, typed as DL4J's interface. */
  public static ILossFunction createLoss(LossSpec s, Layout layout) {
    return create(s, layout);
  }
}
