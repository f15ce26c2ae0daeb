package io.hardneg.spark;

import io.hardneg.core.mining.MiningStats;
import io.hardneg.core.model.EmbeddingNetworks;
import io.hardneg.core.model.ModelId;
import io.hardneg.core.model.ModelSpec;
import io.hardneg.spark.config.ConfigException;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.io.InputException;
import io.hardneg.spark.io.KnownPairs;
import io.hardneg.spark.io.PairSource;
import io.hardneg.spark.io.TableSource;
import io.hardneg.spark.report.Progress;
import io.hardneg.spark.report.ReportWriter;
import io.hardneg.spark.report.RoundTables;
import io.hardneg.spark.result.Baselines;
import io.hardneg.spark.result.MiningReport;
import io.hardneg.spark.result.Retrieval;
import io.hardneg.spark.result.RoundMetrics;
import io.hardneg.spark.result.RunInfo;
import io.hardneg.spark.result.Timings;
import io.hardneg.spark.run.BestRound;
import io.hardneg.spark.run.Json;
import io.hardneg.spark.run.RunDirectory;
import io.hardneg.spark.stage.BaselineStage;
import io.hardneg.spark.stage.EmbedStage;
import io.hardneg.spark.stage.EvaluateStage;
import io.hardneg.spark.stage.MineStage;
import io.hardneg.spark.stage.SplitStage;
import io.hardneg.spark.stage.TrainAugment;
import io.hardneg.spark.stage.TrainStage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training job: load → seeded split (train, validation, test: {@link SplitStage}) → baselines →
 * rounds of EMBED → MINE → TRAIN → EVALUATE → COMMIT. A rerun on the same output resumes after the
 * last committed round.
 *
 * <p>Long on purpose: the stages live in {@code stage/} and the files in {@code run/} and {@code
 * result/}; what is left here is the run's order (setup, resume, the round, its commit), which
 * reads best top to bottom in one place.
 */
public final class TrainJob {
  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

  private final SparkSession spark;
  private final JobConfig cfg;
  private final PrintStream out;
  private Progress progress;

  /** Pair mode: the pairs table as loaded (persisted until the run ends). */
  private Dataset<Row> pairsTable;

  /** Pair mode: the known pairs with both ids in the training split (mined each round). */
  private Dataset<Row> trainPairs;

  /** Pair mode: the known pairs among the evaluation items (their relevance); null = labels. */
  private KnownPairs evalPairs;

  /** Pair mode: the known pairs with both ids in the validation split; null = labels. */
  private KnownPairs validationPairs;

  public TrainJob(SparkSession spark, JobConfig cfg, PrintStream out) {
    this.spark = spark;
    this.cfg = cfg;
    this.out = out;
  }

  /** What a run produced, for callers and tests. */
  public record Summary(
      Retrieval rawPixels, Retrieval untrained, List<RoundMetrics> rounds, String output) {}

