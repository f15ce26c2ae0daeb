package io.hardneg.core.loss;

import io.hardneg.core.distance.Distance;
import io.hardneg.core.inbatch.MinerSpec;
import io.hardneg.core.inbatch.Triplets;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Triplet margin loss, one term per triplet {@code (a,p,n)}: {@code v = D(a,p) − D(a,n) + margin};
 * hinge {@code max(0, v)} (Schroff et al. 2015) or soft-plus {@code log(1 + e^v)} (Hermans et al.
 * 2017's soft margin, used with any margin). With {@code swap} (Balntas et al. 2016, "distance
 * swap"), {@code D(a,n)} is replaced by {@code min(D(a,n), D(p,n))}. Terms are attributed to the
 * anchor row. In the fixed layout with the hinge, the Euclidean distance and the {@code mean}
 * reducer this is {@link TripletMarginLoss} times 3 (that class divides by rows, this one by
 * triplets).
 */
public class TripletLoss extends MetricLoss {
  private static final long serialVersionUID = 1L;

  @JsonProperty("margin")
  private double margin = 0.2;

  @JsonProperty("softplus")
  private boolean softplus;

  @JsonProperty("swap")
  private boolean swap;

  /** For JSON. */
  public TripletLoss() {}

  public TripletLoss(
      Layout layout,
      Distance distance,
      ReducerKind reducer,
      MinerSpec miner,
      double margin,
      boolean softplus,
      boolean swap) {
    super(layout, distance, reducer, miner);
    this.margin = finiteAtLeast("triplet margin", margin, 0);
    this.softplus = softplus;
    this.swap = swap;
  }

  public double margin() {
    return margin;
  }

  public boolean softplus() {
    return softplus;
  }

  public boolean swap() {
    return swap;
  }

  @Override
  protected Form form() {
    return Form.TRIPLETS;
  }

  @Override
  protected void addTerms(Terms t) {
    Triplets tr = t.triplets();
    for (int k = 0; k < tr.size(); k++) {
      int a = tr.anchor()[k];
      int p = tr.positive()[k];
      int n = tr.negative()[k];
      double dap = t.d(a, p);
      double dan = t.d(a, n);
      int na = a; // the row the negative distance is measured from
      if (swap) {
        double dpn = t.d(p, n);
        if (dpn < dan) {
          dan = dpn;
          na = p;
        }
      }
      double v = dap - dan + margin;
      double value = softplus ? softplus(v) : Math.max(0, v);
      double slope = softplus ? sigmoid(v) : (v > 0 ? 1 : 0);
      t.addTerm(value, a);
      if (slope != 0) {
        t.addGradient(a, p, dap, slope);
        t.addGradient(na, n, dan, -slope);
      }
    }
  }

  @Override
  protected Object[] params() {
    return new Object[] {"margin", margin, "softplus", softplus, "swap", swap};
  }
}
