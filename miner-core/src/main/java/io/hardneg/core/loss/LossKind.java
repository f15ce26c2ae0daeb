package io.hardneg.core.loss;

import java.util.Locale;

/** The metric losses {@link LossFactory} builds. */
public enum LossKind {
  /** {@link TripletLoss}: hinge or soft-plus, optional distance swap. */
  TRIPLET("triplet"),
  /** {@link ContrastiveLoss}: positive and negative margins. */
  CONTRASTIVE("contrastive"),
  /** {@link MultiSimilarityLoss}: α, β, base λ. */
  MULTI_SIMILARITY("multi-similarity"),
  /** {@link NPairLoss}: multi-class N-pair (Sohn 2016). */
  NPAIR("n-pair"),
  /** {@link TripletCenterLoss}: running-mean class centres (He et al. 2018). */
  TRIPLET_CENTER("triplet-center");

  private final String label;

  LossKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static LossKind parse(String s) {
    String k = s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (LossKind l : values()) {
      if (l.label.equals(k) || l.label.replace("-", "").equals(k.replace("-", ""))) {
        return l;
      }
    }
    throw new IllegalArgumentException(
        "unknown loss '"
            + s
            + "' (expected triplet | contrastive"
            + " | multi-similarity | n-pair | triplet-center)");
  }
}