  /** Runs (or resumes) the job. */
  public Summary run() throws IOException {
    boolean pairMode = !cfg.pairsPath().isEmpty();
    if (pairMode && cfg.train().mode() == JobConfig.TrainMode.PK) {
      throw new ConfigException(
          "train.mode = pk composes batches of P classes x K items and "
              + "needs class labels, but mining.pairs.path is set (pair mode: '"
              + cfg.pairsPath()
              + "'); use train.mode = triplets with pairs, or unset mining.pairs.path");
    }
    if (pairMode && cfg.train().mode() == JobConfig.TrainMode.MINED) {
      throw new ConfigException(
          "train.mode = mined feeds a labels-in-batch loss, which compares every row of a batch "
              + "with every other by class label; mining.pairs.path is set (pair mode: '"
              + cfg.pairsPath()
              + "'), where there are no classes, so a known positive of one anchor in the batch "
              + "would count as a negative of it; use train.mode = triplets with pairs, or unset "
              + "mining.pairs.path");
    }
    RunDirectory dir = new RunDirectory(spark.sparkContext().hadoopConfiguration(), cfg.output());
    dir.prepare();
    long t0 = System.nanoTime();
    TableSource.Labels labels =
        pairMode ? TableSource.Labels.OPTIONAL : TableSource.Labels.REQUIRED;
    Dataset<Row> items = TableSource.load(spark, cfg.input(), cfg.partitions(), labels);
    SplitStage.Sides sides =
        SplitStage.split(
            items,
            cfg.evalInput() == null
                ? null
                : TableSource.load(spark, cfg.evalInput(), cfg.partitions(), labels),
            cfg);
    Dataset<Row> evalItems = sides.test();
    Dataset<Row> trainItems = sides.train();
    Dataset<Row> validationItems = sides.validation();
    long nTrain = trainItems.count();
    long nEval = evalItems.count();
    long nValidation = validationItems == null ? 0 : validationItems.count();
    int inputDim = trainItems.first().getSeq(2).length();
    if (nEval == 0 || nTrain == 0) {
      throw new ConfigException(
          "no items to "
              + (nTrain == 0 ? "train on" : "evaluate on")
              + " ("
              + nTrain
              + " training, "
              + nEval
              + " evaluation items)");
    }
    if (validationItems != null && nValidation == 0) {
      throw new ConfigException(
          "the validation split is empty: eval.validation.fraction = "
              + cfg.validation().fraction()
              + " by "
              + cfg.validation().by().name().toLowerCase(Locale.ROOT)
              + " of "
              + nTrain
              + " training items took none (by class: too few classes); raise the fraction, "
              + "split by item, or set eval.validation.fraction = 0 to select on the test set");
    }
    int evalDim = evalItems.first().getSeq(2).length();
    if (evalDim != inputDim) {
      throw new ConfigException(
          "evaluation set "
              + cfg.evalInput().describe()
              + " has "
              + evalDim
              + " features per item, the training input has "
              + inputDim);
    }
    // train.augment's input rules, before the baselines and round 0's EMBED and MINE
    TrainAugment augment = TrainAugment.forInput(cfg, trainItems, inputDim);
    if (pairMode) {
      loadPairs(trainItems, validationItems, evalItems);
    }
    ModelSpec spec = cfg.modelSpec(inputDim);
    LOG.info(
        "loaded {} items ({} train, {} validation, {} test, dim {}) in {} s",
        nTrain + nValidation + nEval,
        nTrain,
        nValidation,
        nEval,
        inputDim,
        secondsSince(t0));

    int last = dir.lastCommittedRound();
    MultiLayerNetwork net;
    Retrieval raw = null;
    Retrieval untrained = null;
    if (last < 0) {
      net = EmbeddingNetworks.build(spec, cfg.lossFunction());
      dir.writeAtomically("run.json", Json.write(provenance(spec, nTrain, nEval, nValidation)));
      Baselines b =
          BaselineStage.measure(
              spark, cfg, dir.root(), evalItems, evalPairs, bytes(net), ModelId.of(net));
      if (b == null) {
        out.printf("baselines skipped (eval.baselines = skip)%n");
      } else {
        raw = b.rawPixels();
        untrained = b.untrained();
        dir.writeAtomically("baselines.json", Json.write(b));
        String from = b.source().equals(Baselines.CACHED) ? "  (cached)" : "";
        out.printf("Recall@1 raw pixels (cosine): %.4f%s%n", raw.recallAt1(), from);
        out.printf("Recall@1 untrained model:     %.4f%s%n", untrained.recallAt1(), from);
      }
    } else {
      Path zip = new Path(dir.round(last), "model.zip");
      net = ModelFiles.restore(dir.readBytes(zip), zip.toString(), true);
      ModelFiles.checkInputSize(net, inputDim, zip.toString());
      out.printf("resuming after committed round %d in %s%n", last, dir.root());
    }

    progress = new Progress(spark.sparkContext(), cfg.rounds());
    List<RoundMetrics> rounds = new ArrayList<>();
    // closed after the last round: it keeps the items' broadcast features for the whole run
    try (TrainStage trainer = new TrainStage(spark, net, cfg).checkedAugment(trainItems, augment)) {
      for (int r = last + 1; r < cfg.rounds(); r++) {
        rounds.add(round(dir, trainer, trainItems, validationItems, evalItems, r));
      }
    }
    trainItems.unpersist();
    evalItems.unpersist();
    if (validationItems != null) {
      validationItems.unpersist();
    }
    if (trainPairs != null) {
      trainPairs.unpersist();
      pairsTable.unpersist();
    }
    BestRound.Best best = BestRound.read(dir);
    if (best != null) {
      out.printf(
          "best round: %s (on %s: MAP@R %.4f, Recall@1 %.4f; test: MAP@R %.4f, Recall@1 %.4f),"
              + " model %s%n",
          best.round(),
          best.selectedOn(),
          best.mapAtR(),
          best.recallAt1(),
          ((Number) best.test().get("map_at_r")).doubleValue(),
          ((Number) best.test().get("recall_at_1")).doubleValue(),
          best.model());
    }
    out.printf("outputs: %s%n", dir.root());
    return new Summary(raw, untrained, rounds, dir.root().toString());
  }

