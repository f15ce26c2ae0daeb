package io.hardneg.spark;

import io.hardneg.core.model.ModelId;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.io.KnownPairs;
import io.hardneg.spark.io.PairSource;
import io.hardneg.spark.io.TableSource;
import io.hardneg.spark.result.EvaluationReport;
import io.hardneg.spark.run.AtomicOutput;
import io.hardneg.spark.run.Json;
import io.hardneg.spark.stage.EmbedStage;
import io.hardneg.spark.stage.EvaluateStage;
import java.io.IOException;
import java.io.PrintStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * {@code hardneg evaluate}: embeds every item of the input with a model (or takes the normalised
 * features when there is none) and reports the retrieval metrics of {@link EvaluateStage} over all
 * of them (query = reference = the whole input, self excluded, exact kNN through the core kernel).
 * Prints the metrics as JSON; with an output directory also publishes {@code <out>/evaluation.json}
 * and {@code <out>/_SUCCESS} in one rename ({@link AtomicOutput}). With {@code mining.pairs.path}
 * set (pair mode) relevance is a known pair of that table (whose ids must name items of the input)
 * instead of a shared label, and the input may come without labels.
 */
public final class EvaluateJob {
  private final SparkSession spark;
  private final JobConfig cfg;
  private final String modelPath;
  private final String outDir;
  private final PrintStream out;

  /** {@code modelPath} and {@code outDir} may be null. */
  public EvaluateJob(
      SparkSession spark, JobConfig cfg, String modelPath, String outDir, PrintStream out) {
    this.spark = spark;
    this.cfg = cfg;
    this.modelPath = modelPath;
    this.outDir = outDir;
    this.out = out;
  }

  /** Runs; returns the metrics. */
  public EvaluationReport run() throws IOException {
    if (outDir == null) {
      EvaluationReport m = evaluate();
      out.print(Json.write(m));
      return m;
    }
    Path target = new Path(outDir);
    FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
    AtomicOutput output =
        new AtomicOutput(fs, fs.makeQualified(target), AtomicOutput.Unfinished.REFUSE);
    Path tmp = output.begin(); // refused or unwritable before any work
    boolean published = false;
    try {
      EvaluationReport m = evaluate();
      String json = Json.write(m);
      output.writeText(new Path(tmp, "evaluation.json"), json);
      output.publish(tmp);
      published = true;
      out.print(json);
      return m;
    } finally {
      if (!published) {
        output.discard(tmp);
      }
    }
  }

  private EvaluationReport evaluate() {
    byte[] model = modelPath == null ? null : ModelFiles.read(spark, modelPath);
    // restored once on the driver for the checks, the id and the batch; EMBED ships the bytes
    MultiLayerNetwork net = model == null ? null : ModelFiles.restore(model, modelPath, false);
    boolean pairMode = !cfg.pairsPath().isEmpty();
    Dataset<Row> items =
        TableSource.load(
            spark,
            cfg.input(),
            cfg.partitions(),
            pairMode ? TableSource.Labels.OPTIONAL : TableSource.Labels.REQUIRED);
    KnownPairs pairs =
        pairMode
            ? KnownPairs.collect(PairSource.load(spark, cfg.pairsPath(), cfg.pairsFormat(), items))
            : null;
    if (model != null) {
      ModelFiles.checkInputSize(net, items.first().getSeq(2).length(), modelPath);
    }
    spark.sparkContext().setJobGroup("evaluate", "EVALUATE " + cfg.input().describe(), false);
    EvaluationReport m =
        new EvaluationReport(
            modelPath == null ? "raw features" : modelPath,
            model == null ? ModelId.RAW : ModelId.of(net),
            cfg.input().describe(),
            EvaluateStage.evaluate(
                EmbedStage.embed(spark, items, model, ModelFiles.embedBatch(cfg, net)), pairs));
    spark.sparkContext().clearJobGroup();
    return m;
  }
}
