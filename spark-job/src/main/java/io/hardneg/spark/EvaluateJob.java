package io.hardneg.spark;

import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.io.KnownPairs;
import io.hardneg.spark.io.PairSource;
import io.hardneg.spark.io.TableSource;
import io.hardneg.spark.run.Json;
import io.hardneg.spark.run.RunDirectory;
import io.hardneg.spark.stage.EmbedStage;
import io.hardneg.spark.stage.EvaluateStage;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code hardneg evaluate}: embeds every item of the input with a model (or takes the
 * normalised features when there is none) and reports the retrieval metrics of
 * {@link EvaluateStage} over all of them (query = reference = the whole input, self excluded,
 * exact kNN through the core kernel). Prints the metrics as JSON; with an output directory also
 * writes {@code <out>/evaluation.json} atomically. With {@code mining.pairs.path} set (pair mode)
 * relevance is a known pair of that table (whose ids must name items of the input) instead of a
 * shared label, and the input may come without labels.
 */
public final class EvaluateJob {
  private final SparkSession spark;
  private final JobConfig cfg;
  private final String modelPath;
  private final String outDir;
  private final PrintStream out;

  /** {@code modelPath} and {@code outDir} may be null. */
  public EvaluateJob(SparkSession spark, JobConfig cfg, String modelPath, String outDir,
      PrintStream out) {
    this.spark = spark;
    this.cfg = cfg;
    this.modelPath = modelPath;
    this.outDir = outDir;
    this.out = out;
  }

  /** Runs; returns the metrics. */
  public Map<String, Object> run() throws IOException {
    byte[] model = modelPath == null ? null : ModelFiles.read(spark, modelPath);
    boolean pairMode = !cfg.pairsPath().isEmpty();
    Dataset<Row> items = TableSource.load(spark, cfg.input(), cfg.partitions(),
        pairMode ? TableSource.Labels.OPTIONAL : TableSource.Labels.REQUIRED);
    KnownPairs pairs = pairMode ? KnownPairs.collect(
        PairSource.load(spark, cfg.pairsPath(), cfg.pairsFormat(), items)) : null;
    if (model != null) {
      ModelFiles.checkInputSize(model, items.first().getSeq(2).length(), modelPath);
    }
    spark.sparkContext().setJobGroup("evaluate", "EVALUATE " + cfg.input().describe(), false);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", modelPath == null ? "raw features" : modelPath);
    m.put("model_hash", model == null ? "raw" : ModelFiles.hash(model));
    m.put("input", cfg.input().describe());
    m.putAll(EvaluateStage.evaluate(EmbedStage.embed(spark, items, model, cfg.embedBatch()),
        pairs));
    spark.sparkContext().clearJobGroup();
    String json = Json.write(m);
    if (outDir != null) {
      RunDirectory dir = new RunDirectory(spark.sparkContext().hadoopConfiguration(), outDir);
      dir.prepare();
      dir.writeAtomically("evaluation.json", json);
    }
    out.print(json);
    return m;
  }
}
