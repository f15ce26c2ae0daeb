package io.hardneg.spark.bench;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.fixtures.RandomVectors;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.knn.Mask;
import io.hardneg.core.knn.MaskedKnn;
import io.hardneg.core.model.Architecture;
import io.hardneg.core.model.EmbeddingNetworks;
import io.hardneg.core.model.ModelSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Throughput of the three compute stages on whichever ND4J backend is on the classpath (CPU
 * nd4j-native or CUDA nd4j-cuda-11.6), without Spark: EMBED (the demo's MLP 784-256-128-64 forward
 * pass), exact masked SEARCH (all pairs of n unit vectors, dim 64, 10 labels, k = 5) and TRAIN
 * (triplet minibatches of the demo's size fitted one after another). Each stage runs once to warm
 * up and is then timed; prints {@code RESULT key=value} lines that bench/gpu-check.sh compares
 * across backends. Arguments: [n=20000] [trainSteps=50]
 */
public final class BackendBench {
  private BackendBench() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    String backend = Nd4j.getBackend().getClass().getSimpleName();
    System.out.println("RESULT backend=" + backend);
    Random r = new Random(7);
    MultiLayerNetwork net =
        EmbeddingNetworks.build(
            new ModelSpec(Architecture.MLP, 784, new int[] {256, 128}, 64, 1e-3, 42));

    // EMBED: n items of 784 features in batches of 512 (embed.batchSize's default)
    INDArray items = Nd4j.rand(DataType.FLOAT, n, 784);
    INDArray[] batches = new INDArray[(n + 511) / 512];
    for (int b = 0; b < batches.length; b++) {
      batches[b] =
          items
              .get(
                  org.nd4j.linalg.indexing.NDArrayIndex.interval(
                      b * 512, Math.min(n, (b + 1) * 512)),
                  org.nd4j.linalg.indexing.NDArrayIndex.all())
              .dup();
    }
    double embedS = 0;
    for (int rep = 0; rep < 2; rep++) {
      long t0 = System.nanoTime();
      for (INDArray b : batches) {
        net.output(b).close();
      }
      Nd4j.getExecutioner().commit();
      embedS = (System.nanoTime() - t0) / 1e9;
    }
    print("embed_items_per_s", n / embedS);

    // SEARCH: exact label-masked nearest negatives over all n x n pairs
    int d = 64;
    LabeledVectors t = RandomVectors.labeledUnit(r, n, d, 10, 0);
    double[] bound = new double[n];
    Arrays.fill(bound, 1.0);
    double searchS = 0;
    for (int rep = 0; rep < 2; rep++) {
      long t0 = System.nanoTime();
      MaskedKnn.search(
          t, t, Mask.OTHER_LABEL, new KnnOptions(5, 1024, 4096, DataType.FLOAT), null, bound);
      searchS = (System.nanoTime() - t0) / 1e9;
    }
    print("search_pairs_per_s", (double) n * n / searchS);

    // TRAIN: minibatches of 128 triplets (384 rows a,p,n,...), as train.batchTriplets
    DataSet ds =
        new DataSet(Nd4j.rand(DataType.FLOAT, 384, 784), Nd4j.zeros(DataType.FLOAT, 384, 1));
    for (int i = 0; i < 5; i++) {
      net.fit(ds);
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < steps; i++) {
      net.fit(ds);
    }
    Nd4j.getExecutioner().commit();
    double trainS = (System.nanoTime() - t0) / 1e9;
    print("train_triplets_per_s", 128.0 * steps / trainS);
    print("train_score", net.score());
  }

  private static void print(String key, double value) {
    System.out.printf(Locale.ROOT, "RESULT %s=%.1f%n", key, value);
  }
}
