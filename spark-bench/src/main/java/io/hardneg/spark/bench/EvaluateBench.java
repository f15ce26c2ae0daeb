package io.hardneg.spark.bench;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.metrics.RetrievalMetrics;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * The exact retrieval evaluation of one JVM ({@link RetrievalMetrics#evaluate}: self-excluded kNN
 * with k = max(R), then Recall@K, R-Precision and MAP@R) on N seeded clustered unit vectors (10
 * classes, so R is about N/10 and the kernel keeps hundreds of neighbours per query, as on
 * Fashion-MNIST's test set). Prints {@code n, dim, median seconds, queries per second, MAP@R,
 * Recall@1} over the timed repetitions (the first, warm-up one is not counted). Uses only the
 * public API, so the same file also runs against an older build's classpath for a before/after
 * pair:
 *
 * <pre>
 * java -cp "$(bench/classpath.sh)" io.hardneg.spark.bench.EvaluateBench [N=10000] [DIM=64] [REPS=3]
 * </pre>
 */
public final class EvaluateBench {
  private EvaluateBench() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int dim = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int reps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    LabeledVectors items = clustered(n, dim, 7);
    RetrievalMetrics.Result r = RetrievalMetrics.evaluate(items); // warm-up: JIT
    double[] secs = new double[reps];
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      r = RetrievalMetrics.evaluate(items);
      secs[i] = (System.nanoTime() - t0) / 1e9;
    }
    Arrays.sort(secs);
    double median = secs[reps / 2];
    System.out.printf(
        Locale.ROOT,
        "%d\t%d\t%.3f\t%.0f\t%.6f\t%.6f%n",
        n,
        dim,
        median,
        n / median,
        r.mapAtR(),
        r.recallAt1());
  }

  /** Unit vectors around 10 class centres, noisy enough that classes overlap. */
  static LabeledVectors clustered(int n, int dim, long seed) {
    Random rnd = new Random(seed);
    float[][] centre = new float[10][dim];
    for (float[] c : centre) {
      for (int j = 0; j < dim; j++) {
        c[j] = (float) rnd.nextGaussian();
      }
    }
    long[] ids = new long[n];
    long[] labels = new long[n];
    float[] v = new float[n * dim];
    for (int i = 0; i < n; i++) {
      ids[i] = i;
      labels[i] = i % 10;
      for (int j = 0; j < dim; j++) {
        v[i * dim + j] = (float) (centre[i % 10][j] + 2.0 * rnd.nextGaussian());
      }
    }
    return new LabeledVectors(ids, labels, v, dim).normalized();
  }
}