  /**
   * Pair mode: training pairs = the pairs of {@code mining.pairs.path} with both ids in the
   * training split; evaluation pairs = those of {@code eval.pairs.path} (a separate evaluation set
   * with its own pairs), else the pairs of {@code mining.pairs.path} with both ids among the
   * evaluation items (a held-out split; or a separate set sharing the input's id space, the pairs
   * file then naming items of either table); validation pairs = the pairs of {@code
   * mining.pairs.path} with both ids in the validation split. A pair across two sides serves
   * neither.
   */
  private void loadPairs(
      Dataset<Row> trainItems, Dataset<Row> validationItems, Dataset<Row> evalItems) {
    boolean ownEvalPairs = cfg.evalInput() != null && !cfg.evalPairsPath().isEmpty();
    Dataset<Row> trainSide =
        validationItems == null
            ? trainItems.select("id")
            : trainItems.select("id").union(validationItems.select("id"));
    // ids the pairs file may name: every item, unless the evaluation set has its own pairs file
    Dataset<Row> named = ownEvalPairs ? trainSide : trainSide.union(evalItems.select("id"));
    Dataset<Row> pairs = PairSource.load(spark, cfg.pairsPath(), cfg.pairsFormat(), named);
    pairsTable = pairs;
    trainPairs = PairSource.within(pairs, trainItems).persist(StorageLevel.MEMORY_AND_DISK());
    if (validationItems != null) {
      validationPairs = KnownPairs.collect(PairSource.within(pairs, validationItems));
      if (validationPairs.size() == 0) {
        throw new InputException(
            cfg.pairsPath()
                + ": no pair has both ids in the validation split; pair-mode selection needs "
                + "known positives among them (raise eval.validation.fraction, or set it to 0 "
                + "to select on the test set)");
      }
    }
    Dataset<Row> eval =
        ownEvalPairs
            ? PairSource.load(spark, cfg.evalPairsPath(), cfg.pairsFormat(), evalItems)
            : PairSource.within(pairs, evalItems);
    evalPairs = KnownPairs.collect(eval);
    long nTrainPairs = trainPairs.count();
    String source = ownEvalPairs ? cfg.evalPairsPath() : cfg.pairsPath();
    if (nTrainPairs == 0) {
      throw new InputException(
          cfg.pairsPath()
              + ": no pair has both ids in the training split; "
              + "pair mode mines from pairs of training items");
    }
    if (evalPairs.size() == 0) {
      throw new InputException(
          source
              + ": no pair has both ids among the evaluation items; "
              + "pair-mode metrics need known positives among them");
    }
    LOG.info(
        "pair mode: {} training pairs, {} evaluation pairs (from {})",
        nTrainPairs,
        evalPairs.size(),
        source);
  }

