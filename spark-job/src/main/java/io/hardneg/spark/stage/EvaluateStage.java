package io.hardneg.spark.stage;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.data.VectorMath;
import io.hardneg.core.metrics.Nmi;
import io.hardneg.core.metrics.RetrievalMetrics;
import io.hardneg.spark.io.KnownPairs;
import io.hardneg.spark.io.Tables;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * EVALUATE: the evaluation embeddings are collected and searched exactly (query = reference,
 * self excluded) with double-precision distances; reports Recall@K, Precision@1, R-Precision,
 * MAP@R, NMI of a seeded k-means (k = classes), the per-class breakdown and the embedding spread.
 * In pair mode (given {@link KnownPairs}) relevance is a known positive pair instead of a shared
 * label ({@link RetrievalMetrics#evaluate(LabeledVectors, long[], long[])}); NMI and the
 * per-class breakdown need classes and are left out, and {@code relevance = pairs} says so.
 */
public final class EvaluateStage {
  /** Seed of the NMI clustering: fixed, so rounds are compared on the same footing. */
  static final long NMI_SEED = 17;

  private EvaluateStage() {}

  /** Metrics and the collected embeddings they were computed on (sorted by id). */
  public record Evaluation(Map<String, Object> metrics, LabeledVectors embeddings) {}

  /** Metrics as a JSON-ready map. */
  public static Map<String, Object> evaluate(Dataset<Row> embeddings) {
    return evaluateFull(embeddings).metrics();
  }

  /** Metrics as a JSON-ready map; pair mode when {@code pairs} is not null. */
  public static Map<String, Object> evaluate(Dataset<Row> embeddings, KnownPairs pairs) {
    return evaluateFull(embeddings, pairs).metrics();
  }

  /** Metrics plus the embeddings (for the report's projection). */
  public static Evaluation evaluateFull(Dataset<Row> embeddings) {
    return evaluateFull(embeddings, null);
  }

  /** Metrics plus the embeddings; pair mode when {@code pairs} is not null. */
  public static Evaluation evaluateFull(Dataset<Row> embeddings, KnownPairs pairs) {
    LabeledVectors t = Tables.collect(embeddings);
    return new Evaluation(pairs == null ? metrics(t) : metrics(t, pairs), t);
  }

  /**
   * Pair-mode metrics of a driver-side table of unit embeddings: relevant = a known positive
   * (either direction of a pair); no NMI, no per-class breakdown.
   */
  public static Map<String, Object> metrics(LabeledVectors t, KnownPairs pairs) {
    RetrievalMetrics.Result r = RetrievalMetrics.evaluate(t, pairs.anchors(), pairs.positives());
    Map<String, Object> m = retrieval(r);
    putCounts(m, r, t);
    m.put("relevance", "pairs");
    m.put("known_pairs", pairs.size());
    return m;
  }

  /** Metrics of a driver-side table of unit embeddings. */
  public static Map<String, Object> metrics(LabeledVectors t) {
    RetrievalMetrics.Result r = RetrievalMetrics.evaluate(t);
    Map<String, Object> m = retrieval(r);
    m.put("nmi", t.size() == 0 ? Double.NaN : Nmi.kMeans(t, NMI_SEED));
    putCounts(m, r, t);
    Map<String, Object> perClass = new LinkedHashMap<>();
    r.perClass().forEach((label, c) -> {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("items", c.items());
      x.put("queries", c.queries());
      x.put("precision_at_1", c.precisionAt1());
      x.put("r_precision", c.rPrecision());
      x.put("map_at_r", c.mapAtR());
      perClass.put(String.valueOf(label), x);
    });
    m.put("per_class", perClass);
    return m;
  }

  /** Recall@K, P@1, R-Precision and MAP@R, in the order metrics.json has always listed them. */
  private static Map<String, Object> retrieval(RetrievalMetrics.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Map.Entry<Integer, Double> e : r.recallAtK().entrySet()) {
      m.put("recall_at_" + e.getKey(), e.getValue());
    }
    m.put("precision_at_1", r.precisionAt1());
    m.put("r_precision", r.rPrecision());
    m.put("map_at_r", r.mapAtR());
    return m;
  }

  /** Query counts and the embeddings' spread, shared by class and pair mode. */
  private static void putCounts(Map<String, Object> m, RetrievalMetrics.Result r,
      LabeledVectors t) {
    m.put("queries", r.queries());
    m.put("queries_without_positive", r.skippedQueries());
    m.put("spread", VectorMath.spread(t.values(), t.size(), t.dim()));
  }
}
