package io.hardneg.spark.result;

import io.hardneg.core.metrics.RetrievalMetrics;
import io.hardneg.core.util.JsonShape;
import java.util.Map;

/**
 * Retrieval metrics of one evaluation (query = reference, self excluded): the top of {@code
 * metrics.json}, {@code evaluation.json} and each {@code baselines.json} entry.
 *
 * @param recallAtK Recall@K by K, written as {@code recall_at_K} keys, ascending K
 * @param precisionAt1 P@1
 * @param rPrecision R-Precision
 * @param mapAtR MAP@R
 * @param nmi NMI of a seeded k-means (class mode only)
 * @param queries queries with at least one relevant item
 * @param queriesWithoutPositive queries skipped for having none
 * @param spread the embeddings' spread (collapse detector)
 * @param perClass the breakdown by label (class mode only)
 * @param relevance {@code pairs} in pair mode (relevance = a known pair), else absent
 * @param knownPairs the known pairs relevance came from (pair mode only)
 */
public record Retrieval(
    @JsonShape.Inline(prefix = "recall_at_") Map<Integer, Double> recallAtK,
    double precisionAt1,
    double rPrecision,
    double mapAtR,
    @JsonShape.OmitNull Double nmi,
    long queries,
    long queriesWithoutPositive,
    double spread,
    @JsonShape.OmitNull Map<String, RetrievalMetrics.ClassResult> perClass,
    @JsonShape.OmitNull String relevance,
    @JsonShape.OmitNull Long knownPairs) {

  /** Recall@1. */
  public double recallAt1() {
    return recallAtK.get(1);
  }
}
