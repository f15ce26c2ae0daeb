package io.hardneg.spark.bench;

import io.hardneg.core.model.Architecture;
import io.hardneg.core.model.EmbeddingNetworks;
import io.hardneg.core.model.ModelSpec;
import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * EMBED's inference batch ({@code embed.batchSize}): the forward pass of N random 784-feature items
 * through one network of {@link EmbeddingNetworks}, in batches of each given size, the sizes taken
 * in turn for REPS rounds so that the machine's drift falls on all of them alike. Run with {@code
 * OMP_NUM_THREADS=1}, as one of the job's task slots runs, after one untimed round. Prints one line
 * per size and round: {@code arch, batch, seconds}.
 *
 * <pre>
 * OMP_NUM_THREADS=1 java -cp "$(bench/classpath.sh)" io.hardneg.spark.bench.EmbedBatchBench \
 *     [N=10000] [ARCH=cnn] [SIZES=512,128,256] [REPS=3]
 * </pre>
 */
public final class EmbedBatchBench {
  private EmbedBatchBench() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    Architecture arch = Architecture.parse(args.length > 1 ? args[1] : "cnn");
    String[] sizes = (args.length > 2 ? args[2] : "512,128,256").split(",");
    int reps = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    int[] hidden = arch == Architecture.CNN ? new int[] {128} : new int[] {256, 128};
    MultiLayerNetwork net = EmbeddingNetworks.build(new ModelSpec(arch, 784, hidden, 64, 1e-3, 42));
    Nd4j.getRandom().setSeed(42);
    INDArray items = Nd4j.rand(DataType.FLOAT, n, 784);
    // round -1 is untimed (JIT, first allocations)
    for (int r = -1; r < reps; r++) {
      for (String size : sizes) {
        int bs = Integer.parseInt(size);
        long t0 = System.nanoTime();
        for (int b = 0; b < n; b += bs) {
          INDArray x =
              items.get(NDArrayIndex.interval(b, Math.min(n, b + bs)), NDArrayIndex.all()).dup();
          net.output(x).close();
          x.close();
        }
        Nd4j.getExecutioner().commit();
        if (r >= 0) {
          System.out.printf(
              Locale.ROOT,
              "%s\t%d\t%.2f%n",
              arch.name().toLowerCase(Locale.ROOT),
              bs,
              (System.nanoTime() - t0) / 1e9);
        }
      }
    }
  }
}
