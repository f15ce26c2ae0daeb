package io.hardneg.spark.stage;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.metrics.RetrievalMetrics;
import io.hardneg.spark.io.KnownPairs;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The retrieval metrics computed on the executors with the same kernel as the driver computation
 * ({@link RetrievalMetrics}): the evaluated table (sorted by id, compact {@code float[]}) is
 * broadcast once, the queries are cut into consecutive row ranges, one task per range searches its
 * queries against the whole table and sums their outcomes ({@link RetrievalMetrics.Sums}), and the
 * driver only merges the per-task sums in range order. A query's neighbours do not depend on the
 * range it is in, so the metrics are the driver computation's; only the order of the floating sums
 * differs (relative differences of order 1e-16). The driver holds the table once for the broadcast
 * (n × dim floats) but never the n × k neighbour lists nor the O(n²) search.
 */
final class DistributedMetrics {
  private DistributedMetrics() {}

  /**
   * The metrics of {@code t} over {@code tasks} tasks: class mode when {@code pairs} is null, else
   * pair mode (relevance = a known pair).
   */
  static RetrievalMetrics.Result of(
      JavaSparkContext jsc, LabeledVectors t, KnownPairs pairs, int tasks) {
    List<int[]> ranges = new ArrayList<>();
    int n = t.size();
    int parts = Math.max(1, Math.min(tasks, n));
    for (int i = 0; i < parts; i++) {
      ranges.add(new int[] {(int) ((long) n * i / parts), (int) ((long) n * (i + 1) / parts)});
    }
    Broadcast<LabeledVectors> table = jsc.broadcast(t);
    Broadcast<long[][]> positives =
        pairs == null
            ? null
            : jsc.broadcast(RetrievalMetrics.positiveRows(t, pairs.anchors(), pairs.positives()));
    try {
      List<RetrievalMetrics.Sums> sums =
          jsc.parallelize(ranges, parts)
              .map(
                  r ->
                      positives == null
                          ? RetrievalMetrics.classSums(table.value(), r[0], r[1])
                          : RetrievalMetrics.pairSums(table.value(), positives.value(), r[0], r[1]))
              .collect();
      RetrievalMetrics.Sums all = sums.get(0);
      for (int i = 1; i < sums.size(); i++) {
        all = all.merge(sums.get(i));
      }
      return all.result();
    } finally {
      table.destroy();
      if (positives != null) {
        positives.destroy();
      }
    }
  }
}
