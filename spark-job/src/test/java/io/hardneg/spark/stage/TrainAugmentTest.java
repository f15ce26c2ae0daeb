package io.hardneg.spark.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.data.NearDuplicateViews;
import io.hardneg.core.model.EmbeddingNetworks;
import io.hardneg.core.sampling.PkPlan;
import io.hardneg.core.util.Seeds;
import io.hardneg.spark.SharedSpark;
import io.hardneg.spark.TinyData;
import io.hardneg.spark.config.ConfigException;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.config.Settings;
import io.hardneg.spark.io.IdxSource;
import io.hardneg.spark.io.InputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** {@code train.augment = views}: what the batches fit, and what the run refuses. */
class TrainAugmentTest {
  private static final NearDuplicateViews.Strength DEFAULT = NearDuplicateViews.Strength.DEFAULT;

  @TempDir Path tmp;

  /**
   * The oracle is the generator itself ({@link #assertRowsAreViews}); the broadcast-table path and
   * a rerun fit the same pixels.
   */
  @Test
  void eachRowIsItsItemsViewForTheBatchKeyAndRow() throws Exception {
    SparkSession spark = SharedSpark.get();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Path[] data = TinyData.write(tmp.resolve("in"), 300);
    Dataset<Row> items = IdxSource.load(spark, data[0].toString(), data[1].toString(), 3);
    PkPlan plan = PkPlan.build(PkStage.sizes(items), Map.of(), 4, 5, 7);
    TrainAugment views = TrainAugment.views(28);
    List<DataSet> plain = PkStage.batches(jsc, items, plan, 7, 2, null, TrainAugment.OFF).collect();
    List<DataSet> seen = PkStage.batches(jsc, items, plan, 7, 2, null, views).collect();
    assertEquals(plan.batches(), seen.size());
    assertRowsAreViews(plain, seen, 7, plan.batches());
    PkStageTest.assertSameBatches(
        seen, PkStage.batches(jsc, items, plan, 7, 2, null, views).collect());
    Broadcast<FeatureTable> table = FeatureTable.broadcast(jsc, items, 300, 784, 1);
    try {
      PkStageTest.assertSameBatches(
          seen, PkStage.batches(jsc, items, plan, 7, 2, table, views).collect());
    } finally {
      table.destroy();
    }
  }

  /**
   * Row r of every batch of {@code seen} is exactly the view (28 × 28) of the same row of {@code
   * plain} for (that batch's key, r): the batch keys are {@code Seeds.of(epochSeed, b, -4)}, as pk
   * and mined placements make them, each batch has its own, and the labels are untouched.
   */
  static void assertRowsAreViews(
      List<DataSet> plain, List<DataSet> seen, long epochSeed, int batches) {
    assertEquals(plain.size(), seen.size());
    Set<Long> keys = new HashSet<>();
    for (int i = 0; i < seen.size(); i++) {
      assertEquals(plain.get(i).getLabels(), seen.get(i).getLabels(), "batch " + i);
      float[][] items = plain.get(i).getFeatures().toFloatMatrix();
      float[][] rows = seen.get(i).getFeatures().toFloatMatrix();
      long key = keyOf(items[0], rows[0], epochSeed, batches);
      assertTrue(keys.add(key), "batch " + i + " shares its key with another batch");
      for (int r = 0; r < rows.length; r++) {
        assertArrayEquals(
            NearDuplicateViews.view(items[r], 28, DEFAULT, key, r, 0),
            rows[r],
            "batch " + i + " row " + r);
        assertFalse(Arrays.equals(items[r], rows[r]), "batch " + i + " row " + r + " unchanged");
        for (float v : rows[r]) {
          assertTrue(v >= 0 && v <= 1, "a view is an image in [0, 1]: " + v);
        }
      }
    }
  }

  /** The key among the epoch's batch keys whose view of row 0 is {@code row}. */
  private static long keyOf(float[] item, float[] row, long epochSeed, int batches) {
    for (int b = 0; b < batches; b++) {
      long key = Seeds.of(epochSeed, b, -4);
      if (Arrays.equals(NearDuplicateViews.view(item, 28, DEFAULT, key, 0, 0), row)) {
        return key;
      }
    }
    throw new AssertionError("row 0 is no batch key's view of its item");
  }

  /**
   * Through a TrainStage: the views reach the fit (another network than without them) and a rerun
   * fits the same.
   */
  @Test
  void aTrainStageFitsTheViewsAndARerunFitsTheSame() throws Exception {
    SparkSession spark = SharedSpark.get();
    Path[] data = TinyData.write(tmp.resolve("in"), 120);
    Dataset<Row> items = IdxSource.load(spark, data[0].toString(), data[1].toString(), 2);
    INDArray off = trainOneRound(spark, items, "off");
    INDArray views = trainOneRound(spark, items, "views");
    assertEquals(views, trainOneRound(spark, items, "views"), "a rerun fits the same views");
    assertNotEquals(off, views, "the views reached the fit");
  }

