package io.hardneg.spark.bench;

import io.hardneg.core.fixtures.RandomVectors;
import io.hardneg.core.model.Architecture;
import io.hardneg.core.model.EmbeddingNetworks;
import io.hardneg.core.model.ModelSpec;
import java.util.Locale;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One hardneg training step ({@code MultiLayerNetwork.fit} of one minibatch: forward, triplet
 * margin loss in the fixed triplet layout, backward, Adam) of the networks {@link
 * EmbeddingNetworks} builds, on 128 triplets = 384 random rows of 784 features — the same step
 * {@code bench/peers_torch.py} times in PyTorch. Prints one TSV row per architecture: {@code arch,
 * rows per second, ms per step, steps}, from the median of {@link #WINDOWS} timed windows of STEPS
 * steps after WARMUP untimed ones. Threads: ND4J's OpenMP pool ({@code OMP_NUM_THREADS}, set by
 * {@code bench/run.sh}).
 *
 * <pre>TrainStepBench [STEPS=30] [WARMUP=5] [mlp,cnn]</pre>
 */
public final class TrainStepBench {
  /** Timed windows per network; the median one is reported (as bench/peers_torch.py does). */
  static final int WINDOWS = 5;

  private TrainStepBench() {}

  public static void main(String[] args) {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String[] archs = (args.length > 2 ? args[2] : "mlp,cnn").split(",");
    int rows = 384;
    float[] v = RandomVectors.gaussianFloats(new Random(42), rows, 784);
    DataSet batch =
        new DataSet(
            Nd4j.create(v, new long[] {rows, 784}, 'c'),
            Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, rows, 1));
    for (String a : archs) {
      Architecture arch = Architecture.parse(a);
      int[] hidden = arch == Architecture.CNN ? new int[] {128} : new int[] {256, 128};
      MultiLayerNetwork net =
          EmbeddingNetworks.build(new ModelSpec(arch, 784, hidden, 64, 1e-3, 42));
      for (int i = 0; i < warmup; i++) {
        net.fit(batch);
      }
      // the median of WINDOWS windows of STEPS steps: one window of 30 MLP steps lasts under a
      // second, and on a shared machine a single window moved by 2x between runs
      double[] windows = new double[WINDOWS];
      for (int w = 0; w < WINDOWS; w++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
          net.fit(batch);
        }
        windows[w] = (System.nanoTime() - t0) / 1e9;
      }
      java.util.Arrays.sort(windows);
      double secs = windows[WINDOWS / 2];
      System.out.printf(
          Locale.ROOT, "%s\t%.1f\t%.2f\t%d%n", a, rows * steps / secs, 1000 * secs / steps, steps);
    }
  }
}
