package io.hardneg.core.loss;

import io.hardneg.core.distance.Distance;
import io.hardneg.core.inbatch.MinerSpec;
import io.hardneg.core.inbatch.Pairs;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Multi-similarity loss (Wang, Han, Huang, Dong, Scott 2019), one term per anchor that has mined
 * pairs. Written for a similarity {@code s} with base λ: {@code L_a = (1/α) log(1 + Σ_p e^(−α(s_ap
 * − λ))) + (1/β) log(1 + Σ_n e^(β(s_an − λ)))}. On the dissimilarity {@code D} with {@code Λ =
 * D(λ)} (λ in the metric's own units), which is the same formula for cosine and holds for any
 * metric: {@code (1/α) log(1 + Σ_p e^(α(D_ap − Λ))) + (1/β) log(1 + Σ_n e^(β(Λ − D_an)))}
 * (pytorch-metric-learning's {@code distance.margin}). Log-sum-exp is computed stably. Use with the
 * multi-similarity miner for the paper's method; in the fixed layout each anchor has its one
 * positive and one negative.
 */
public class MultiSimilarityLoss extends MetricLoss {
  private static final long serialVersionUID = 1L;

  @JsonProperty("alpha")
  private double alpha = 2;

  @JsonProperty("beta")
  private double beta = 50;

  @JsonProperty("base")
  private double base = 0.5;

  /** For JSON. */
  public MultiSimilarityLoss() {}

  public MultiSimilarityLoss(
      Layout layout,
      Distance distance,
      ReducerKind reducer,
      MinerSpec miner,
      double alpha,
      double beta,
      double base) {
    super(layout, distance, reducer, miner);
    if (!(alpha > 0)
        || !(beta > 0)
        || Double.isInfinite(alpha)
        || Double.isInfinite(beta)
        || !Double.isFinite(base)) {
      throw new IllegalArgumentException(
          "multi-similarity needs finite alpha > 0, beta > 0 and "
              + "a finite base, got alpha="
              + alpha
              + " beta="
              + beta
              + " base="
              + base);
    }
    this.alpha = alpha;
    this.beta = beta;
    this.base = base;
  }

  public double alpha() {
    return alpha;
  }

  public double beta() {
    return beta;
  }

  public double base() {
    return base;
  }

  @Override
  protected Form form() {
    return Form.PAIRS;
  }

  @Override
  protected void addTerms(Terms t) {
    Pairs p = t.pairs();
    int rows = t.x().length;
    int np = p.posAnchor().length;
    int total = np + p.negAnchor().length;
    // group the pairs by anchor (counting sort): other row and sign (+1 positive, −1 negative)
    int[] start = new int[rows + 1];
    for (int a : p.posAnchor()) {
      start[a + 1]++;
    }
    for (int a : p.negAnchor()) {
      start[a + 1]++;
    }
    for (int a = 0; a < rows; a++) {
      start[a + 1] += start[a];
    }
    int[] fill = start.clone();
    int[] other = new int[total];
    boolean[] positive = new boolean[total];
    for (int k = 0; k < total; k++) {
      int a = k < np ? p.posAnchor()[k] : p.negAnchor()[k - np];
      int f = fill[a]++;
      other[f] = k < np ? p.positive()[k] : p.negative()[k - np];
      positive[f] = k < np;
    }
    double lam = distance.toDissimilarity(base);
    double[] d = new double[total];
    double[] z = new double[total];
    for (int a = 0; a < rows; a++) {
      if (start[a] == start[a + 1]) {
        continue;
      }
      double maxPos = 0; // the "1 +" inside the log is e^0
      double maxNeg = 0;
      for (int k = start[a]; k < start[a + 1]; k++) {
        d[k] = t.d(a, other[k]);
        z[k] = positive[k] ? alpha * (d[k] - lam) : beta * (lam - d[k]);
        if (positive[k]) {
          maxPos = Math.max(maxPos, z[k]);
        } else {
          maxNeg = Math.max(maxNeg, z[k]);
        }
      }
      double sPos = Math.exp(-maxPos);
      double sNeg = Math.exp(-maxNeg);
      for (int k = start[a]; k < start[a + 1]; k++) {
        if (positive[k]) {
          sPos += Math.exp(z[k] - maxPos);
        } else {
          sNeg += Math.exp(z[k] - maxNeg);
        }
      }
      double lsePos = maxPos + Math.log(sPos);
      double lseNeg = maxNeg + Math.log(sNeg);
      t.addTerm(lsePos / alpha + lseNeg / beta, a);
      for (int k = start[a]; k < start[a + 1]; k++) {
        // ∂/∂D of (1/α)·lse(α(D − Λ)) is its softmax weight; of (1/β)·lse(β(Λ − D)) minus it
        double w = positive[k] ? Math.exp(z[k] - lsePos) : -Math.exp(z[k] - lseNeg);
        t.addGradient(a, other[k], d[k], w);
      }
    }
  }

  @Override
  protected Object[] params() {
    return new Object[] {"alpha", alpha, "beta", beta, "base", base};
  }
}
