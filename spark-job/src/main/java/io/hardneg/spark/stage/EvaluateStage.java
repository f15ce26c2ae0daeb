package io.hardneg.spark.stage;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.data.VectorMath;
import io.hardneg.core.metrics.RetrievalMetrics;
import io.hardneg.spark.io.Tables;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * EVALUATE: the evaluation embeddings are collected and searched exactly (query = reference,
 * self excluded) with double-precision distances; also reports the embedding spread.
 */
public final class EvaluateStage {
  private EvaluateStage() {}

  /** Metrics as a JSON-ready map. */
  public static Map<String, Object> evaluate(Dataset<Row> embeddings) {
    LabeledVectors t = Tables.collect(embeddings);
    RetrievalMetrics.Result r = RetrievalMetrics.evaluate(t);
    Map<String, Object> m = new LinkedHashMap<>();
    for (Map.Entry<Integer, Double> e : r.recallAtK().entrySet()) {
      m.put("recall_at_" + e.getKey(), e.getValue());
    }
    m.put("r_precision", r.rPrecision());
    m.put("map_at_r", r.mapAtR());
    m.put("queries", r.queries());
    m.put("queries_without_positive", r.skippedQueries());
    m.put("spread", VectorMath.spread(t.values(), t.size(), t.dim()));
    return m;
  }
}
