package io.hardneg.spark.bench;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.knn.Mask;
import io.hardneg.core.knn.MaskedKnn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The masked search kernel against the GEMM it is built on, in one JVM and one run: n random
 * unit vectors (dim 64, 10 labels), all-pairs, two heaps per query (hardest negatives and nearest
 * negatives beyond a bound of 1.0, k = 5), against the same 1024 x 4096 tiles multiplied by
 * {@code Nd4j.gemm} into reused buffers. Prints one line per repetition with the ratio; the first
 * repetitions include JIT warm-up. Run through {@code bench/kernel.sh}.
 */
public final class KernelBench {
  private KernelBench() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 30_000;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    int d = 64;
    Random r = new Random(1);
    LabeledVectors t = GaussianVectors.of(n, d, 10, r);
    INDArray m = Nd4j.create(t.values(), new long[] {n, d}, 'c');
    List<INDArray> qs = new ArrayList<>();
    List<INDArray> bs = new ArrayList<>();
    for (int q0 = 0; q0 < n; q0 += 1024) {
      qs.add(m.get(NDArrayIndex.interval(q0, Math.min(n, q0 + 1024)), NDArrayIndex.all()).dup());
    }
    for (int b0 = 0; b0 < n; b0 += 4096) {
      bs.add(m.get(NDArrayIndex.interval(b0, Math.min(n, b0 + 4096)), NDArrayIndex.all()).dup());
    }
    double[] bound = new double[n];
    Arrays.fill(bound, 1.0);
    Map<Long, INDArray> outs = new HashMap<>();
    System.out.println("| n | rep | tiled GEMM s | GFLOP/s | masked kNN s | ratio |");
    System.out.println("|---|---|---|---|---|---|");
    for (int rep = 0; rep < reps; rep++) {
      long t0 = System.nanoTime();
      for (INDArray qa : qs) {
        for (INDArray ba : bs) {
          long key = ((long) qa.rows() << 32) | ba.rows();
          INDArray o = outs.computeIfAbsent(key,
              k -> Nd4j.create(DataType.FLOAT, qa.rows(), ba.rows()));
          Nd4j.gemm(qa, ba, o, false, true, 1.0, 0.0);
        }
      }
      long t1 = System.nanoTime();
      MaskedKnn.search(t, t, Mask.OTHER_LABEL, new KnnOptions(5, 1024, 4096, DataType.FLOAT),
          null, bound);
      long t2 = System.nanoTime();
      System.out.printf(Locale.ROOT, "| %d | %d | %.2f | %.0f | %.2f | %.2f |%n", n, rep,
          (t1 - t0) / 1e9, 2.0 * n * n * d / (t1 - t0), (t2 - t1) / 1e9,
          (double) (t2 - t1) / (t1 - t0));
    }
  }
}
