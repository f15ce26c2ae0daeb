package io.hardneg.core.loss;

import io.hardneg.core.util.Flat;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Triplet margin loss (hinge) in the <em>fixed triplet layout</em>: minibatch rows come in groups
 * of three, {@code (anchor, positive, negative)} = rows {@code 3i, 3i+1, 3i+2}, as mined offline.
 * For each triplet, with Euclidean distances on the activated outputs, {@code L = max(0, d(a,p) −
 * d(a,n) + margin)}.
 *
 * <p>DL4J conventions: {@link #computeScoreArray} gives one value per row (the triplet's loss on
 * its anchor row, 0 on the positive and negative rows), so the score averaged over the minibatch is
 * the mean triplet loss divided by 3; gradients are returned un-averaged (DL4J's updater divides by
 * the minibatch size). The labels array is not read beyond its row count: the layout carries the
 * structure. A mask, when given, switches whole triplets off through the anchor row. At {@code d =
 * 0} the distance has no gradient and contributes none.
 */
public class TripletMarginLoss implements ILossFunction {
  private static final long serialVersionUID = 1L;

  @JsonProperty("margin")
  private double margin;

  /** For JSON: DL4J stores the loss in the model configuration. */
  public TripletMarginLoss() {
    this(0.2);
  }

  public TripletMarginLoss(@JsonProperty("margin") double margin) {
    if (!(margin >= 0) || Double.isInfinite(margin)) {
      throw new IllegalArgumentException("triplet margin must be finite and >= 0, got " + margin);
    }
    this.margin = margin;
  }

  public double getMargin() {
    return margin;
  }

  /** Per-triplet losses and gradients w.r.t. the activated outputs, in double. */
  private record Eval(double[] loss, double[][] grad) {}

  private Eval evaluate(INDArray labels, INDArray out, INDArray mask, boolean withGrad) {
    long rows = out.size(0);
    if (rows % 3 != 0) {
      throw new IllegalArgumentException(
          "fixed triplet layout needs a multiple of 3 rows "
              + "(anchor, positive, negative), got "
              + rows);
    }
    if (labels != null && labels.size(0) != rows) {
      throw new IllegalArgumentException(
          "labels rows " + labels.size(0) + " != output rows " + rows);
    }
    // one bulk copy: toDoubleMatrix() makes a view and a copy per row, thousands of native
    // buffers a step, and was most of a small network's step time
    double[][] x = MetricLoss.rows(out);
    double[] m = mask == null ? null : Flat.doubles(mask.reshape(rows));
    int n = (int) (rows / 3);
    int d = (int) out.size(1);
    double[] loss = new double[(int) rows];
    double[][] grad = withGrad ? new double[(int) rows][d] : null;
    for (int t = 0; t < n; t++) {
      if (m != null && m[3 * t] == 0) {
        continue;
      }
      double[] a = x[3 * t];
      double[] p = x[3 * t + 1];
      double[] ng = x[3 * t + 2];
      double dap = dist(a, p);
      double dan = dist(a, ng);
      double l = dap - dan + margin;
      if (l <= 0) {
        continue;
      }
      double w = m == null ? 1.0 : m[3 * t];
      loss[3 * t] = w * l;
      if (withGrad) {
        for (int j = 0; j < d; j++) {
          double gp = dap > 0 ? (a[j] - p[j]) / dap : 0;
          double gn = dan > 0 ? (a[j] - ng[j]) / dan : 0;
          grad[3 * t][j] = w * (gp - gn);
          grad[3 * t + 1][j] = -w * gp;
          grad[3 * t + 2][j] = w * gn;
        }
      }
    }
    return new Eval(loss, grad);
  }

  private static double dist(double[] u, double[] v) {
    double ss = 0;
    for (int j = 0; j < u.length; j++) {
      double diff = u[j] - v[j];
      ss += diff * diff;
    }
    return Math.sqrt(ss);
  }

  @Override
  public INDArray computeScoreArray(
      INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    INDArray out = activationFn.getActivation(preOutput.dup(), true);
    double[] loss = evaluate(labels, out, mask, false).loss();
    return Nd4j.create(loss, new long[] {loss.length, 1}, 'c').castTo(preOutput.dataType());
  }

  @Override
  public double computeScore(
      INDArray labels,
      INDArray preOutput,
      IActivation activationFn,
      INDArray mask,
      boolean average) {
    INDArray out = activationFn.getActivation(preOutput.dup(), true);
    double[] loss = evaluate(labels, out, mask, false).loss();
    double sum = 0;
    for (double v : loss) {
      sum += v;
    }
    return average ? sum / loss.length : sum;
  }

  @Override
  public INDArray computeGradient(
      INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    INDArray out = activationFn.getActivation(preOutput.dup(), true);
    return MetricLoss.backprop(preOutput, activationFn, evaluate(labels, out, mask, true).grad());
  }

  @Override
  public Pair<Double, INDArray> computeGradientAndScore(
      INDArray labels,
      INDArray preOutput,
      IActivation activationFn,
      INDArray mask,
      boolean average) {
    // one forward of the activation and one pass over the triplets for both
    INDArray out = activationFn.getActivation(preOutput.dup(), true);
    Eval e = evaluate(labels, out, mask, true);
    double sum = 0;
    for (double v : e.loss()) {
      sum += v;
    }
    return new Pair<>(
        average ? sum / e.loss().length : sum,
        MetricLoss.backprop(preOutput, activationFn, e.grad()));
  }

  @Override
  public String name() {
    return "TripletMarginLoss(margin=" + margin + ")";
  }

  @Override
  public String toString() {
    return name();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TripletMarginLoss t && Double.compare(t.margin, margin) == 0;
  }

  @Override
  public int hashCode() {
    return Double.hashCode(margin);
  }
}
