package io.hardneg.spark.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.data.VectorMath;
import io.hardneg.core.model.EmbeddingNetworks;
import io.hardneg.spark.SharedSpark;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.config.Settings;
import io.hardneg.spark.io.Schemas;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * EMBED against a naive loop: each item through the network on its own in the driver, scaled to
 * unit length; whatever the batch size and partitioning, every item once, under its id and label.
 */
class EmbedStageTest {
  private static final int N = 53;
  private static final int DIM = 12;

  @Test
  void everyItemGetsTheNetworksUnitLengthOutputWhateverTheBatching() throws Exception {
    SparkSession spark = SharedSpark.get();
    Random r = new Random(9);
    List<Row> rows = new ArrayList<>();
    Map<Long, float[]> features = new HashMap<>();
    for (int i = 0; i < N; i++) {
      Float[] boxed = new Float[DIM];
      float[] f = new float[DIM];
      for (int j = 0; j < DIM; j++) {
        f[j] = (float) r.nextGaussian();
        boxed[j] = f[j];
      }
      long id = 7L * i + 3;
      features.put(id, f);
      rows.add(RowFactory.create(id, (long) (i % 4), boxed));
    }
    // a column before the features: EMBED selects its columns by name
    Dataset<Row> items =
        spark
            .createDataFrame(rows, Schemas.ITEMS)
            .withColumn("source", org.apache.spark.sql.functions.lit("x"))
            .select("source", "id", "label", "features")
            .repartition(3);
    JobConfig cfg =
        JobConfig.from(
            new Settings().set("model.hidden", "8", "test").set("model.embeddingDim", "5", "test"));
    MultiLayerNetwork net = EmbeddingNetworks.build(cfg.modelSpec(DIM), cfg.lossFunction());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModelSerializer.writeModel(net, bytes, false);
    for (int batch : new int[] {1, 5, 64}) {
      Map<Long, Row> got = byId(EmbedStage.embed(spark, items, bytes.toByteArray(), batch));
      assertEquals(N, got.size(), "every item once, batch " + batch);
      Map<Long, Row> raw = byId(EmbedStage.embed(spark, items, null, batch));
      for (Map.Entry<Long, float[]> e : features.entrySet()) {
        long id = e.getKey();
        float[] want =
            net.output(Nd4j.create(e.getValue(), new long[] {1, DIM}, 'c'), false)
                .dup('c')
                .data()
                .asFloat();
        VectorMath.normalizeInPlace(want, 0, want.length);
        Row row = got.get(id);
        assertEquals(((id - 3) / 7) % 4, row.getLong(1), "label of item " + id);
        assertArrayEquals(want, floats(row), 1e-5f, "item " + id + ", batch " + batch);
        float[] unit = e.getValue().clone();
        VectorMath.normalizeInPlace(unit, 0, DIM);
        assertArrayEquals(unit, floats(raw.get(id)), 0f, "raw item " + id + ", batch " + batch);
      }
    }
  }

  @Test
  void aMissingFeatureNamesTheItem() {
    SparkSession spark = SharedSpark.get();
    StructType nullable =
        new StructType()
            .add("id", DataTypes.LongType, false)
            .add("label", DataTypes.LongType, false)
            .add("features", DataTypes.createArrayType(DataTypes.FloatType, true), false);
    List<Row> rows =
        List.of(
            RowFactory.create(1L, 0L, new Float[] {1f, 2f}),
            RowFactory.create(2L, 1L, new Float[] {1f, null}));
    Dataset<Row> items = spark.createDataFrame(rows, nullable).coalesce(1);
    Exception e =
        assertThrows(
            Exception.class, () -> EmbedStage.embed(spark, items, null, 8).collectAsList());
    assertTrue(
        e.getMessage().contains("item id 2 has a missing feature at index 1"), e.getMessage());
  }

  @Test
  void otherColumnTypesAreRefusedBeforeAnyRowIsRead() {
    SparkSession spark = SharedSpark.get();
    StructType doubles =
        new StructType()
            .add("id", DataTypes.LongType, false)
            .add("label", DataTypes.LongType, false)
            .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false), false);
    Dataset<Row> items =
        spark.createDataFrame(List.of(RowFactory.create(1L, 0L, new Double[] {1.0, 2.0})), doubles);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> EmbedStage.embed(spark, items, null, 8));
    assertTrue(e.getMessage().contains("features: array<float>"), e.getMessage());
  }

  private static Map<Long, Row> byId(Dataset<Row> emb) {
    Map<Long, Row> out = new HashMap<>();
    for (Row row : emb.collectAsList()) {
      assertTrue(out.put(row.getLong(0), row) == null, "item " + row.getLong(0) + " twice");
    }
    return out;
  }

  private static float[] floats(Row row) {
    float[] f = new float[row.getSeq(2).length()];
    Schemas.copyFloats(row, 2, f, 0);
    return f;
  }
}
