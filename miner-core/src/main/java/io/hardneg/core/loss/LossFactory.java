package io.hardneg.core.loss;

import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Builds the DL4J loss for a {@link LossSpec} and a {@link Layout}: put the result in the output
 * layer ({@code new OutputLayer.Builder(LossFactory.create(spec, layout))}) with the
 * {@link io.hardneg.core.model.ActivationL2Normalize} activation. In the {@link Layout#TRIPLETS}
 * layout the miner is not used (the triplets are given).
 */
public final class LossFactory {
  private LossFactory() {}

  public static MetricLoss create(LossSpec s, Layout layout) {
    return switch (s.loss()) {
      case TRIPLET -> new TripletLoss(layout, s.distance(), s.reducer(), s.minerSpec(),
          s.margin(), s.softplus(), s.swap());
      case CONTRASTIVE -> new ContrastiveLoss(layout, s.distance(), s.reducer(), s.minerSpec(),
          s.posMargin(), s.negMargin());
      case MULTI_SIMILARITY -> new MultiSimilarityLoss(layout, s.distance(), s.reducer(),
          s.minerSpec(), s.alpha(), s.beta(), s.base());
      case NPAIR -> new NPairLoss(layout, s.distance(), s.reducer(), s.minerSpec());
      case TRIPLET_CENTER -> new TripletCenterLoss(layout, s.distance(), s.reducer(), s.margin(),
          s.centerMomentum());
    };
  }

  /** Same, typed as DL4J's interface. */
  public static ILossFunction createLoss(LossSpec s, Layout layout) {
    return create(s, layout);
  }
}
