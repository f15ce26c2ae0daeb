package io.hardneg.spark.result;

import io.hardneg.core.metrics.RetrievalMetrics;
import io.hardneg.core.util.JsonShape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

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

  /**
   * The record of one metrics result.
   *
   * @param r the retrieval metrics
   * @param spread the embeddings' spread
   * @param nmi NMI (class mode), or null
   * @param perClass the breakdown by label (class mode), or null
   * @param knownPairs pair mode: the known pairs relevance came from ({@code relevance = pairs});
   *     null in class mode
   */
  public static Retrieval of(
      RetrievalMetrics.Result r,
      double spread,
      Double nmi,
      Map<String, RetrievalMetrics.ClassResult> perClass,
      Long knownPairs) {
    return new Retrieval(
        r.recallAtK(),
        r.precisionAt1(),
        r.rPrecision(),
        r.mapAtR(),
        nmi,
        r.queries(),
        r.skippedQueries(),
        spread,
        perClass,
        knownPairs == null ? null : "pairs",
        knownPairs);
  }

  /**
   * Reads back what {@link io.hardneg.spark.run.Json#write} wrote for a Retrieval (a cached
   * baseline): the same values, a JSON null read as NaN.
   */
  public static Retrieval fromJson(Map<String, Object> m) {
    Map<Integer, Double> recall = new TreeMap<>();
    m.forEach(
        (k, v) -> {
          if (k.startsWith("recall_at_")) {
            recall.put(Integer.parseInt(k.substring("recall_at_".length())), num(v));
          }
        });
    Map<String, RetrievalMetrics.ClassResult> perClass = null;
    if (m.get("per_class") instanceof Map<?, ?> pc) {
      perClass = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : pc.entrySet()) {
        Map<?, ?> c = (Map<?, ?>) e.getValue();
        perClass.put(
            String.valueOf(e.getKey()),
            new RetrievalMetrics.ClassResult(
                ((Number) c.get("items")).longValue(),
                ((Number) c.get("queries")).longValue(),
                num(c.get("precision_at_1")),
                num(c.get("r_precision")),
                num(c.get("map_at_r"))));
      }
    }
    return new Retrieval(
        new LinkedHashMap<>(recall),
        num(m.get("precision_at_1")),
        num(m.get("r_precision")),
        num(m.get("map_at_r")),
        m.containsKey("nmi") ? num(m.get("nmi")) : null,
        ((Number) m.get("queries")).longValue(),
        ((Number) m.get("queries_without_positive")).longValue(),
        num(m.get("spread")),
        perClass,
        (String) m.get("relevance"),
        m.get("known_pairs") == null ? null : ((Number) m.get("known_pairs")).longValue());
  }

  private static double num(Object v) {
    return v == null ? Double.NaN : ((Number) v).doubleValue();
  }

  /** Recall@1. */
  public double recallAt1() {
    return recallAtK.get(1);
  }
}
