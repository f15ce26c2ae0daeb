package io.hardneg.core.distance;

import io.hardneg.core.util.Flat;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The metric between two embeddings, with its direction decided once (docs/concepts.md "Loss"; as
 * pytorch-metric-learning's {@code is_inverted} and Lucene's {@code VectorSimilarityFunction}).
 *
 * <p>Long on purpose: each metric's value, pairwise matrix and both gradient forms sit together, so
 * the derivations for one metric are checked side by side against one another.
 *
 * <p>Miners and losses never look at the raw value: they work on the <em>dissimilarity</em> {@code
 * D(u,v)}, which grows as {@code u} and {@code v} move apart for every constant. For a distance
 * {@code D = value}; for a similarity {@code D = −value}. So "hardest positive" is always the
 * largest {@code D(a,p)}, "hardest negative" the smallest {@code D(a,n)}, and a margin {@code m}
 * always reads {@code D(a,p) − D(a,n) + m} (for cosine similarity that is {@code s(a,n) − s(a,p) +
 * m}, pytorch-metric-learning's {@code distance.margin}). Thresholds given in the metric's own
 * units (a multi-similarity {@code base} λ, say) convert with {@link #toDissimilarity(double)}.
 * docs/concepts.md: on unit vectors cosine similarity is {@code s = 1 − d²/2}.
 */
public enum Distance {
  /** {@code d(u,v) = |u − v|}; no gradient (0) where {@code d = 0}. */
  EUCLIDEAN(false, 0, 2) {
    @Override
    public double value(double[] u, double[] v) {
      return Math.sqrt(SQUARED_EUCLIDEAN.value(u, v));
    }

    @Override
    void addValueGradient(
        double[] u, double[] v, double value, double c, double[] gu, double[] gv) {
      if (value <= 0) {
        return;
      }
      double k = c / value;
      for (int j = 0; j < u.length; j++) {
        double g = k * (u[j] - v[j]);
        gu[j] += g;
        gv[j] -= g;
      }
    }
  },
  /** {@code d²(u,v) = |u − v|²}. */
  SQUARED_EUCLIDEAN(false, 0, 4) {
    @Override
    public double value(double[] u, double[] v) {
      double s0 = 0;
      double s1 = 0;
      int j = 0;
      for (; j + 1 < u.length; j += 2) {
        double a = u[j] - v[j];
        double b = u[j + 1] - v[j + 1];
        s0 += a * a;
        s1 += b * b;
      }
      if (j < u.length) {
        double a = u[j] - v[j];
        s0 += a * a;
      }
      return s0 + s1;
    }

    @Override
    void addValueGradient(
        double[] u, double[] v, double value, double c, double[] gu, double[] gv) {
      for (int j = 0; j < u.length; j++) {
        double g = 2 * c * (u[j] - v[j]);
        gu[j] += g;
        gv[j] -= g;
      }
    }
  },
  /**
   * Cosine similarity {@code s(u,v) = u·v / (|u||v|)} (norms floored at {@value #MIN_NORM}); a
   * similarity, so {@code D = −s}.
   */
  COSINE(true, -1, 1) {
    @Override
    public double value(double[] u, double[] v) {
      double dot = 0;
      double uu = 0;
      double vv = 0;
      for (int j = 0; j < u.length; j++) {
        dot += u[j] * v[j];
        uu += u[j] * u[j];
        vv += v[j] * v[j];
      }
      return dot / (norm(uu) * norm(vv));
    }

    @Override
    void addValueGradient(
        double[] u, double[] v, double value, double c, double[] gu, double[] gv) {
      double uu = 0;
      double vv = 0;
      for (int j = 0; j < u.length; j++) {
        uu += u[j] * u[j];
        vv += v[j] * v[j];
      }
      double nu = norm(uu);
      double nv = norm(vv);
      // ds/du = v/(|u||v|) − s·u/|u|²; the floor makes the norm locally constant (no u/|u|² term)
      double su = nu > MIN_NORM ? value / (nu * nu) : 0;
      double sv = nv > MIN_NORM ? value / (nv * nv) : 0;
      double inv = 1.0 / (nu * nv);
      for (int j = 0; j < u.length; j++) {
        gu[j] += c * (v[j] * inv - su * u[j]);
        gv[j] += c * (u[j] * inv - sv * v[j]);
      }
    }
  };

  /** Floor on a norm in the cosine, so a zero vector gives 0, not NaN. */
  public static final double MIN_NORM = 1e-12;

  private final boolean inverted;
  private final double unitLo;
  private final double unitHi;

  Distance(boolean inverted, double lo, double hi) {
    this.inverted = inverted;
    this.unitLo = inverted ? -hi : lo;
    this.unitHi = inverted ? -lo : hi;
  }

  private static double norm(double squared) {
    return Math.max(Math.sqrt(squared), MIN_NORM);
  }

  /** The metric's own value (a distance, or a similarity when {@link #inverted()}). */
  public abstract double value(double[] u, double[] v);

  /** Adds {@code c · ∂value/∂u} to {@code gu} and {@code c · ∂value/∂v} to {@code gv}. */
  abstract void addValueGradient(
      double[] u, double[] v, double value, double c, double[] gu, double[] gv);

  /** True for a similarity (larger = closer): then {@code D = −value}. */
  public boolean inverted() {
    return inverted;
  }

  /** Converts a value in the metric's units (a threshold, say) to a dissimilarity. */
  public double toDissimilarity(double value) {
    return inverted ? -value : value;
  }

  /** The dissimilarity {@code D(u,v)}: larger means farther apart, for every constant. */
  public double dissimilarity(double[] u, double[] v) {
    return toDissimilarity(value(u, v));
  }

  /**
   * Adds {@code c · ∂D/∂u} to {@code gu} and {@code c · ∂D/∂v} to {@code gv}, where {@code d} is
   * {@code D(u,v)} as computed by {@link #dissimilarity}.
   */
  public void addGradient(double[] u, double[] v, double d, double c, double[] gu, double[] gv) {
    if (c == 0) {
      return;
    }
    addValueGradient(u, v, toDissimilarity(d), inverted ? -c : c, gu, gv);
  }

  /**
   * The symmetric matrix of {@code D} over all row pairs. The Gram matrix {@code X·Xᵀ} comes from
   * BLAS (ND4J, double); entries are then {@code D} from {@code |u|² + |v|² − 2u·v} (clamped at 0)
   * or {@code u·v/(|u||v|)}. Where that formula cancels — near-duplicate rows, {@code |u−v|² <=
   * 1e-8·(|u|²+|v|²)} or {@code 1 − |s| <= 1e-8} — the entry is recomputed exactly by {@link
   * #dissimilarity}, so identical rows are at exactly 0 (or exactly equal similarity) and ties stay
   * ties. Elsewhere entries agree with {@link #dissimilarity} to about 1e-15 relative. The matrix
   * is exactly symmetric.
   */
  public double[][] matrix(double[][] x) {
    int n = x.length;
    double[][] m = new double[n][n];
    if (n == 0) {
      return m;
    }
    int dim = x[0].length;
    double[] flat = new double[n * dim];
    double[] sq = new double[n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(x[i], 0, flat, i * dim, dim);
      double s = 0;
      for (double v : x[i]) {
        s += v * v;
      }
      sq[i] = s;
    }
    double[] g;
    // outside any DL4J workspace: temporaries of our own, freed by the GC
    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      INDArray a = Nd4j.create(flat, new long[] {n, dim}, 'c');
      g = Flat.doubles(a.mmul(a.transpose()));
    }
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        double dot = g[i * n + j];
        double v = fromGram(dot, sq[i], sq[j]);
        if (Double.isNaN(v)) {
          v = dissimilarity(x[i], x[j]);
        }
        m[i][j] = v;
        m[j][i] = v;
      }
    }
    return m;
  }

  /** {@code D} from a dot product and squared norms; NaN where the formula is ill-conditioned. */
  private double fromGram(double dot, double uu, double vv) {
    if (this == COSINE) {
      double s = dot / (norm(uu) * norm(vv));
      return 1 - Math.abs(s) <= 1e-8 ? Double.NaN : -s;
    }
    double d2 = uu + vv - 2 * dot;
    if (d2 <= 1e-8 * (uu + vv)) {
      return Double.NaN;
    }
    return this == EUCLIDEAN ? Math.sqrt(d2) : d2;
  }

  /**
   * Adds {@code Σ_(i,j) w[i·n+j] · ∂D(x_i,x_j)/∂x} to {@code g} for all pairs at once, where {@code
   * d} is {@link #matrix(double[][])} of {@code x}: the same gradient as {@link #addGradient}
   * called per pair with {@code c = w[i·n+j]}, computed with one BLAS product ({@code g +=
   * diag(rowsum P)·X − P·X} for the Euclidean distances, and the analogous form for the cosine)
   * instead of {@code O(d)} scalar work per pair.
   */
  public void addGradientFromWeights(double[][] x, double[][] d, double[] w, double[][] g) {
    int n = x.length;
    if (n == 0) {
      return;
    }
    int dim = x[0].length;
    double[] p = new double[n * n];
    double[] diag = new double[n];
    double[] norms = new double[n];
    if (this == COSINE) {
      for (int i = 0; i < n; i++) {
        double ss = 0;
        for (double v : x[i]) {
          ss += v * v;
        }
        norms[i] = norm(ss);
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double c = w[i * n + j] + w[j * n + i]; // D is symmetric: both orientations act alike
        if (c == 0 || i == j) {
          continue;
        }
        double q;
        switch (this) {
          case EUCLIDEAN -> q = d[i][j] > 0 ? c / d[i][j] : 0;
          case SQUARED_EUCLIDEAN -> q = 2 * c;
          default -> {
            // D = −s; c·∂D/∂x_i = −c·x_j/(|x_i||x_j|) + c·s·x_i/|x_i|²  (s = −d[i][j])
            q = -c / (norms[i] * norms[j]);
            diag[i] += norms[i] > MIN_NORM ? -c * d[i][j] / (norms[i] * norms[i]) : 0;
            p[i * n + j] = q;
            continue;
          }
        }
        p[i * n + j] = -q;
        diag[i] += q;
      }
    }
    double[] flat = new double[n * dim];
    for (int i = 0; i < n; i++) {
      System.arraycopy(x[i], 0, flat, i * dim, dim);
    }
    double[] px;
    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      px =
          Flat.doubles(
              Nd4j.create(p, new long[] {n, n}, 'c')
                  .mmul(Nd4j.create(flat, new long[] {n, dim}, 'c')));
    }
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < dim; k++) {
        g[i][k] += px[i * dim + k] + diag[i] * x[i][k];
      }
    }
  }

  /** Smallest {@code D} between unit vectors (histogram range). */
  public double unitLo() {
    return unitLo;
  }

  /** Largest {@code D} between unit vectors (histogram range). */
  public double unitHi() {
    return unitHi;
  }

  /** Parses {@code euclidean | squared-euclidean | cosine}. */
  public static Distance parse(String s) {
    return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "euclidean" -> EUCLIDEAN;
      case "squared-euclidean", "squared_euclidean" -> SQUARED_EUCLIDEAN;
      case "cosine" -> COSINE;
      default ->
          throw new IllegalArgumentException(
              "unknown distance '" + s + "' (expected euclidean | squared-euclidean | cosine)");
    };
  }
}
