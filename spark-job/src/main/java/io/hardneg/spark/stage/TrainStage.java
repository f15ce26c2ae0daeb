package io.hardneg.spark.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import io.hardneg.core.sampling.PkPlan;
import io.hardneg.core.util.Seeds;
import io.hardneg.spark.config.JobConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.util.NetworkUtils;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TRAIN: mined triplets are joined with the items' features, shuffled with a seeded key per epoch,
 * packed into DataSets of exactly {@code batchTriplets} triplets (rows a, p, n, a, p, n, ...: the
 * fixed triplet layout) and fitted with DL4J's parameter averaging.
 *
 * <p>One DataSet is one worker minibatch ({@code rddDataSetNumExamples = batchSizePerWorker}), so
 * the training master never splits a triplet across minibatches; a partition's last, shorter
 * DataSet still holds whole triplets. The data is laid out as one partition per worker in the
 * seeded order and {@link OrderedAveragingMaster} averages in partition order, so training is
 * reproducible: a rerun, or a driver resuming after a committed round, produces bit-identical
 * parameters. The RDD handed to {@code fit} is not cached by us, the master persists it at its own
 * storage level (docs/stack-notes.md P4).
 */
public final class TrainStage implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrainStage.class);
  private final JavaSparkContext jsc;
  private final MultiLayerNetwork net;
  private final List<Double> averagingScores = new ArrayList<>();
  private final JobConfig config;
  private final TrainWorkers workers;
  private final List<TrainingHook> hooks = new ArrayList<>();
  private long rowsFitted;
  // the training items never change between a run's rounds: their class sizes and broadcast
  // features are built on the first round that needs them and kept until close()
  private Dataset<Row> itemsSeen;
  private Map<Long, Long> itemSizes;
  private Broadcast<FeatureTable> table;
  private boolean tableBuilt;
  private TrainAugment augment;
  // the job's own check of its training items (checkedAugment), which close() keeps
  private Dataset<Row> checkedItems;
  private TrainAugment checkedAugment;

  /** Trains {@code net} in place with parameter averaging. */
  public TrainStage(SparkSession spark, MultiLayerNetwork net, JobConfig config) {
    this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    this.net = net;
    this.config = config;
    this.workers = new TrainWorkers(spark.sparkContext());
  }

  /** Fits one epoch; keeps the score of every averaging step; returns the last averaged score. */
  private double fitEpoch(JavaRDD<DataSet> data, int round, int epoch, int rows) {
    AveragingScores sparkNet = epochTrainer(round, epoch, rows);
    sparkNet.fit(data);
    averagingScores.addAll(sparkNet.drain());
    return sparkNet.getScore();
  }

  /**
   * A training master for one epoch. Its random state (how the epoch's data is split into averaging
   * rounds) is seeded by (seed, round, epoch), not carried from the epochs before: a driver that
   * resumes after a committed round trains exactly as an uninterrupted one.
   */
  private AveragingScores epochTrainer(int round, int epoch, int rows) {
    OrderedAveragingMaster tm =
        new OrderedAveragingMaster(
            workerCount(),
            rows,
            config.train().averagingFrequency(),
            config.train().prefetch(),
            Seeds.of(config.seed(), round, epoch));
    tm.addHook(workers.hook());
    hooks.forEach(tm::addHook);
    return new AveragingScores(jsc, net, tm);
  }

  /**
   * Adds a hook that every later epoch's workers run after each minibatch (tests use one to make a
   * training task fail mid-partition, as a lost executor does).
   */
  void addHook(TrainingHook hook) {
    hooks.add(hook);
  }

  /** Parameter-averaging workers: one per task slot of the cluster. */
  private int workerCount() {
    return Math.max(1, jsc.defaultParallelism());
  }

  /** Where minibatches were fitted since the last drain (executor, host, pid, count). */
  public TrainWorkers workers() {
    return workers;
  }

  /**
   * DL4J's score (mean triplet loss / 3) after every parameter averaging since the last call, in
   * order (the report's training curve).
   */
  public List<Double> drainAveragingScores() {
    rowsFitted = 0;
    List<Double> out = new ArrayList<>(averagingScores);
    averagingScores.clear();
    return out;
  }

  /**
   * Rows (network inputs) fitted since the last {@link #drainAveragingScores()}: 3 per triplet in
   * {@code triplets} mode, P·K per batch in {@code pk} and {@code mined} mode — what the TRAIN
   * progress line counts.
   */
  public long rowsFitted() {
    return rowsFitted;
  }

  /**
   * Sets Adam's learning rate of every layer for the epochs that follow. DL4J rebuilds its updater
   * blocks and carries their state (Adam's moments) over; parameter averaging ships the changed
   * configuration to the workers with the parameters. Set per round from {@code train.lr.*}.
   */
  public void setLearningRate(double rate) {
    setLearningRate(net, rate);
  }

  /** {@link #setLearningRate(double)} on any network. */
  static void setLearningRate(MultiLayerNetwork net, double rate) {
    NetworkUtils.setLearningRate(net, rate);
  }

  /** The network as trained so far. */
  public MultiLayerNetwork network() {
    return net;
  }

  /**
   * Trains {@code epochsPerRound} epochs on the triplets.
   *
   * @param items training items ({@code id, label, features})
   * @return the averaged minibatch score after each epoch (DL4J's score: mean triplet loss / 3)
   */
  public List<Double> train(Dataset<Row> triplets, Dataset<Row> items, int round) {
    if (config.train().mode() == JobConfig.TrainMode.PK) {
      return trainPk(triplets, items, round);
    }
    if (config.train().mode() == JobConfig.TrainMode.MINED) {
      return trainMined(triplets, items, round);
    }
    Dataset<Row> f = items.select(col("id"), col("features"));
    Dataset<Row> joined =
        triplets
            .select(col("anchor"), col("positive"), col("negative"))
            .join(f.withColumnRenamed("id", "anchor").withColumnRenamed("features", "fa"), "anchor")
            .join(
                f.withColumnRenamed("id", "positive").withColumnRenamed("features", "fp"),
                "positive")
            .join(
                f.withColumnRenamed("id", "negative").withColumnRenamed("features", "fn"),
                "negative")
            .persist(StorageLevel.MEMORY_AND_DISK());
    int batch = config.train().batchTriplets();
    long tripletCount = joined.count();
    List<Double> scores = new ArrayList<>();
    try {
      for (int epoch = 0; epoch < config.train().epochsPerRound(); epoch++) {
        // a seeded key per (round, epoch, triplet): the order does not depend on the shuffle
        Dataset<Row> ordered =
            joined
                .withColumn(
                    "k",
                    xxhash64(
                        lit(config.seed()),
                        lit(round),
                        lit(epoch),
                        col("anchor"),
                        col("positive"),
                        col("negative")))
                .repartition(workerCount(), col("k"))
                .sortWithinPartitions(col("k"))
                .select(col("fa"), col("fp"), col("fn"));
        // Spark's internal rows: each features array is one copy, not a Row of boxed floats
        JavaRDD<DataSet> data =
            ordered
                .queryExecution()
                .toRdd()
                .toJavaRDD()
                .mapPartitions(rows -> new TripletBatches(rows, batch));
        scores.add(fitEpoch(data, round, epoch, 3 * batch));
        rowsFitted += 3 * tripletCount;
      }
    } finally {
      joined.unpersist();
    }
    return scores;
  }

  /**
   * {@code pk} mode: each epoch, PK batches whose classes come from the round's mined
   * neighbourhoods, or at random ({@link PkPlan}, {@code train.pk.compose}); the network's loss
   * mines inside each batch.
   */
  private List<Double> trainPk(Dataset<Row> triplets, Dataset<Row> items, int round) {
    Map<Long, Map<Long, Long>> confusion = PkStage.confusion(config.train().pkCompose(), triplets);
    Map<Long, Long> sizes = sizes(items);
    Broadcast<FeatureTable> features = featureTable(items);
    TrainAugment views = augment(items);
    List<Double> scores = new ArrayList<>();
    for (int epoch = 0; epoch < config.train().epochsPerRound(); epoch++) {
      long epochSeed = Seeds.of(config.seed(), round, 1_000_000L + epoch);
      PkPlan plan = PkStage.plan(config.train(), sizes, confusion, epochSeed);
      JavaRDD<DataSet> data =
          PkStage.batches(jsc, items, plan, epochSeed, workerCount(), features, views);
      scores.add(fitEpoch(data, round, epoch, plan.rows()));
      rowsFitted += (long) plan.rows() * plan.batches();
    }
    return scores;
  }

  /** The items' class sizes (label to count), counted once per run. */
  private Map<Long, Long> sizes(Dataset<Row> items) {
    if (items != itemsSeen) {
      close();
      itemSizes = Map.copyOf(PkStage.sizes(items));
      itemsSeen = items;
    }
    return itemSizes;
  }

  /**
   * The items' features broadcast ({@link FeatureTable}), or null when the table is larger than
   * {@code train.featureTableMB} (the epochs then join and shuffle the features). Built on the
   * first round that needs it and kept for the rounds after it, until {@link #close()}: the driver
   * (its block manager keeps the value and its serialised pieces) and the executors hold it through
   * the run's other stages, which is what the size limit bounds.
   */
  Broadcast<FeatureTable> featureTable(Dataset<Row> items) {
    Map<Long, Long> sizes = sizes(items);
    if (!tableBuilt) {
      long t0 = System.nanoTime();
      long count = sizes.values().stream().mapToLong(Long::longValue).sum();
      if (count > 0) {
        int dim = items.select(col("features")).first().getSeq(0).length();
        table = FeatureTable.broadcast(jsc, items, count, dim, config.train().featureTableMb());
        LOG.info(
            table == null
                ? "training features ({} x {}) not broadcast (over train.featureTableMB):"
                    + " each epoch joins them"
                : "training features ({} x {}) broadcast for the run in {} s",
            count,
            dim,
            Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
      }
      tableBuilt = true;
    }
    return table;
  }

  /**
   * What pk and mined batches fit of each item ({@code train.augment}): {@link
   * TrainAugment#forInput} on the first round that trains unless the job handed its checked value
   * over ({@link #checkedAugment}), kept for the run.
   */
  TrainAugment augment(Dataset<Row> items) {
    Map<Long, Long> sizes = sizes(items); // a new items table resets the run's state
    if (augment == null) {
      augment =
          items == checkedItems
              ? checkedAugment
              : sizes.isEmpty()
                  ? TrainAugment.OFF
                  : TrainAugment.forInput(
                      config, items, items.select(col("features")).first().getSeq(0).length());
    }
    return augment;
  }

  /**
   * Hands over what {@link TrainAugment#forInput} returned for {@code items} (the job checks the
   * input's rules before its baselines), so the first round that trains does not scan the features
   * a second time. A later call of {@link #train} with another items table checks that one itself.
   *
   * @param items the training items the job checked (the same object it passes to {@link #train})
   * @param checked what {@link TrainAugment#forInput} returned for them
   * @return this stage
   */
  public TrainStage checkedAugment(Dataset<Row> items, TrainAugment checked) {
    checkedItems = Objects.requireNonNull(items, "items");
    checkedAugment = Objects.requireNonNull(checked, "checked");
    return this;
  }

  /** Destroys the broadcast feature table (if one was built); a later round builds it again. */
  @Override
  public void close() {
    if (table != null) {
      table.destroy();
    }
    table = null;
    tableBuilt = false;
    augment = null;
    itemsSeen = null;
    itemSizes = null;
  }

  /**
   * {@code mined} mode: each epoch, batches of P anchors with their positives and globally mined
   * negatives ({@link MinedStage}), as many batches as a pk epoch; the loss mines inside each.
   */
  private List<Double> trainMined(Dataset<Row> triplets, Dataset<Row> items, int round) {
    int p = config.train().pkClasses();
    int k = config.train().pkPerClass();
    int batches = MinedStage.batchesFor(sizes(items), p * k);
    Broadcast<FeatureTable> features = featureTable(items);
    TrainAugment views = augment(items);
    List<Double> scores = new ArrayList<>();
    for (int epoch = 0; epoch < config.train().epochsPerRound(); epoch++) {
      long epochSeed = Seeds.of(config.seed(), round, 1_000_000L + epoch);
      JavaRDD<DataSet> data =
          MinedStage.batches(
              triplets, items, p, k, batches, epochSeed, workerCount(), features, views);
      scores.add(fitEpoch(data, round, epoch, p * k));
      rowsFitted += (long) p * k * batches;
    }
    return scores;
  }

  /**
   * Packs rows of (fa, fp, fn) into DataSets of {@code batch} triplets, layout a,p,n. The rows are
   * Spark's internal ones, which the iterator may reuse: each is copied as it arrives.
   */
  static final class TripletBatches implements Iterator<DataSet> {
    private final Iterator<InternalRow> rows;
    private final int batch;

    TripletBatches(Iterator<InternalRow> rows, int batch) {
      this.rows = rows;
      this.batch = batch;
    }

    @Override
    public boolean hasNext() {
      return rows.hasNext();
    }

    @Override
    public DataSet next() {
      float[] x = null;
      int dim = 0;
      int t = 0;
      while (t < batch && rows.hasNext()) {
        InternalRow r = rows.next();
        for (int j = 0; j < 3; j++) {
          float[] f = r.getArray(j).toFloatArray();
          if (x == null) {
            dim = f.length;
            x = new float[3 * batch * dim];
          }
          System.arraycopy(f, 0, x, (3 * t + j) * dim, dim);
        }
        t++;
      }
      long n = 3L * t;
      if (t < batch) {
        x = Arrays.copyOf(x, (int) n * dim);
      }
      // labels are a placeholder of the output's row count: the layout carries the structure
      return new DataSet(
          Nd4j.create(x, new long[] {n, dim}, 'c'),
          Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, 1));
    }
  }
}
