package io.hardneg.spark.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.hardneg.core.model.EmbeddingNetworks;
import io.hardneg.spark.SharedSpark;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.config.Settings;
import io.hardneg.spark.io.Schemas;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingHook;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * A training task that dies part-way through its partition and is retried — what an executor lost
 * during TRAIN causes (StandaloneClusterIT does that on a real cluster) — must change no parameter:
 * the retry starts again from the broadcast of the averaged network, not from the dead attempt's
 * half-updated copy. Oracle: the same training without the failure, compared bit for bit
 * (parameters and updater state).
 */
class TrainRetryTest {
  static final int N = 160;
  static final int DIM = 12;

  /** Updates seen by partition 1's first attempts, and failures injected (local mode: one JVM). */
  static final AtomicInteger SEEN = new AtomicInteger();

  static final AtomicInteger FAILED = new AtomicInteger();

  @Test
  void aTrainingTaskThatDiesMidPartitionAndIsRetriedChangesNoParameter() {
    SparkSession spark = SharedSpark.get();
    JobConfig cfg =
        JobConfig.from(
            new Settings()
                .set("model.hidden", "16", "test")
                .set("model.embeddingDim", "8", "test")
                // hand-made triplets without class labels: the fixed a, p, n layout
                .set("train.mode", "triplets", "test")
                .set("train.epochsPerRound", "1", "test")
                .set("train.batchTriplets", "8", "test")
                .set("train.averagingFrequency", "2", "test"));
    Dataset<Row> items = items(spark);
    Dataset<Row> triplets = triplets(spark);
    MultiLayerNetwork initial = EmbeddingNetworks.build(cfg.modelSpec(DIM), cfg.lossFunction());
    float[] before = initial.params().toFloatVector();

    MultiLayerNetwork clean = initial.clone();
    new TrainStage(spark, clean, cfg).train(triplets, items, 0);

    SEEN.set(0);
    FAILED.set(0);
    MultiLayerNetwork retried = initial.clone();
    TrainStage flaky = new TrainStage(spark, retried, cfg);
    flaky.addHook(new DieOnce());
    flaky.train(triplets, items, 0);

    assertEquals(1, FAILED.get(), "the injected failure happened once (and was retried)");
    assertFalse(Arrays.equals(before, clean.params().toFloatVector()), "training changed nothing");
    assertArrayEquals(
        clean.params().toFloatVector(),
        retried.params().toFloatVector(),
        "parameters after a retried training task");
    assertArrayEquals(
        clean.getUpdater().getStateViewArray().toFloatVector(),
        retried.getUpdater().getStateViewArray().toFloatVector(),
        "updater state after a retried training task");
    assertEquals(
        clean.getLayerWiseConfigurations().getIterationCount(),
        retried.getLayerWiseConfigurations().getIterationCount());
  }

  /** 160 items, 4 labels, seeded Gaussian features. */
  static Dataset<Row> items(SparkSession spark) {
    Random r = new Random(3);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      Float[] f = new Float[DIM];
      for (int j = 0; j < DIM; j++) {
        f[j] = (float) (r.nextGaussian() + (j == i % 4 ? 2 : 0));
      }
      rows.add(RowFactory.create((long) i, (long) (i % 4), f));
    }
    return spark.createDataFrame(rows, Schemas.ITEMS).repartition(3);
  }

  /** One triplet per anchor: the next item of its label, the next item of another label. */
  static Dataset<Row> triplets(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      rows.add(RowFactory.create((long) i, (long) ((i + 4) % N), (long) ((i + 1) % N)));
    }
    StructType schema =
        new StructType()
            .add("anchor", DataTypes.LongType, false)
            .add("positive", DataTypes.LongType, false)
            .add("negative", DataTypes.LongType, false);
    return spark.createDataFrame(rows, schema).repartition(2);
  }

  /**
   * Fails the first attempt of partition 1 at its third minibatch update overall (so in a later
   * averaging step than the first, after the worker has changed its copy of the network).
   */
  static final class DieOnce implements TrainingHook {
    private static final long serialVersionUID = 1L;

    @Override
    public void preUpdate(DataSet minibatch, Model model) {}

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
      TaskContext tc = TaskContext.get();
      if (tc != null
          && tc.partitionId() == 1
          && tc.attemptNumber() == 0
          && FAILED.get() == 0
          && SEEN.incrementAndGet() == 3) {
        FAILED.incrementAndGet();
        throw new IllegalStateException("injected: the executor running this task is lost");
      }
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {}

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {}
  }
}
