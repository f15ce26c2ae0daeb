package io.hardneg.spark;

import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.io.PairSource;
import io.hardneg.spark.io.TableSource;
import io.hardneg.spark.run.Json;
import io.hardneg.spark.run.RunDirectory;
import io.hardneg.spark.stage.EmbedStage;
import io.hardneg.spark.stage.Histograms;
import io.hardneg.spark.stage.MineStage;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code hardneg mine}: EMBED → SEARCH → MINE once over the whole input, with a given model or
 * with the normalised raw features, for trainers outside hardneg. Writes
 * {@code <out>/triplets/} (Parquet, docs/concepts.md) and {@code <out>/mining.json}, then
 * {@code _SUCCESS}; everything is written under a temporary directory and renamed into place.
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

  /** Runs; returns the mining.json content. */
  public Map<String, Object> run() throws IOException {
    RunDirectory dir = new RunDirectory(spark.sparkContext().hadoopConfiguration(), cfg.output());
    dir.prepare();
    if (dir.fs().exists(new Path(dir.root(), RunDirectory.SUCCESS))) {
      throw new IOException(dir.root() + " already holds a committed mining output; choose "
          + "another --out");
    }
    byte[] model = modelPath == null ? null : ModelFiles.read(spark, modelPath);
    String hash = model == null ? "raw" : ModelFiles.hash(model);
    // pair mode takes its positives from the pairs: the input may come without labels
    Dataset<Row> items = TableSource.load(spark, cfg.input(), cfg.partitions(),
        cfg.pairsPath().isEmpty() ? TableSource.Labels.REQUIRED : TableSource.Labels.OPTIONAL);
    if (model != null) {
      ModelFiles.checkInputSize(model, items.first().getSeq(2).length(), modelPath);
    }
    // name the Spark jobs after the pipeline's stages (the Spark UI's job list)
    spark.sparkContext().setJobGroup("mine", "EMBED + SEARCH + MINE (embedding is lazy: it "
        + "runs inside the first search job)", false);
    Dataset<Row> emb = EmbedStage.embed(spark, items, model, cfg.embedBatch())
        .persist(StorageLevel.MEMORY_AND_DISK());
    long t0 = System.nanoTime();
    Dataset<Row> pairs = cfg.pairsPath().isEmpty() ? null
        : PairSource.load(spark, cfg.pairsPath(), cfg.pairsFormat(), items);
    MineStage.Mined mined = MineStage.mine(spark, emb, pairs, cfg.hardestPositive(),
        cfg.mining(), cfg.knn(), cfg.search(), 0, hash, cfg.partitions());
    Path tmp = new Path(dir.root(), "_tmp-mine-" + java.util.UUID.randomUUID());
    dir.fs().mkdirs(tmp);
    spark.sparkContext().setJobGroup("write", "WRITE triplets, histograms", false);
    mined.triplets().write().parquet(new Path(tmp, "triplets").toString());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", hash);
    m.put("mode", pairs == null ? "class" : "pairs");
    m.put("search", mined.search());
    m.put("anchors", mined.stats().anchors());
    m.put("triplets", mined.stats().triplets());
    m.put("by_kind", mined.stats().byKind());
    m.put("anchors_without_positive", mined.stats().noPositive());
    m.put("anchors_without_negative", mined.stats().noNegative());
    m.put("anchors_without_semihard", mined.stats().noSemiHard());
    m.put("rejected", Map.of("false_negative", mined.stats().falseNegativeRejected(),
        "near_duplicate", mined.stats().nearDuplicateRejected(), "quota",
        mined.stats().quotaRejected()));
    m.put("histograms", Histograms.of(mined.triplets()));
    m.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
    mined.release();
    spark.sparkContext().clearJobGroup();
    emb.unpersist();
    dir.writeText(new Path(tmp, "mining.json"), Json.write(m));
    dir.writeBytes(new Path(tmp, RunDirectory.SUCCESS), new byte[0]);
    // publish: move the outputs up from the temporary directory, _SUCCESS last
    for (String name : new String[] {"triplets", "mining.json", RunDirectory.SUCCESS}) {
      if (!dir.fs().rename(new Path(tmp, name), new Path(dir.root(), name))) {
        throw new IOException("could not move " + name + " into " + dir.root());
      }
    }
    dir.fs().delete(tmp, true);
    out.printf("mined %d triplets from %d anchors %s -> %s%n", mined.stats().triplets(),
        mined.stats().anchors(), mined.stats().byKind(), dir.root());
    return m;
  }
}
