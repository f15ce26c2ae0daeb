package io.hardneg.spark.bench;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.fixtures.RandomVectors;
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
 * The masked search kernel against the GEMM it is built on, in one JVM and one run: n random unit
 * vectors (dim 64, 10 labels), all-pairs, two heaps per query (hardest negatives and nearest
 * negatives beyond a bound, 1.0 unless a third argument gives it, k = 5). Baselines: the same 1024
 * x 4096 tiles multiplied by {@code Nd4j.gemm} into reused buffers (the GEMM the kernel runs on),
 * and a square 2048 x 2048 x 2048 {@code mmul} (the machine's GEMM rate when the output is not the
 * bottleneck: with an inner dimension of 64 the tiled GEMM writes one float per 128 flops). The
 * kernel runs twice: as one call, and as P concurrent calls on 1/P of the queries each, the way
 * Spark's P task slots run it (P = available processors). Prints one line per repetition; the first
 * repetitions include JIT warm-up. Run through {@code bench/kernel.sh}.
 */
public final class KernelBench {
  private KernelBench() {}

  public static void main(String[] args) throws InterruptedException {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 30_000;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    // the semi-hard heap's bound: at 1.0 few random unit pairs lie inside it (the kernel's easy
    // case); at 1.45 most do, as in a first round, where d(a,p) of an untrained embedding is large
    double boundValue = args.length > 2 ? Double.parseDouble(args[2]) : 1.0;
    int tasks = Runtime.getRuntime().availableProcessors();
    int d = 64;
    Random r = new Random(1);
    LabeledVectors t = RandomVectors.labeledUnit(r, n, d, 10, 0);
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
    Arrays.fill(bound, boundValue);
    KnnOptions opt = new KnnOptions(5, 1024, 4096, DataType.FLOAT);
    Map<Long, INDArray> outs = new HashMap<>();
    double flops = 2.0 * n * n * d;
    System.out.println(
        "| n | rep | tiled GEMM s | tiled GFLOP/s | square mmul GFLOP/s "
            + "| kernel, 1 call s | ratio | kernel, "
            + tasks
            + " tasks s | ratio |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (int rep = 0; rep < reps; rep++) {
      long t0 = System.nanoTime();
      for (INDArray qa : qs) {
        for (INDArray ba : bs) {
          long key = ((long) qa.rows() << 32) | ba.rows();
          INDArray o =
              outs.computeIfAbsent(key, k -> Nd4j.create(DataType.FLOAT, qa.rows(), ba.rows()));
          Nd4j.gemm(qa, ba, o, false, true, 1.0, 0.0);
        }
      }
      long t1 = System.nanoTime();
      double square = squareMmulGflops();
      long t2 = System.nanoTime();
      MaskedKnn.search(t, t, Mask.OTHER_LABEL, opt, null, bound);
      long t3 = System.nanoTime();
      concurrent(t, t, bound, opt, tasks);
      long t4 = System.nanoTime();
      double gemm = (t1 - t0) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "| %d | %d | %.2f | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f |%n",
          n,
          rep,
          gemm,
          flops / (t1 - t0),
          square,
          (t3 - t2) / 1e9,
          (t3 - t2) / 1e9 / gemm,
          (t4 - t3) / 1e9,
          (t4 - t3) / 1e9 / gemm);
    }
  }

  /**
   * P threads, each searching all of {@code base} for its 1/P of {@code queries} (the way P task
   * slots run a search), {@code bound} giving each query's lower bound of the beyond list.
   */
  static void concurrent(
      LabeledVectors queries, LabeledVectors base, double[] bound, KnnOptions opt, int tasks)
      throws InterruptedException {
    int n = queries.size();
    int d = queries.dim();
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < tasks; p++) {
      int lo = (int) ((long) n * p / tasks);
      int hi = (int) ((long) n * (p + 1) / tasks);
      if (lo == hi) {
        continue;
      }
      LabeledVectors part =
          new LabeledVectors(
              Arrays.copyOfRange(queries.ids(), lo, hi),
              Arrays.copyOfRange(queries.labels(), lo, hi),
              Arrays.copyOfRange(queries.values(), lo * d, hi * d),
              d);
      double[] b = Arrays.copyOfRange(bound, lo, hi);
      Thread th = new Thread(() -> MaskedKnn.search(part, base, Mask.OTHER_LABEL, opt, null, b));
      th.start();
      threads.add(th);
    }
    for (Thread th : threads) {
      th.join();
    }
  }

  /** Best of three 2048 x 2048 x 2048 float products, in GFLOP/s. */
  private static double squareMmulGflops() {
    int s = 2048;
    INDArray a = Nd4j.rand(DataType.FLOAT, s, s);
    INDArray b = Nd4j.rand(DataType.FLOAT, s, s);
    INDArray c = Nd4j.create(DataType.FLOAT, s, s);
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
      best = Math.min(best, System.nanoTime() - t0);
    }
    return 2.0 * s * s * s / best;
  }
}
