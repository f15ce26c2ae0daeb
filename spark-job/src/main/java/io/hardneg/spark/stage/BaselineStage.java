package io.hardneg.spark.stage;

import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.io.KnownPairs;
import io.hardneg.spark.result.Baselines;
import io.hardneg.spark.result.Retrieval;
import io.hardneg.spark.run.BaselineCache;
import java.io.IOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The baselines a run is measured against: the test side evaluated on its normalised raw features
 * and through the untrained network. Skipped on request ({@code eval.baselines = skip}); otherwise
 * read from the {@link BaselineCache} when an earlier run (or an interrupted attempt of this one)
 * computed them for the same key, else computed and cached.
 */
public final class BaselineStage {
  private static final Logger LOG = LoggerFactory.getLogger(BaselineStage.class);

  private BaselineStage() {}

  /**
   * The baselines, or null when skipped.
   *
   * @param runRoot the run directory (the default cache lies beside it)
   * @param evalItems the test side
   * @param evalPairs pair mode: the test side's known pairs; null = labels
   * @param untrained the untrained network (ModelSerializer zip)
   * @param untrainedId its {@link io.hardneg.core.model.ModelId}
   */
  public static Baselines measure(
      SparkSession spark,
      JobConfig cfg,
      Path runRoot,
      Dataset<Row> evalItems,
      KnownPairs evalPairs,
      byte[] untrained,
      String untrainedId)
      throws IOException {
    if (!cfg.baselines().compute()) {
      LOG.info("baselines skipped (eval.baselines = skip)");
      return null;
    }
    BaselineCache cache = null;
    String keyText = null;
    String key = null;
    if (cfg.baselines().cached()) {
      var conf = spark.sparkContext().hadoopConfiguration();
      cache = BaselineCache.open(conf, cfg.baselines().cache(), runRoot);
      keyText = BaselineCache.keyText(conf, cfg, untrainedId);
      key = BaselineCache.key(keyText);
      Baselines hit = cache.read(key);
      if (hit != null) {
        LOG.info("baselines cached: read {} (key {})", cache.entry(key), key);
        return hit.withSource(Baselines.CACHED);
      }
    }
    long t0 = System.nanoTime();
    Retrieval raw =
        EvaluateStage.evaluate(
            EmbedStage.embed(spark, evalItems, null, cfg.embedBatch()), evalPairs);
    Retrieval net =
        EvaluateStage.evaluate(
            EmbedStage.embed(spark, evalItems, untrained, cfg.embedBatch()), evalPairs);
    Baselines b = new Baselines(raw, net, Baselines.COMPUTED, key);
    LOG.info(
        "baselines computed in {} s{}",
        Math.round((System.nanoTime() - t0) / 1e7) / 100.0,
        key == null ? " (cache off)" : " (key " + key + ")");
    if (cache != null) {
      cache.write(key, keyText, b);
    }
    return b;
  }
}
