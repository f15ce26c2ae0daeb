package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.loss.MetricLoss;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.config.Settings;
import io.hardneg.spark.run.Json;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A round in pk mode: PK batches from the mined neighbourhoods, a loss that mines in-batch. */
class PkModeTest {
  @TempDir Path tmp;

  @Test
  void aPkRoundTrainsWithTheConfiguredInBatchLoss() throws Exception {
    Path[] data = TinyData.write(tmp.resolve("in"), 400);
    Settings s =
        TrainJobRoundTest.settings(data, tmp.resolve("run"), 1)
            .set("train.mode", "pk", "test")
            .set("train.pk.classes", "4", "test")
            .set("train.pk.perClass", "6", "test")
            .set("loss.miner", "batch-hard", "test")
            .set("train.epochsPerRound", "2", "test");
    TrainJob.Summary sum =
        new TrainJob(
                SharedSpark.get(),
                JobConfig.from(s),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .run();
    // as written to metrics.json and baselines.json
    Map<String, Object> m = Json.read(Json.write(sum.rounds().get(0)));
    double untrained =
        ((Number) Json.read(Json.write(sum.untrained())).get("map_at_r")).doubleValue();
    double trained = ((Number) m.get("map_at_r")).doubleValue();
    assertTrue(trained > untrained, "MAP@R " + untrained + " -> " + trained);
    MultiLayerNetwork net =
        ModelSerializer.restoreMultiLayerNetwork(
            new File(tmp.resolve("run/round-000/model.zip").toString()), false);
    Object loss = ((BaseOutputLayer<?>) net.getOutputLayer()).layerConf().getLossFn();
    assertTrue(loss instanceof MetricLoss, String.valueOf(loss));
    assertTrue(loss.toString().toLowerCase().contains("batch"), String.valueOf(loss));
    assertEquals(2, ((java.util.List<?>) m.get("train_scores")).size());
  }
}
