package io.hardneg.core.loss;

import io.hardneg.core.distance.Distance;
import io.hardneg.core.inbatch.MinerSpec;
import io.hardneg.core.inbatch.Pairs;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Contrastive loss (Hadsell, Chopra, LeCun 2006, with a positive margin as in
 * pytorch-metric-learning): one term per positive pair, {@code max(0, D(a,p) − M+)}, and one per
 * negative pair, {@code max(0, M− − D(a,n))}, where {@code M± = D(m±)} are the margins given in the
 * metric's own units converted to dissimilarities (for a distance {@code M = m}; for cosine
 * similarity {@code M = −m}, so the terms read {@code max(0, m+ − s)} and {@code max(0, s − m−)}).
 * Both kinds of terms are reduced together; each is attributed to its anchor row. In the fixed
 * layout a triplet gives its pairs {@code (a,p)} and {@code (a,n)}.
 */
public class ContrastiveLoss extends MetricLoss {
  private static final long serialVersionUID = 1L;

  @JsonProperty("posMargin")
  private double posMargin = 0;

  @JsonProperty("negMargin")
  private double negMargin = 1;

  /** For JSON. */
  public ContrastiveLoss() {}

  public ContrastiveLoss(
      Layout layout,
      Distance distance,
      ReducerKind reducer,
      MinerSpec miner,
      double posMargin,
      double negMargin) {
    super(layout, distance, reducer, miner);
    if (!Double.isFinite(posMargin)
        || !Double.isFinite(negMargin)
        || !(distance.toDissimilarity(posMargin) < distance.toDissimilarity(negMargin))) {
      throw new IllegalArgumentException(
          "contrastive margins must be finite with the positive "
              + "margin closer than the negative one (as dissimilarities), got posMargin="
              + posMargin
              + " negMargin="
              + negMargin
              + " for "
              + distance);
    }
    this.posMargin = posMargin;
    this.negMargin = negMargin;
  }

  public double posMargin() {
    return posMargin;
  }

  public double negMargin() {
    return negMargin;
  }

  @Override
  protected Form form() {
    return Form.PAIRS;
  }

  @Override
  protected void addTerms(Terms t) {
    Pairs p = t.pairs();
    double mp = distance.toDissimilarity(posMargin);
    double mn = distance.toDissimilarity(negMargin);
    for (int k = 0; k < p.posAnchor().length; k++) {
      int a = p.posAnchor()[k];
      int j = p.positive()[k];
      double d = t.d(a, j);
      t.addTerm(Math.max(0, d - mp), a);
      if (d - mp > 0) {
        t.addGradient(a, j, d, 1);
      }
    }
    for (int k = 0; k < p.negAnchor().length; k++) {
      int a = p.negAnchor()[k];
      int j = p.negative()[k];
      double d = t.d(a, j);
      t.addTerm(Math.max(0, mn - d), a);
      if (mn - d > 0) {
        t.addGradient(a, j, d, -1);
      }
    }
  }

  @Override
  protected Object[] params() {
    return new Object[] {"posMargin", posMargin, "negMargin", negMargin};
  }
}
