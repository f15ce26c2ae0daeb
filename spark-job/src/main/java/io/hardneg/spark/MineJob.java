package io.hardneg.spark;

import io.hardneg.core.mining.MiningConfig;
import io.hardneg.core.model.ModelId;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.io.PairSource;
import io.hardneg.spark.io.TableSource;
import io.hardneg.spark.result.MiningReport;
import io.hardneg.spark.run.AtomicOutput;
import io.hardneg.spark.run.Json;
import io.hardneg.spark.stage.EmbedStage;
import io.hardneg.spark.stage.Histograms;
import io.hardneg.spark.stage.MineStage;
import java.io.IOException;
import java.io.PrintStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * {@code hardneg mine}: EMBED → SEARCH → MINE once over the whole input, with a given model or with
 * the normalised raw features, for trainers outside hardneg. Writes {@code <out>/triplets/}
 * (Parquet) and {@code <out>/mining.json}, then {@code _SUCCESS}, into a temporary directory beside
 * {@code <out>} that one rename publishes ({@link AtomicOutput}).
 */
public final class MineJob {
  private final SparkSession spark;
  private final JobConfig cfg;
  private final String modelPath;
  private final PrintStream out;

  /** {@code modelPath} may be null: mine on the normalised input features. */
  public MineJob(SparkSession spark, JobConfig cfg, String modelPath, PrintStream out) {
    this.spark = spark;
    this.cfg = cfg;
    this.modelPath = modelPath;
    this.out = out;
  }

  /** Runs; returns what mining.json holds. */
  public MiningReport run() throws IOException {
    Path target = new Path(cfg.output());
    FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
    AtomicOutput output =
        new AtomicOutput(fs, fs.makeQualified(target), AtomicOutput.Unfinished.REFUSE);
    // refused (committed or unfinished target) or unwritable before any expensive stage
    Path tmp = output.begin();
    boolean published = false;
    try {
      MiningReport m = mine(tmp);
      output.writeText(new Path(tmp, "mining.json"), Json.write(m));
      output.publish(tmp);
      published = true;
      out.printf(
          "mined %d triplets from %d anchors %s -> %s%n",
          m.triplets(), m.anchors(), m.byKind(), output.target());
      return m;
    } finally {
      if (!published) {
        output.discard(tmp);
      }
    }
  }

  /** EMBED, SEARCH, MINE; writes the triplets into {@code tmp}. */
  private MiningReport mine(Path tmp) throws IOException {
    byte[] model = modelPath == null ? null : ModelFiles.read(spark, modelPath);
    // restored once on the driver for the checks, the id and the batch; EMBED ships the bytes
    MultiLayerNetwork net = model == null ? null : ModelFiles.restore(model, modelPath, false);
    String id = model == null ? ModelId.RAW : ModelId.of(net);
    // pair mode takes its positives from the pairs: the input may come without labels
    Dataset<Row> items =
        TableSource.load(
            spark,
            cfg.input(),
            cfg.partitions(),
            cfg.pairsPath().isEmpty() ? TableSource.Labels.REQUIRED : TableSource.Labels.OPTIONAL);
    if (model != null) {
      ModelFiles.checkInputSize(net, items.first().getSeq(2).length(), modelPath);
    }
    // name the Spark jobs after the pipeline's stages (the Spark UI's job list)
    spark
        .sparkContext()
        .setJobGroup(
            "mine",
            "EMBED + SEARCH + MINE (embedding is lazy: it " + "runs inside the first search job)",
            false);
    Dataset<Row> emb =
        EmbedStage.embed(spark, items, model, ModelFiles.embedBatch(cfg, net))
            .persist(StorageLevel.MEMORY_AND_DISK());
    long t0 = System.nanoTime();
    Dataset<Row> pairs =
        cfg.pairsPath().isEmpty()
            ? null
            : PairSource.load(spark, cfg.pairsPath(), cfg.pairsFormat(), items);
    MineStage.Mined mined =
        MineStage.mine(
            spark,
            emb,
            pairs,
            cfg.hardestPositive(),
            cfg.mining(),
            cfg.knn(),
            cfg.search(),
            0,
            id,
            cfg.partitions());
    spark.sparkContext().setJobGroup("write", "WRITE triplets, histograms", false);
    mined.triplets().write().parquet(new Path(tmp, "triplets").toString());
    MiningReport m = report(0, id, pairs != null, mined, cfg.mining(), secondsSince(t0));
    mined.release();
    spark.sparkContext().clearJobGroup();
    emb.unpersist();
    return m;
  }

  /**
   * The {@code mining.json} of a mining pass, for a training round and for {@code hardneg mine}
   * alike: the statistics, the rules, and the hardness histograms (one Spark job over the
   * triplets).
   */
  static MiningReport report(
      int round,
      String model,
      boolean pairMode,
      MineStage.Mined mined,
      MiningConfig mining,
      double seconds) {
    return MiningReport.of(
        round,
        model,
        pairMode,
        mined.search(),
        mined.positives(),
        mined.stats(),
        mining,
        Histograms.of(mined.triplets()),
        seconds);
  }

  private static double secondsSince(long t0) {
    return Math.round((System.nanoTime() - t0) / 1e7) / 100.0;
  }
}
