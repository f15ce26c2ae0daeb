package io.hardneg.core.metrics;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.knn.Mask;
import io.hardneg.core.knn.MaskedKnn;
import io.hardneg.core.knn.Neighbors;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Retrieval metrics with query set = reference set, self excluded, as pytorch-metric-learning's
 * AccuracyCalculator defines them. For a query, R is the number of <em>other</em> items of its
 * class; queries with R = 0 are skipped (and counted).
 * <ul>
 *   <li>Recall@K: share of queries with at least one same-class item among the K nearest
 *       (Recall@1 = Precision@1);
 *   <li>R-Precision: mean over queries of (same-class items among the R nearest) / R;
 *   <li>MAP@R: mean over queries of {@code (1/R) Σ_{i≤R} P(i)·rel(i)}, P(i) the precision of
 *       the first i neighbours;
 *   <li>Precision@1: share of queries whose nearest other item has its class (equal to
 *       Recall@1 under these definitions, reported under both names as the calculator does);
 *   <li>per class: the same means over the queries of each class.
 * </ul>
 * The neighbours come from the exact kernel with double-precision GEMM: in float a collapsed
 * embedding's neighbours tie and the metrics read low.
 */
public final class RetrievalMetrics {
  /** The K of Recall@K reported. */
  public static final int[] RECALL_KS = {1, 2, 4, 8, 16};

  private RetrievalMetrics() {}

  /** Metric values of one evaluation. */
  public record Result(Map<Integer, Double> recallAtK, double rPrecision, double mapAtR,
      long queries, long skippedQueries, Map<Long, ClassResult> perClass) {
    public double recallAt1() {
      return recallAtK.get(1);
    }

    public double precisionAt1() {
      return recallAtK.get(1);
    }
  }

  /**
   * The metrics over the queries of one class ({@code queries} = 0 when the class is a
   * singleton; the means are then NaN).
   */
  public record ClassResult(long items, long queries, double precisionAt1, double rPrecision,
      double mapAtR) {}

  /** Evaluates {@code items} against themselves. */
  public static Result evaluate(LabeledVectors items) {
    Map<Long, Integer> classSize = new HashMap<>();
    for (long l : items.labels()) {
      classSize.merge(l, 1, Integer::sum);
    }
    int maxR = 0;
    for (int c : classSize.values()) {
      maxR = Math.max(maxR, c - 1);
    }
    int maxK = RECALL_KS[RECALL_KS.length - 1];
    int k = Math.max(1, Math.max(maxK, maxR));
    Neighbors[] nn = MaskedKnn.search(items, items, Mask.SELF,
        new KnnOptions(k, 512, 4096, DataType.DOUBLE))[0];
    long[] hits = new long[RECALL_KS.length];
    double rPrecSum = 0;
    double mapSum = 0;
    long queries = 0;
    long skipped = 0;
    // per class: {queries, hits@1, rPrecision sum, MAP@R sum}
    Map<Long, double[]> byClass = new TreeMap<>();
    for (int q = 0; q < items.size(); q++) {
      long label = items.labels()[q];
      int r = classSize.get(label) - 1;
      double[] c = byClass.computeIfAbsent(label, x -> new double[5]);
      c[4]++;
      if (r == 0) {
        skipped++;
        continue;
      }
      queries++;
      int[] idx = nn[q].index();
      int firstHit = Integer.MAX_VALUE;
      int relevant = 0;
      double ap = 0;
      for (int i = 0; i < Math.min(r, idx.length); i++) {
        if (items.labels()[idx[i]] == label) {
          relevant++;
          ap += (double) relevant / (i + 1);
          firstHit = Math.min(firstHit, i);
        }
      }
      for (int i = r; i < Math.min(maxK, idx.length) && firstHit == Integer.MAX_VALUE; i++) {
        if (items.labels()[idx[i]] == label) {
          firstHit = i;
        }
      }
      for (int j = 0; j < RECALL_KS.length; j++) {
        if (firstHit < RECALL_KS[j]) {
          hits[j]++;
        }
      }
      rPrecSum += (double) relevant / r;
      mapSum += ap / r;
      c[0]++;
      c[1] += firstHit == 0 ? 1 : 0;
      c[2] += (double) relevant / r;
      c[3] += ap / r;
    }
    Map<Long, ClassResult> perClass = new LinkedHashMap<>();
    byClass.forEach((label, c) -> perClass.put(label, new ClassResult((long) c[4], (long) c[0],
        c[0] == 0 ? Double.NaN : c[1] / c[0], c[0] == 0 ? Double.NaN : c[2] / c[0],
        c[0] == 0 ? Double.NaN : c[3] / c[0])));
    Map<Integer, Double> recall = new LinkedHashMap<>();
    for (int j = 0; j < RECALL_KS.length; j++) {
      recall.put(RECALL_KS[j], queries == 0 ? Double.NaN : (double) hits[j] / queries);
    }
    return new Result(recall, queries == 0 ? Double.NaN : rPrecSum / queries,
        queries == 0 ? Double.NaN : mapSum / queries, queries, skipped, perClass);
  }
}
