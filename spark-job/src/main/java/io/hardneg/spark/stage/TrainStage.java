package io.hardneg.spark.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.io.Schemas;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * TRAIN: mined triplets are joined with the items' features, shuffled with a seeded key per
 * epoch, packed into DataSets of exactly {@code batchTriplets} triplets (rows a, p, n, a, p, n,
 * ...: the fixed triplet layout) and fitted with DL4J's parameter averaging.
 *
 * <p>One DataSet is one worker minibatch ({@code rddDataSetNumExamples = batchSizePerWorker}),
 * so the training master never splits a triplet across minibatches; a partition's last, shorter
 * DataSet still holds whole triplets. {@code Direct} approach: no export directory is needed,
 * which is what works on clusters without shared storage (STACK.md pitfall 3); the RDD handed to
 * {@code fit} is not cached by us, the master persists it at its own storage level (pitfall 4).
 */
public final class TrainStage {
  private final AveragingScores sparkNet;
  private final JobConfig config;

  /** Wraps {@code net} for parameter-averaged training. */
  public TrainStage(SparkSession spark, MultiLayerNetwork net, JobConfig config) {
    this.config = config;
    int rows = 3 * config.train().batchTriplets();
    ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(rows)
        .batchSizePerWorker(rows)
        .averagingFrequency(config.train().averagingFrequency())
        .workerPrefetchNumBatches(config.train().prefetch())
        .saveUpdater(true)
        .rddTrainingApproach(RDDTrainingApproach.Direct)
        .storageLevel(StorageLevel.MEMORY_ONLY_SER())
        .rngSeed(config.seed())
        .collectTrainingStats(false)
        .build();
    this.sparkNet = new AveragingScores(
        JavaSparkContext.fromSparkContext(spark.sparkContext()), net, tm);
  }

  /**
   * DL4J's score (mean triplet loss / 3) after every parameter averaging since the last call,
   * in order (the report's training curve).
   */
  public List<Double> drainAveragingScores() {
    return sparkNet.drain();
  }

  /** The network as trained so far. */
  public MultiLayerNetwork network() {
    return sparkNet.getNetwork();
  }

  /**
   * Trains {@code epochsPerRound} epochs on the triplets.
   *
   * @param items training items ({@code id, label, features})
   * @return the averaged minibatch score after each epoch (DL4J's score: mean triplet loss / 3)
   */
  public List<Double> train(Dataset<Row> triplets, Dataset<Row> items, int round) {
    Dataset<Row> f = items.select(col("id"), col("features"));
    Dataset<Row> joined = triplets.select(col("anchor"), col("positive"), col("negative"))
        .join(f.withColumnRenamed("id", "anchor").withColumnRenamed("features", "fa"), "anchor")
        .join(f.withColumnRenamed("id", "positive").withColumnRenamed("features", "fp"),
            "positive")
        .join(f.withColumnRenamed("id", "negative").withColumnRenamed("features", "fn"),
            "negative")
        .persist(StorageLevel.MEMORY_AND_DISK());
    int batch = config.train().batchTriplets();
    List<Double> scores = new ArrayList<>();
    try {
      for (int epoch = 0; epoch < config.train().epochsPerRound(); epoch++) {
        // a seeded key per (round, epoch, triplet): the order does not depend on the shuffle
        Dataset<Row> ordered = joined
            .withColumn("k", xxhash64(lit(config.seed()), lit(round), lit(epoch),
                col("anchor"), col("positive"), col("negative")))
            .repartition(config.partitions(), col("k"))
            .sortWithinPartitions(col("k"))
            .select(col("fa"), col("fp"), col("fn"));
        JavaRDD<DataSet> data = ordered.javaRDD()
            .mapPartitions(rows -> new TripletBatches(rows, batch));
        sparkNet.fit(data);
        scores.add(sparkNet.getScore());
      }
    } finally {
      joined.unpersist();
    }
    return scores;
  }

  /** Packs rows of (fa, fp, fn) into DataSets of {@code batch} triplets, layout a,p,n. */
  static final class TripletBatches implements Iterator<DataSet> {
    private final Iterator<Row> rows;
    private final int batch;

    TripletBatches(Iterator<Row> rows, int batch) {
      this.rows = rows;
      this.batch = batch;
    }

    @Override
    public boolean hasNext() {
      return rows.hasNext();
    }

    @Override
    public DataSet next() {
      List<Row> chunk = new ArrayList<>(batch);
      while (chunk.size() < batch && rows.hasNext()) {
        chunk.add(rows.next());
      }
      int dim = chunk.get(0).getSeq(0).length();
      float[] x = new float[3 * chunk.size() * dim];
      for (int t = 0; t < chunk.size(); t++) {
        for (int j = 0; j < 3; j++) {
          Schemas.copyFloats(chunk.get(t), j, x, (3 * t + j) * dim);
        }
      }
      long n = 3L * chunk.size();
      // labels are a placeholder of the output's row count: the layout carries the structure
      return new DataSet(Nd4j.create(x, new long[] {n, dim}, 'c'),
          Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, 1));
    }
  }
}
