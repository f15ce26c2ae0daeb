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
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EVALUATE: the evaluation embeddings are searched exactly (query = reference, self excluded) with
 * double-precision distances; reports Recall@K, Precision@1, R-Precision, MAP@R, NMI of a seeded
 * k-means (k = classes), the per-class breakdown and the embedding spread. The search runs on the
 * executors ({@link DistributedMetrics}: the table broadcast, the queries split into one range per
 * partition, the driver merging per-range sums) and gives the numbers of the driver computation
 * ({@link #metrics(LabeledVectors)}). NMI's k-means runs on the driver, up to {@link
 * #NMI_MAX_ITEMS_TIMES_CLASSES}. In pair mode (given {@link KnownPairs}) relevance is a known
 * positive pair instead of a shared label ({@link RetrievalMetrics#evaluate(LabeledVectors, long[],
 * long[])}); NMI and the per-class breakdown need classes and are left out, and {@code relevance =
 * pairs} says so.
 */
public final class EvaluateStage {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateStage.class);

  /** Seed of the NMI clustering: fixed, so rounds are compared on the same footing. */
  static final long NMI_SEED = 17;

  /**
   * NMI is left out (logged) when items × classes exceeds this: its k-means (k = classes) runs on
   * the driver at a cost of items × classes × dim per iteration; 40,000 items in 10,000 classes
   * (4·10⁸, the largest measured) took 142 s on a 2-core machine, and a million items in thousands
   * of classes would cost more than the whole distributed search.
   */
  public static final long NMI_MAX_ITEMS_TIMES_CLASSES = 400_000_000L;

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

  /**
   * Metrics plus the embeddings; pair mode when {@code pairs} is not null. The search runs on the
   * executors, one query range per partition of {@code embeddings}.
   */
  public static Evaluation evaluateFull(Dataset<Row> embeddings, KnownPairs pairs) {
    LabeledVectors t = Tables.collect(embeddings);
    RetrievalMetrics.Result r = distributed(embeddings, t, pairs);
    return new Evaluation(pairs == null ? classMode(r, t) : pairMode(r, t, pairs), t);
  }

  /**
   * Pair-mode metrics of a driver-side table of unit embeddings, searched on the driver: relevant =
   * a known positive (either direction of a pair); no NMI, no per-class breakdown.
   */
  public static Retrieval metrics(LabeledVectors t, KnownPairs pairs) {
    return pairMode(RetrievalMetrics.evaluate(t, pairs.anchors(), pairs.positives()), t, pairs);
  }

  /**
   * The validation split's metrics (what selects the best round): the retrieval metrics only, no
   * NMI (its k-means with k = classes would cost more than everything else on a split of thousands
   * of classes) and no per-class breakdown; pair mode when {@code pairs} is not null.
   */
  public static Retrieval validation(Dataset<Row> embeddings, KnownPairs pairs) {
    LabeledVectors t = Tables.collect(embeddings);
    RetrievalMetrics.Result r = distributed(embeddings, t, pairs);
    return pairs != null ? pairMode(r, t, pairs) : Retrieval.of(r, spread(t), null, null, null);
  }

  /** Metrics of a driver-side table of unit embeddings, searched on the driver. */
  public static Retrieval metrics(LabeledVectors t) {
    return classMode(RetrievalMetrics.evaluate(t), t);
  }

  /** The search of {@code t} (collected from {@code embeddings}) on the executors. */
  private static RetrievalMetrics.Result distributed(
      Dataset<Row> embeddings, LabeledVectors t, KnownPairs pairs) {
    JavaSparkContext jsc =
        JavaSparkContext.fromSparkContext(embeddings.sparkSession().sparkContext());
    return DistributedMetrics.of(jsc, t, pairs, embeddings.rdd().getNumPartitions());
  }

  private static Retrieval pairMode(RetrievalMetrics.Result r, LabeledVectors t, KnownPairs p) {
    return Retrieval.of(r, spread(t), null, null, (long) p.size());
  }

  private static Retrieval classMode(RetrievalMetrics.Result r, LabeledVectors t) {
    Double nmi;
    if (t.size() == 0) {
      nmi = Double.NaN;
    } else if ((long) t.size() * r.perClass().size() > NMI_MAX_ITEMS_TIMES_CLASSES) {
      LOG.info(
          "NMI left out: {} items x {} classes > {} (its k-means runs on the driver)",
          t.size(),
          r.perClass().size(),
          NMI_MAX_ITEMS_TIMES_CLASSES);
      nmi = null;
    } else {
      nmi = Nmi.kMeans(t, NMI_SEED);
    }
    Map<String, RetrievalMetrics.ClassResult> perClass = new LinkedHashMap<>();
    r.perClass().forEach((label, c) -> perClass.put(String.valueOf(label), c));
    return Retrieval.of(r, spread(t), nmi, perClass, null);
  }

  private static double spread(LabeledVectors t) {
    return VectorMath.spread(t.values(), t.size(), t.dim());
  }
}
