package io.hardneg.spark.stage;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.data.VectorMath;
import io.hardneg.core.metrics.Nmi;
import io.hardneg.core.metrics.RetrievalMetrics;
import io.hardneg.spark.io.KnownPairs;
import io.hardneg.spark.io.Tables;
import io.hardneg.spark.result.Retrieval;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * EVALUATE: the evaluation embeddings are collected and searched exactly (query = reference, self
 * excluded) with double-precision distances; reports Recall@K, Precision@1, R-Precision, MAP@R, NMI
 * of a seeded k-means (k = classes), the per-class breakdown and the embedding spread. In pair mode
 * (given {@link KnownPairs}) relevance is a known positive pair instead of a shared label ({@link
 * RetrievalMetrics#evaluate(LabeledVectors, long[], long[])}); NMI and the per-class breakdown need
 * classes and are left out, and {@code relevance = pairs} says so.
 */
public final class EvaluateStage {
  /** Seed of the NMI clustering: fixed, so rounds are compared on the same footing. */
  static final long NMI_SEED = 17;

  private EvaluateStage() {}

  /** Metrics and the collected embeddings they were computed on (sorted by id). */
  public record Evaluation(Retrieval metrics, LabeledVectors embeddings) {}

  /** The metrics of embedded items. */
  public static Retrieval evaluate(Dataset<Row> embeddings) {
    return evaluateFull(embeddings).metrics();
  }

  /** The metrics of embedded items; pair mode when {@code pairs} is not null. */
  public static Retrieval evaluate(Dataset<Row> embeddings, KnownPairs pairs) {
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
  public static Retrieval metrics(LabeledVectors t, KnownPairs pairs) {
    RetrievalMetrics.Result r = RetrievalMetrics.evaluate(t, pairs.anchors(), pairs.positives());
    return Retrieval.of(r, spread(t), null, null, (long) pairs.size());
  }

  /**
   * The validation split's metrics (what selects the best round): the retrieval metrics only, no
   * NMI (its k-means with k = classes would cost more than everything else on a split of thousands
   * of classes) and no per-class breakdown; pair mode when {@code pairs} is not null.
   */
  public static Retrieval validation(Dataset<Row> embeddings, KnownPairs pairs) {
    LabeledVectors t = Tables.collect(embeddings);
    if (pairs != null) {
      return metrics(t, pairs);
    }
    return Retrieval.of(RetrievalMetrics.evaluate(t), spread(t), null, null, null);
  }

  /** Metrics of a driver-side table of unit embeddings. */
  public static Retrieval metrics(LabeledVectors t) {
    RetrievalMetrics.Result r = RetrievalMetrics.evaluate(t);
    double nmi = t.size() == 0 ? Double.NaN : Nmi.kMeans(t, NMI_SEED);
    Map<String, RetrievalMetrics.ClassResult> perClass = new LinkedHashMap<>();
    r.perClass().forEach((label, c) -> perClass.put(String.valueOf(label), c));
    return Retrieval.of(r, spread(t), nmi, perClass, null);
  }

  private static double spread(LabeledVectors t) {
    return VectorMath.spread(t.values(), t.size(), t.dim());
  }
}