  private RoundMetrics round(
      RunDirectory dir,
      TrainStage trainer,
      Dataset<Row> trainItems,
      Dataset<Row> validationItems,
      Dataset<Row> evalItems,
      int r)
      throws IOException {
    long t0 = System.nanoTime();
    progress.roundStarted(r);
    Progress.Stage stage = progress.start(r, "EMBED", "embed the training split");
    byte[] before = bytes(trainer.network());
    String modelId = ModelId.of(trainer.network());
    Dataset<Row> trainEmb =
        EmbedStage.embed(spark, trainItems, before, cfg.embedBatch())
            .persist(StorageLevel.MEMORY_AND_DISK());
    long embedded = trainEmb.count();
    double embedS = secondsSince(t0);
    stage.done(embedded, "items");
    stage = progress.start(r, "MINE", "search negatives, apply the mining rules");

    long t1 = System.nanoTime();
    MineStage.Mined mined =
        MineStage.mine(
            spark,
            trainEmb,
            trainPairs,
            cfg.hardestPositive(),
            cfg.mining(),
            cfg.knn(),
            cfg.search(),
            r,
            modelId,
            cfg.partitions());
    long triplets = mined.triplets().count();
    double mineS = secondsSince(t1);
    MiningStats stats = mined.stats();
    stage.done(stats.anchors(), "anchors");
    LOG.info("round {}: embedded {} items, mined {} triplets ({})", r, embedded, triplets, stats);
    if (triplets < stats.anchors() / 10) {
      LOG.warn(
          "round {}: only {} triplets for {} anchors — the rules or guards reject almost "
              + "every candidate (raise mining.candidateSlack or loosen the guards)",
          r,
          triplets,
          stats.anchors());
    }
    trainEmb.unpersist();

    Path tmp = dir.beginRound(r);
    try {
      mined.triplets().write().parquet(new Path(tmp, "triplets").toString());
      MiningReport mining =
          MineJob.report(r, modelId, trainPairs != null, mined, cfg.mining(), mineS);

      long t2 = System.nanoTime();
      stage = progress.start(r, "TRAIN", "parameter-averaged training on the mined triplets");
      // after the mining model's id was taken: the rate is part of the configuration it hashes
      double learningRate = cfg.train().lr().rate(r);
      trainer.setLearningRate(learningRate);
      List<Double> scores =
          triplets == 0 ? List.of() : trainer.train(mined.triplets(), trainItems, r);
      double trainS = secondsSince(t2);
      long rows = trainer.rowsFitted();
      // DL4J's score is the loss summed over rows / rows: the built-in triplet loss counts a
      // triplet once per 3 rows, miner-core's losses report their reduced value directly
      double scale = cfg.builtInLoss() ? 3 : 1;
      List<Double> averagingLosses =
          trainer.drainAveragingScores().stream().map(x -> scale * x).toList();
      stage.done(rows, "rows");
      mined.release();

      long t3 = System.nanoTime();
      stage = progress.start(r, "EVALUATE", "embed validation and test items, exact kNN metrics");
      byte[] after = bytes(trainer.network());
      Retrieval validation =
          validationItems == null
              ? null
              : EvaluateStage.validation(
                  EmbedStage.embed(spark, validationItems, after, cfg.embedBatch()),
                  validationPairs);
      EvaluateStage.Evaluation evaluation =
          EvaluateStage.evaluateFull(
              EmbedStage.embed(spark, evalItems, after, cfg.embedBatch()), evalPairs);
      double evaluateS = secondsSince(t3);
      stage.done(evaluation.embeddings().size(), "queries");

      dir.writeBytes(new Path(tmp, "model.zip"), after);
      dir.writeText(new Path(tmp, "mining.json"), Json.write(mining));
      stage = progress.start(r, "COMMIT", "report tables, commit, report.html");
      RoundTables.write(
          spark,
          dir,
          tmp,
          evaluation.embeddings(),
          trainItems,
          cfg.input().format() == io.hardneg.spark.io.InputSpec.Format.IDX,
          cfg.mining().margin(),
          cfg.seed(),
          r);
      RoundMetrics metrics =
          new RoundMetrics(
              evaluation.metrics(),
              r,
              scores,
              averagingLosses,
              scores.isEmpty() ? null : scale * scores.get(scores.size() - 1),
              triplets,
              rows,
              learningRate,
              trainer.workers().drain(),
              ModelId.of(trainer.network()),
              new Timings(embedS, mineS, trainS, evaluateS, secondsSince(t0)),
              validation);
      dir.writeText(new Path(tmp, "metrics.json"), Json.write(metrics));
      Path committed = dir.commitRound(tmp, r);
      committed(dir, metrics, committed, stage);
      return metrics;
    } catch (IOException | RuntimeException | Error e) {
      // a failed round leaves nothing behind (disk full: Hadoop's FSError, a bad value)
      dir.discardRound(tmp, r);
      throw e;
    }
  }

  /** After the commit: best.json, the report, the console line. */
  private void committed(RunDirectory dir, RoundMetrics m, Path committed, Progress.Stage stage)
      throws IOException {
    int r = m.round();
    boolean best = BestRound.update(dir).round() == r;
    int charts = ReportWriter.write(dir);
    stage.done(charts, "charts");
    progress.roundDone(r);
    if (m.retrieval().spread() < 1e-3) {
      LOG.warn(
          "round {}: embedding spread {} — the embedding is collapsing", r, m.retrieval().spread());
    }
    Retrieval v = m.validation();
    out.printf(
        "round %d: Recall@1 %.4f  MAP@R %.4f%s  triplets %d  loss %s  (%.0f s)%s -> %s%n",
        r,
        m.retrieval().recallAt1(),
        m.retrieval().mapAtR(),
        v == null
            ? ""
            : String.format(
                Locale.ROOT, "  (validation Recall@1 %.4f  MAP@R %.4f)", v.recallAt1(), v.mapAtR()),
        m.triplets(),
        m.trainLoss(),
        m.timings().roundS(),
        best ? "  best so far" : "",
        committed);
  }

  private RunInfo provenance(ModelSpec spec, long nTrain, long nEval, long nValidation) {
    return new RunInfo(
        Instant.now().toString(),
        cfg.seed(),
        cfg.given(),
        cfg.input().describe(),
        nTrain,
        nEval,
        nValidation,
        new RunInfo.Model(
            spec.architecture().name().toLowerCase(Locale.ROOT),
            spec.inputDim(),
            Arrays.stream(spec.hidden()).boxed().toList(),
            spec.embeddingDim(),
            spec.learningRate(),
            cfg.lossSpec().margin()),
        new RunInfo.Versions(
            String.valueOf(TrainJob.class.getPackage().getImplementationVersion()),
            spark.version(),
            System.getProperty("java.version"),
            "1.0.0-M2"),
        spark.sparkContext().master());
  }

  /** The network as a ModelSerializer zip, updater state included (for resume). */
  static byte[] bytes(MultiLayerNetwork net) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    ModelSerializer.writeModel(net, b, true);
    return b.toByteArray();
  }

  private static double secondsSince(long t0) {
    return Math.round((System.nanoTime() - t0) / 1e7) / 100.0;
  }
}
