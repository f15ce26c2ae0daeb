package io.hardneg.core.loss;

import io.hardneg.core.distance.Distance;
import io.hardneg.core.inbatch.MinerSpec;
import io.hardneg.core.inbatch.Pairs;
import io.hardneg.core.inbatch.Triplets;

/**
 * Multi-class N-pair loss (Sohn 2016, "Improved Deep Metric Learning with Multi-class N-pair Loss
 * Objective"), with similarity {@code S = −D} (the inner product of the paper when the metric is
 * cosine on unit vectors). With labels in the batch: each anchor that has a mined positive pair
 * takes its first one, {@code p_a}; the negatives of anchor {@code a} are the chosen positives
 * {@code p_b} of the other anchors with another label (the paper's N pairs from N classes, without
 * assuming one anchor per class). One term per such anchor: {@code log(1 + Σ_b e^(S(a,p_b) −
 * S(a,p_a)))}; anchors left without a negative give no term. In the fixed layout each triplet is an
 * (N+1)-tuplet with one negative: {@code log(1 + e^(D(a,p) − D(a,n)))}. No embedding-norm
 * regulariser (outputs are unit length).
 */
public class NPairLoss extends MetricLoss {
  private static final long serialVersionUID = 1L;

  /** For JSON. */
  public NPairLoss() {}

  public NPairLoss(Layout layout, Distance distance, ReducerKind reducer, MinerSpec miner) {
    super(layout, distance, reducer, miner);
  }

  @Override
  protected Form form() {
    return layout == Layout.TRIPLETS ? Form.TRIPLETS : Form.PAIRS;
  }

  @Override
  protected void addTerms(Terms t) {
    if (layout == Layout.TRIPLETS) {
      Triplets tr = t.triplets();
      for (int k = 0; k < tr.size(); k++) {
        int a = tr.anchor()[k];
        int p = tr.positive()[k];
        int n = tr.negative()[k];
        double dap = t.d(a, p);
        double dan = t.d(a, n);
        double v = dap - dan;
        t.addTerm(softplus(v), a);
        double w = sigmoid(v);
        t.addGradient(a, p, dap, w);
        t.addGradient(a, n, dan, -w);
      }
      return;
    }
    Pairs pairs = t.pairs();
    int rows = t.x().length;
    int[] chosen = new int[rows];
    java.util.Arrays.fill(chosen, -1);
    int[] anchors = new int[rows];
    int na = 0;
    for (int k = 0; k < pairs.posAnchor().length; k++) {
      int a = pairs.posAnchor()[k];
      if (chosen[a] < 0) {
        chosen[a] = pairs.positive()[k];
        anchors[na++] = a;
      }
    }
    long[] labels = t.labels();
    double[] z = new double[na];
    int[] negs = new int[na];
    for (int ia = 0; ia < na; ia++) {
      int a = anchors[ia];
      double dap = t.d(a, chosen[a]);
      int nn = 0;
      double max = 0;
      for (int ib = 0; ib < na; ib++) {
        int b = anchors[ib];
        if (labels[b] != labels[a]) {
          negs[nn] = chosen[b];
          z[nn] = dap - t.d(a, chosen[b]);
          max = Math.max(max, z[nn++]);
        }
      }
      if (nn == 0) {
        continue;
      }
      double sum = Math.exp(-max);
      for (int k = 0; k < nn; k++) {
        sum += Math.exp(z[k] - max);
      }
      double lse = max + Math.log(sum);
      t.addTerm(lse, a);
      for (int k = 0; k < nn; k++) {
        double w = Math.exp(z[k] - lse);
        t.addGradient(a, chosen[a], dap, w);
        t.addGradient(a, negs[k], t.d(a, negs[k]), -w);
      }
    }
  }

  @Override
  protected Object[] params() {
    return new Object[0];
  }
}