  private static INDArray trainOneRound(SparkSession spark, Dataset<Row> items, String augment) {
    JobConfig cfg = config(augment);
    MultiLayerNetwork net = EmbeddingNetworks.build(cfg.modelSpec(784), cfg.lossFunction());
    try (TrainStage stage = new TrainStage(spark, net, cfg)) {
      assertEquals(!augment.equals("off"), stage.augment(items).on());
      stage.train(null, items, 0);
      assertTrue(stage.rowsFitted() > 0);
      return net.params().dup();
    }
  }

  /** Features that are not square images in [0, 1] stop the run, naming the rule and the item. */
  @Test
  void featuresThatAreNotImagesInTheUnitRangeAreRefused() {
    SparkSession spark = SharedSpark.get();
    JobConfig cfg = config("views");
    MultiLayerNetwork net = EmbeddingNetworks.build(cfg.modelSpec(10), cfg.lossFunction());
    try (TrainStage stage = new TrainStage(spark, net, cfg)) {
      ConfigException wide =
          assertThrows(ConfigException.class, () -> stage.augment(table(spark, 10, -1, 0)));
      assertTrue(wide.getMessage().contains("train.augment = views"), wide.getMessage());
      assertTrue(wide.getMessage().contains("10 features, not a square"), wide.getMessage());
      InputException range =
          assertThrows(InputException.class, () -> stage.augment(table(spark, 9, 5, 3f)));
      assertTrue(range.getMessage().contains("item id 5"), range.getMessage());
      assertTrue(range.getMessage().contains("to 3.0"), range.getMessage());
      assertTrue(range.getMessage().contains("[0, 1]"), range.getMessage());
      assertTrue(range.getMessage().contains(cfg.input().describe()), "names the input: " + range);
      assertEquals(-1, TrainAugment.squareSide(10));
      assertEquals(3, TrainAugment.squareSide(9));
      assertTrue(stage.augment(table(spark, 9, -1, 0)).on(), "3 x 3 images in range");
    }
    assertThrows(IllegalArgumentException.class, () -> TrainAugment.views(1));
  }

  /**
   * The job's checked value is taken for the items it checked (the job scans them once, before its
   * baselines); another items table is checked again.
   */
  @Test
  void theJobsCheckedValueIsTakenForItsItemsOnly() {
    SparkSession spark = SharedSpark.get();
    JobConfig cfg = config("views");
    MultiLayerNetwork net = EmbeddingNetworks.build(cfg.modelSpec(9), cfg.lossFunction());
    // out of range, so a second check would throw: only the handed value lets it through
    Dataset<Row> checked = table(spark, 9, 5, 3f);
    try (TrainStage stage =
        new TrainStage(spark, net, cfg).checkedAugment(checked, TrainAugment.views(3))) {
      assertTrue(stage.augment(checked).on(), "the handed value, not a second scan");
      Dataset<Row> other = table(spark, 9, 5, 3f);
      assertThrows(InputException.class, () -> stage.augment(other), "another table is checked");
      assertTrue(stage.augment(checked).on(), "kept across the stage's resets");
    }
  }

  /**
   * Eight items of {@code dim} features in [0, 1]; item {@code badId}'s last feature is {@code v}.
   */
  private static Dataset<Row> table(SparkSession spark, int dim, long badId, float v) {
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType, false)
            .add("label", DataTypes.LongType, false)
            .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    List<Row> rows = new ArrayList<>();
    for (long id = 0; id < 8; id++) {
      Float[] f = new Float[dim];
      for (int j = 0; j < dim; j++) {
        f[j] = (float) ((id + j) % 5) / 4;
      }
      if (id == badId) {
        f[dim - 1] = v;
      }
      rows.add(RowFactory.create(id, id % 2, f));
    }
    return spark.createDataFrame(rows, schema);
  }

  /** A tiny pk run (P = 4, K = 3, random classes, one epoch) with the given augmentation. */
  static JobConfig config(String augment) {
    return JobConfig.from(
        new Settings()
            .set("model.hidden", "8", "test")
            .set("model.embeddingDim", "4", "test")
            .set("train.mode", "pk", "test")
            .set("train.pk.compose", "random", "test")
            .set("train.pk.classes", "4", "test")
            .set("train.pk.perClass", "3", "test")
            .set("train.epochsPerRound", "1", "test")
            .set("train.augment", augment, "test"));
  }
}
