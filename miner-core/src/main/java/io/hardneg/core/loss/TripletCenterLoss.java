package io.hardneg.core.loss;

import io.hardneg.core.distance.Distance;
import io.hardneg.core.inbatch.MinerSpec;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Triplet-center loss (He, Zhou, Zhou, Bai, Bai 2018, "Triplet-Center Loss for Multi-View 3D Object
 * Retrieval"), one term per row {@code i} of class {@code y}: {@code max(0, D(f_i, c_y) + margin −
 * min_{j≠y} D(f_i, c_j))}, over the class centres known so far (rows with no other centre give no
 * term; ties: lowest label).
 *
 * <p><b>Centres are running means kept in the loss</b>, not network parameters learned by gradient
 * descent (that would need a custom DL4J layer): a class first seen gets the mean of its rows in
 * that batch; after each gradient evaluation (the training path) every class present moves {@code c
 * ← (1 − γ)·c + γ·mean_batch} with {@code γ = centerMomentum}; score-only calls never move them;
 * {@code γ = 0} freezes them after initialisation. The gradient treats centres as constants. They
 * are serialised with the model (fields {@code centerLabels}, {@code centers}), so a saved model
 * resumes with its centres; with Spark parameter averaging each worker moves its own copy and the
 * copies are not averaged. This loss reads class labels in both layouts (in the fixed layout every
 * row, anchor, positive or negative, is a sample of its class); it runs no miner.
 */
public class TripletCenterLoss extends MetricLoss {
  private static final long serialVersionUID = 1L;

  @JsonProperty("margin")
  private double margin = 0.2;

  @JsonProperty("centerMomentum")
  private double centerMomentum = 0.1;

  @JsonProperty("centerLabels")
  private long[] centerLabels = new long[0];

  @JsonProperty("centers")
  private double[][] centers = new double[0][];

  /** For JSON. */
  public TripletCenterLoss() {}

  public TripletCenterLoss(
      Layout layout, Distance distance, ReducerKind reducer, double margin, double centerMomentum) {
    super(layout, distance, reducer, new MinerSpec());
    this.margin = finiteAtLeast("triplet-center margin", margin, 0);
    if (!(centerMomentum >= 0 && centerMomentum <= 1)) {
      throw new IllegalArgumentException(
          "centre momentum must be in [0, 1], got " + centerMomentum);
    }
    this.centerMomentum = centerMomentum;
  }

  public double margin() {
    return margin;
  }

  public double centerMomentum() {
    return centerMomentum;
  }

  /** A copy of the centre of {@code label}, or null if the class was never seen. */
  public double[] center(long label) {
    int k = Arrays.binarySearch(centerLabels, label);
    return k < 0 ? null : centers[k].clone();
  }

  /** Labels with a centre, ascending. */
  public long[] centerLabels() {
    return centerLabels.clone();
  }

  @Override
  protected Form form() {
    return Form.ROWS;
  }

  /** Per-class means of the kept rows of this batch, by label. */
  private static Map<Long, double[]> batchMeans(Terms t) {
    Map<Long, double[]> sums = new TreeMap<>();
    Map<Long, Integer> counts = new TreeMap<>();
    double[][] x = t.x();
    for (int i = 0; i < x.length; i++) {
      if (!t.kept(i)) {
        continue;
      }
      double[] s = sums.computeIfAbsent(t.labels()[i], l -> new double[x[0].length]);
      for (int j = 0; j < s.length; j++) {
        s[j] += x[i][j];
      }
      counts.merge(t.labels()[i], 1, Integer::sum);
    }
    for (Map.Entry<Long, double[]> e : sums.entrySet()) {
      int c = counts.get(e.getKey());
      for (int j = 0; j < e.getValue().length; j++) {
        e.getValue()[j] /= c;
      }
    }
    return sums;
  }

  private void initialiseMissing(Map<Long, double[]> means, int dim) {
    if (centers.length > 0 && centers[0].length != dim) {
      throw new IllegalArgumentException(
          "triplet-center loss holds centres of dimension "
              + centers[0].length
              + " but the embeddings have dimension "
              + dim);
    }
    Map<Long, double[]> all = new TreeMap<>();
    for (int k = 0; k < centerLabels.length; k++) {
      all.put(centerLabels[k], centers[k]);
    }
    boolean added = false;
    for (Map.Entry<Long, double[]> e : means.entrySet()) {
      if (!all.containsKey(e.getKey())) {
        all.put(e.getKey(), e.getValue().clone());
        added = true;
      }
    }
    if (added) {
      centerLabels = all.keySet().stream().mapToLong(Long::longValue).toArray();
      centers = all.values().toArray(new double[0][]);
    }
  }

  @Override
  protected void addTerms(Terms t) {
    double[][] x = t.x();
    if (x.length == 0) {
      return;
    }
    initialiseMissing(batchMeans(t), x[0].length);
    for (int i = 0; i < x.length; i++) {
      if (!t.kept(i)) {
        continue;
      }
      int own = Arrays.binarySearch(centerLabels, t.labels()[i]);
      double dOwn = distance.dissimilarity(x[i], centers[own]);
      int other = -1;
      double dOther = Double.POSITIVE_INFINITY;
      for (int k = 0; k < centers.length; k++) {
        if (k != own) {
          double d = distance.dissimilarity(x[i], centers[k]);
          if (d < dOther) {
            dOther = d;
            other = k;
          }
        }
      }
      if (other < 0) {
        continue;
      }
      double v = dOwn + margin - dOther;
      t.addTerm(Math.max(0, v), i);
      if (v > 0) {
        t.addGradientTo(i, centers[own], dOwn, 1);
        t.addGradientTo(i, centers[other], dOther, -1);
      }
    }
  }

  @Override
  protected void afterEvaluate(Terms t, boolean training) {
    if (!training || centerMomentum == 0 || t.x().length == 0) {
      return;
    }
    for (Map.Entry<Long, double[]> e : batchMeans(t).entrySet()) {
      double[] c = centers[Arrays.binarySearch(centerLabels, e.getKey())];
      for (int j = 0; j < c.length; j++) {
        c[j] = (1 - centerMomentum) * c[j] + centerMomentum * e.getValue()[j];
      }
    }
  }

  @Override
  protected Object[] params() {
    return new Object[] {
      "margin",
      margin,
      "centerMomentum",
      centerMomentum,
      "centerLabels",
      centerLabels,
      "centers",
      centers
    };
  }
}
