package io.hardneg.core.loss;

import io.hardneg.core.distance.Distance;
import io.hardneg.core.inbatch.Batch;
import io.hardneg.core.inbatch.InBatchStats;
import io.hardneg.core.inbatch.MinerSpec;
import io.hardneg.core.inbatch.Pairs;
import io.hardneg.core.inbatch.Triplets;
import io.hardneg.core.inbatch.Tuples;
import io.hardneg.core.mining.MinedKind;
import java.util.Arrays;
import java.util.Objects;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Base of the metric losses as DL4J {@link ILossFunction}s (docs/concepts.md "Loss": Distance →
 * Miner → Loss → Reducer). It reads the activated outputs (the embeddings) in double, gets tuples
 * from the {@link Layout} — the fixed triplet rows, or the configured in-batch miner over the
 * labels — lets the subclass add one loss term per tuple/anchor/row together with that term's
 * gradient, and reduces with the {@link ReducerKind}.
 *
 * <p>Long on purpose: the whole DL4J {@link ILossFunction} contract (score, score array, gradient,
 * mask, scale) and its derivations stay in one class, so every subclass's term and gradient are
 * read against one definition of them.
 *
 * <p><b>Gradient.</b> The mined indices are constants (as in pytorch-metric-learning): the gradient
 * is that of the loss for the chosen tuples; at a hinge's kink or a mining boundary the loss is not
 * differentiable and the one-sided choice made here ({@code > 0} is active) is used.
 *
 * <p><b>DL4J scale.</b> With reduced loss {@code R} over a minibatch of {@code n} rows, the loss
 * reports {@code computeScore(average=false) = n·R} (so DL4J's per-example score is {@code R}),
 * {@code computeScoreArray} splits {@code n·R} over rows (each term on its anchor row), and the
 * gradient returned is {@code n·∂R/∂preOutput}, un-averaged: DL4J's updater divides by {@code n}.
 *
 * <p><b>Mask.</b> A per-row mask switches rows off (any non-zero value keeps the row, weights are
 * not applied): in the fixed layout a triplet is off when its anchor row is; with labels in the
 * batch, masked rows are left out of the batch entirely.
 *
 * <p>{@link #lastStats()} gives the mining statistics of the last evaluated batch (not stored).
 * Every field is Jackson-visible and the no-arg constructors exist: the loss lives in the model
 * JSON (docs/stack-notes.md P6).
 */
public abstract class MetricLoss implements ILossFunction {
  private static final long serialVersionUID = 1L;

  @JsonProperty("layout")
  protected Layout layout = Layout.LABELS;

  @JsonProperty("distance")
  protected Distance distance = Distance.EUCLIDEAN;

  @JsonProperty("reducer")
  protected ReducerKind reducer = ReducerKind.MEAN;

  @JsonProperty("miner")
  protected MinerSpec miner = new MinerSpec();

  @JsonIgnore private transient InBatchStats lastStats;

  protected MetricLoss() {}

  protected MetricLoss(Layout layout, Distance distance, ReducerKind reducer, MinerSpec miner) {
    this.layout = Objects.requireNonNull(layout, "layout");
    this.distance = Objects.requireNonNull(distance, "distance");
    this.reducer = Objects.requireNonNull(reducer, "reducer");
    this.miner = Objects.requireNonNull(miner, "miner");
    if (layout == Layout.LABELS
        && miner.kind() == io.hardneg.core.inbatch.MinerKind.DISTANCE_WEIGHTED
        && distance != Distance.EUCLIDEAN) {
      throw new IllegalArgumentException(
          "miner distance-weighted needs distance euclidean, got " + distance);
    }
  }

  /** What the loss's terms are built from. */
  protected enum Form {
    /** Triplets {@code (a,p,n)} (pairs from a pair miner are combined per anchor). */
    TRIPLETS,
    /** Positive and negative pairs (triplets are split into their pairs). */
    PAIRS,
    /** Rows with their labels; no tuples, no miner. */
    ROWS
  }

  protected abstract Form form();

  /** Adds the loss terms of one batch to {@code t}; see {@link Terms}. */
  protected abstract void addTerms(Terms t);

  /** The subclass's own parameters, for equality and naming. */
  protected abstract Object[] params();

  public Layout layout() {
    return layout;
  }

  public Distance distance() {
    return distance;
  }

  public ReducerKind reducer() {
    return reducer;
  }

  public MinerSpec miner() {
    return miner;
  }

  /** Mining statistics of the last batch this loss evaluated; null before the first. */
  public InBatchStats lastStats() {
    return lastStats;
  }

  /**
   * One batch's working state: embeddings, labels (when known), the tuples, and the sinks for terms
   * and gradients. Subclasses call {@link #d(int, int)} for {@code D} between rows, {@link
   * #addGradient} for {@code c·∂D(x_i,x_j)} and {@link #addTerm} for each term.
   */
  protected final class Terms {
    final double[][] x;
    final long[] labels;
    final boolean[] keep;
    final Tuples tuples;
    final double[][] g;
    private final double[][] matrix;
    private final int[] pos;
    private double[] weights;
    private long weightCalls;
    double[] values = new double[64];
    int[] rows = new int[64];
    int count;

    Terms(
        double[][] x,
        long[] labels,
        boolean[] keep,
        Tuples tuples,
        double[][] matrix,
        int[] pos,
        boolean withGrad) {
      this.x = x;
      this.labels = labels;
      this.keep = keep;
      this.tuples = tuples;
      this.matrix = matrix;
      this.pos = pos;
      this.g = withGrad ? new double[x.length][x.length == 0 ? 0 : x[0].length] : null;
    }

    public double[][] x() {
      return x;
    }

    /** Class labels per row; null in the fixed layout. */
    public long[] labels() {
      return labels;
    }

    /** False for rows a mask switched off. */
    public boolean kept(int row) {
      return keep == null || keep[row];
    }

    public Triplets triplets() {
      return tuples.asTriplets();
    }

    public Pairs pairs() {
      return tuples.asPairs();
    }

    public boolean withGradient() {
      return g != null;
    }

    /** {@code D(x_i, x_j)}. */
    public double d(int i, int j) {
      return matrix != null ? matrix[pos[i]][pos[j]] : distance.dissimilarity(x[i], x[j]);
    }

    /**
     * Adds {@code c·∂D/∂x_i} and {@code c·∂D/∂x_j} to the gradient (no-op without one). With the
     * batch's matrix at hand (labels layout) only the coefficient is recorded; the gradient of all
     * pairs is then formed by one BLAS product ({@link Distance#addGradientFromWeights}).
     */
    public void addGradient(int i, int j, double dij, double c) {
      if (g == null) {
        return;
      }
      if (matrix != null) {
        if (weights == null) {
          weights = new double[matrix.length * matrix.length];
        }
        weights[pos[i] * matrix.length + pos[j]] += c;
        weightCalls++;
      } else {
        distance.addGradient(x[i], x[j], dij, c, g[i], g[j]);
      }
    }

    /** Turns the recorded pair coefficients into the gradient rows. */
    void flushWeights(int[] rowsKept) {
      if (weights == null) {
        return;
      }
      int m = rowsKept.length;
      double[][] xs = new double[m][];
      double[][] gs = new double[m][];
      for (int k = 0; k < m; k++) {
        xs[k] = x[rowsKept[k]];
        gs[k] = g[rowsKept[k]];
      }
      if (weightCalls * 32 < (long) m * m) {
        // few pairs (batch-hard: 2 per anchor): O(d) per pair beats an n×n×d product
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < m; j++) {
            double c = weights[i * m + j];
            if (c != 0) {
              distance.addGradient(xs[i], xs[j], matrix[i][j], c, gs[i], gs[j]);
            }
          }
        }
      } else {
        distance.addGradientFromWeights(xs, matrix, weights, gs);
      }
      weights = null;
    }

    /** Adds {@code c·∂D(x_i, v)/∂x_i} for a constant vector {@code v} (a class centre). */
    public void addGradientTo(int i, double[] v, double div, double c) {
      if (g != null) {
        distance.addGradient(x[i], v, div, c, g[i], new double[v.length]);
      }
    }

    /** Records a term's value, attributed to {@code row} in the per-row score. */
    public void addTerm(double value, int row) {
      if (count == values.length) {
        values = Arrays.copyOf(values, 2 * count);
        rows = Arrays.copyOf(rows, 2 * count);
      }
      values[count] = value;
      rows[count++] = row;
    }

    public Distance distance() {
      return distance;
    }
  }

  /** The objective {@code n·R}, its split over rows, and its gradient w.r.t. the outputs. */
  private record Eval(double total, double[] perRow, double[][] grad) {}

  private Eval evaluate(INDArray labelsArr, INDArray out, INDArray mask, boolean withGrad) {
    int n = (int) out.size(0);
    if (labelsArr != null && labelsArr.size(0) != n) {
      throw new IllegalArgumentException(
          "labels rows " + labelsArr.size(0) + " != output rows " + n);
    }
    double[][] x = rows(out);
    boolean[] keep = null;
    if (mask != null) {
      double[] m = mask.reshape(mask.length()).toDoubleVector();
      if (m.length != n) {
        throw new IllegalArgumentException(
            "mask must have one value per row (" + n + "), got " + Arrays.toString(mask.shape()));
      }
      keep = new boolean[n];
      for (int i = 0; i < n; i++) {
        keep[i] = m[i] != 0;
      }
    }
    InBatchStats stats = new InBatchStats(distance.unitLo(), distance.unitHi());
    long[] labels =
        layout == Layout.LABELS || form() == Form.ROWS ? readLabels(labelsArr, n) : null;
    Terms t;
    int[] rowsKept = null;
    if (form() == Form.ROWS) {
      for (int i = 0; i < n; i++) {
        if (keep == null || keep[i]) {
          stats.addAnchor();
        }
      }
      t = new Terms(x, labels, keep, null, null, null, withGrad);
    } else if (layout == Layout.TRIPLETS) {
      Triplets all = Triplets.fixedLayout(n);
      Triplets fixed = keep == null ? all : keptTriplets(all, keep);
      for (int i = 0; i < fixed.size(); i++) {
        stats.addAnchor();
        stats.addTuple(MinedKind.GIVEN);
        stats.addTriplet(
            distance.dissimilarity(x[fixed.anchor()[i]], x[fixed.positive()[i]]),
            distance.dissimilarity(x[fixed.anchor()[i]], x[fixed.negative()[i]]));
      }
      t = new Terms(x, null, keep, Tuples.of(fixed, n), null, null, withGrad);
    } else {
      rowsKept = keptRows(n, keep);
      int[] pos = new int[n];
      double[][] xs = new double[rowsKept.length][];
      long[] ls = new long[rowsKept.length];
      for (int k = 0; k < rowsKept.length; k++) {
        pos[rowsKept[k]] = k;
        xs[k] = x[rowsKept[k]];
        ls[k] = labels[rowsKept[k]];
      }
      Batch b = Batch.of(distance, xs, ls);
      Tuples mined = remap(miner.create().mine(b, stats), rowsKept, n);
      t = new Terms(x, labels, keep, mined, b.d(), pos, withGrad);
    }
    addTerms(t);
    if (rowsKept != null) {
      t.flushWeights(rowsKept);
    }
    long nonzero = 0;
    double sum = 0;
    for (int k = 0; k < t.count; k++) {
      sum += t.values[k];
      nonzero += t.values[k] != 0 ? 1 : 0;
    }
    stats.setTerms(t.count, nonzero);
    lastStats = stats;
    long div = reducer.divisor(t.count, nonzero);
    double scale = div == 0 ? 0 : (double) n / div;
    double[] perRow = new double[n];
    for (int k = 0; k < t.count; k++) {
      perRow[t.rows[k]] += scale * t.values[k];
    }
    if (t.g != null) {
      for (double[] row : t.g) {
        for (int j = 0; j < row.length; j++) {
          row[j] *= scale;
        }
      }
    }
    afterEvaluate(t, withGrad);
    return new Eval(scale * sum, perRow, t.g);
  }

  /** The rows of a 2-d array in double, by one bulk copy (toDoubleMatrix goes element-wise). */
  static double[][] rows(INDArray a) {
    if (a.rank() != 2) {
      throw new IllegalArgumentException(
          "metric losses need [minibatch, embedding] outputs, got "
              + "shape "
              + Arrays.toString(a.shape()));
    }
    int n = (int) a.size(0);
    int d = (int) a.size(1);
    double[] flat = io.hardneg.core.util.Flat.doubles(a);
    double[][] x = new double[n][];
    for (int i = 0; i < n; i++) {
      x[i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
    }
    return x;
  }

  /** Hook after a batch's terms and gradient are done (the triplet-center loss updates here). */
  protected void afterEvaluate(Terms t, boolean training) {}

  private static int[] keptRows(int n, boolean[] keep) {
    int c = 0;
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      if (keep == null || keep[i]) {
        r[c++] = i;
      }
    }
    return Arrays.copyOf(r, c);
  }

  private static Triplets keptTriplets(Triplets t, boolean[] keep) {
    int c = 0;
    int[] a = new int[t.size()];
    int[] p = new int[t.size()];
    int[] g = new int[t.size()];
    for (int i = 0; i < t.size(); i++) {
      if (keep[t.anchor()[i]]) {
        a[c] = t.anchor()[i];
        p[c] = t.positive()[i];
        g[c++] = t.negative()[i];
      }
    }
    return new Triplets(Arrays.copyOf(a, c), Arrays.copyOf(p, c), Arrays.copyOf(g, c));
  }

  private static Tuples remap(Tuples t, int[] rows, int n) {
    if (rows.length == n) {
      return t;
    }
    if (t.triplets() != null) {
      Triplets s = t.triplets();
      return Tuples.of(
          new Triplets(map(s.anchor(), rows), map(s.positive(), rows), map(s.negative(), rows)), n);
    }
    Pairs p = t.pairs();
    return Tuples.of(
        new Pairs(
            map(p.posAnchor(), rows),
            map(p.positive(), rows),
            map(p.negAnchor(), rows),
            map(p.negative(), rows)),
        n);
  }

  private static int[] map(int[] idx, int[] rows) {
    int[] r = new int[idx.length];
    for (int i = 0; i < idx.length; i++) {
      r[i] = rows[idx[i]];
    }
    return r;
  }

  /**
   * Class labels from the labels array: an {@code [n,1]} column of integral ids, or the argmax of
   * each row of an {@code [n,C]} matrix (one-hot).
   */
  static long[] readLabels(INDArray labels, int n) {
    if (labels == null) {
      throw new IllegalArgumentException(
          "the labels-in-batch layout (and the triplet-center "
              + "loss) needs class labels: an [n,1] column of class ids or an [n,C] one-hot matrix");
    }
    long[] out = new long[n];
    if (labels.rank() == 1 || labels.size(1) == 1) {
      double[] v = labels.reshape(labels.length()).toDoubleVector();
      for (int i = 0; i < n; i++) {
        if (v[i] != Math.rint(v[i]) || Double.isInfinite(v[i])) {
          throw new IllegalArgumentException(
              "class label of row "
                  + i
                  + " must be an integer, "
                  + "got "
                  + v[i]
                  + " (labels layout: an [n,1] column of class ids)");
        }
        out[i] = (long) v[i];
      }
      return out;
    }
    double[][] m = labels.toDoubleMatrix();
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int j = 1; j < m[i].length; j++) {
        if (m[i][j] > m[i][best]) {
          best = j;
        }
      }
      out[i] = best;
    }
    return out;
  }

  @Override
  public INDArray computeScoreArray(
      INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    INDArray out = activationFn.getActivation(preOutput.dup(), true);
    double[] s = evaluate(labels, out, mask, false).perRow();
    return Nd4j.create(s, new long[] {s.length, 1}, 'c').castTo(preOutput.dataType());
  }

  @Override
  public double computeScore(
      INDArray labels,
      INDArray preOutput,
      IActivation activationFn,
      INDArray mask,
      boolean average) {
    INDArray out = activationFn.getActivation(preOutput.dup(), true);
    double total = evaluate(labels, out, mask, false).total();
    return average ? total / preOutput.size(0) : total;
  }

  @Override
  public INDArray computeGradient(
      INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    return gradientAndScore(labels, preOutput, activationFn, mask).getSecond();
  }

  private Pair<Double, INDArray> gradientAndScore(
      INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    INDArray out = activationFn.getActivation(preOutput.dup(), true);
    Eval e = evaluate(labels, out, mask, true);
    return new Pair<>(e.total(), backprop(preOutput, activationFn, e.grad()));
  }

  /**
   * dL/dpreOutput from the rows of dL/dout, through one flat array ({@code Nd4j.create(double[][])}
   * goes row by row), in the pre-output's data type.
   */
  static INDArray backprop(INDArray preOutput, IActivation activationFn, double[][] g) {
    int cols = (int) preOutput.size(1);
    double[] flat = new double[g.length * cols];
    for (int i = 0; i < g.length; i++) {
      System.arraycopy(g[i], 0, flat, i * cols, cols);
    }
    INDArray dLdOut =
        Nd4j.create(flat, new long[] {g.length, cols}, 'c').castTo(preOutput.dataType());
    return activationFn.backprop(preOutput.dup(), dLdOut).getFirst();
  }

  @Override
  public Pair<Double, INDArray> computeGradientAndScore(
      INDArray labels,
      INDArray preOutput,
      IActivation activationFn,
      INDArray mask,
      boolean average) {
    Pair<Double, INDArray> p = gradientAndScore(labels, preOutput, activationFn, mask);
    double s = average ? p.getFirst() / preOutput.size(0) : p.getFirst();
    return new Pair<>(s, p.getSecond());
  }

  @Override
  public String name() {
    StringBuilder b = new StringBuilder(getClass().getSimpleName()).append('(');
    b.append("layout=")
        .append(layout.label())
        .append(", distance=")
        .append(distance)
        .append(", reducer=")
        .append(reducer.label());
    if (layout == Layout.LABELS && form() != Form.ROWS) {
      b.append(", miner=").append(miner);
    }
    Object[] p = params();
    for (int i = 0; i + 1 < p.length; i += 2) {
      Object v = p[i + 1];
      b.append(", ")
          .append(p[i])
          .append('=')
          .append(
              v instanceof double[][] m
                  ? m.length + " centres"
                  : v instanceof long[] l ? Arrays.toString(l) : String.valueOf(v));
    }
    return b.append(')').toString();
  }

  @Override
  public String toString() {
    return name();
  }

  @Override
  public boolean equals(Object o) {
    return o != null
        && o.getClass() == getClass()
        && ((MetricLoss) o).layout == layout
        && ((MetricLoss) o).distance == distance
        && ((MetricLoss) o).reducer == reducer
        && ((MetricLoss) o).miner.equals(miner)
        && Arrays.deepEquals(((MetricLoss) o).params(), params());
  }

  @Override
  public int hashCode() {
    return Objects.hash(getClass(), layout, distance, reducer, miner)
        + 31 * Arrays.deepHashCode(params());
  }

  /** Validation helper: a finite number at least {@code min}. */
  protected static double finiteAtLeast(String name, double v, double min) {
    if (!(v >= min) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(name + " must be finite and >= " + min + ", got " + v);
    }
    return v;
  }

  /** Numerically stable {@code log(1 + e^z)}. */
  protected static double softplus(double z) {
    return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
  }

  /** {@code 1 / (1 + e^−z)}, the derivative of {@link #softplus}. */
  protected static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }
}
