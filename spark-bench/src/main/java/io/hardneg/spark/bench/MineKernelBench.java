package io.hardneg.spark.bench;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.mining.MiningConfig;
import io.hardneg.core.search.ListSearch;
import io.hardneg.core.search.VectorEntry;
import io.hardneg.spark.stage.PositiveStage;
import io.hardneg.spark.stage.search.EntryRows;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The masked kernel alone on exactly what an exact MINE stage hands it: the same embeddings, the
 * same positives (the stage's seeded draw for the round, so the same {@code d(a,p)} bounds), the
 * same k ({@code max(nearestNeeded, beyondNeeded)}) and the same blocks, every anchor with a
 * positive searched against all items. It runs as {@code tasks} concurrent calls on 1/tasks of the
 * anchors each, the way Spark's task slots run the broadcast search; no Spark, no rules, no rows.
 * {@link PeerBench} times it next to the stage, so "MINE ÷ its kernel" compares two timings of one
 * JVM on one set of vectors (the kernel bench, {@link KernelBench}, uses random unit vectors).
 */
final class MineKernelBench {
  private MineKernelBench() {}

  /** The k of both lists, as {@code ListSearch.searchQueries} asks the kernel for. */
  static int k(MiningConfig mining) {
    return Math.max(1, Math.max(mining.nearestNeeded(), mining.beyondNeeded()));
  }

  /**
   * Seconds of each of {@code reps} repetitions after an untimed one (the stage has run before, so
   * the kernel is compiled).
   */
  static double[] time(
      SparkSession spark,
      Dataset<Row> embeddings,
      MiningConfig mining,
      KnnOptions knn,
      int round,
      int partitions,
      int tasks,
      int reps)
      throws InterruptedException {
    List<VectorEntry> all =
        new ArrayList<>(
            EntryRows.collect(
                PositiveStage.attach(spark, embeddings, mining.seed(), round, partitions)
                    .anchors()));
    all.sort(Comparator.comparingLong(VectorEntry::id));
    List<VectorEntry> withPos = all.stream().filter(VectorEntry::hasPositive).toList();
    if (withPos.isEmpty()) {
      return new double[reps]; // nothing to search: reported as too fast to time
    }
    LabeledVectors base = ListSearch.table(all);
    KnnOptions opt = new KnnOptions(k(mining), knn.queryBlock(), knn.baseBlock(), knn.precision());
    LabeledVectors queries = ListSearch.table(withPos);
    double[] bounds = withPos.stream().mapToDouble(VectorEntry::dAp).toArray();
    double[] secs = new double[reps];
    // repetition -1 is untimed: at 5ae5412, timed, the first call took 8.3 s and the second 5.1 s
    for (int r = -1; r < reps; r++) {
      long t0 = System.nanoTime();
      KernelBench.concurrent(queries, base, bounds, opt, tasks);
      if (r >= 0) {
        secs[r] = (System.nanoTime() - t0) / 1e9;
      }
    }
    return secs;
  }
}
