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

/**
 * A round in mined mode: batches of anchors with their positives and globally mined negatives, a
 * loss that mines inside them; the same number of rows per epoch as pk mode.
 */
class MinedModeTest {
  @TempDir Path tmp;

  private static Map<String, Object> round(Settings s) throws Exception {
    TrainJob.Summary sum =
        new TrainJob(
                SharedSpark.get(),
                JobConfig.from(s),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .run();
    Map<String, Object> m = Json.read(Json.write(sum.rounds().get(0)));
    m.put("untrained", Json.read(Json.write(sum.untrained())).get("map_at_r"));
    return m;
  }

  @Test
  void aMinedRoundTrainsAndFitsAsManyRowsAsAPkRound() throws Exception {
    Path[] data = TinyData.write(tmp.resolve("in"), 400);
    Settings mined =
        TrainJobRoundTest.settings(data, tmp.resolve("mined"), 1)
            .set("train.mode", "mined", "test")
            .set("train.pk.classes", "4", "test")
            .set("train.pk.perClass", "6", "test")
            .set("mining.hardPerAnchor", "1", "test")
            .set("mining.semiHardPerAnchor", "3", "test")
            .set("train.epochsPerRound", "2", "test");
    Map<String, Object> m = round(mined);
    double untrained = ((Number) m.get("untrained")).doubleValue();
    double trained = ((Number) m.get("map_at_r")).doubleValue();
    assertTrue(trained > untrained, "MAP@R " + untrained + " -> " + trained);
    MultiLayerNetwork net =
        ModelSerializer.restoreMultiLayerNetwork(
            new File(tmp.resolve("mined/round-000/model.zip").toString()), false);
    Object loss = ((BaseOutputLayer<?>) net.getOutputLayer()).layerConf().getLossFn();
    assertTrue(loss instanceof MetricLoss, String.valueOf(loss));
    assertTrue(loss.toString().toLowerCase().contains("semi"), String.valueOf(loss));
    assertEquals(2, ((java.util.List<?>) m.get("train_scores")).size());
    // pk mode with the same P·K (random classes: no dependence on the mined confusions)
    Settings pk =
        TrainJobRoundTest.settings(data, tmp.resolve("pk"), 1)
            .set("train.mode", "pk", "test")
            .set("train.pk.compose", "random", "test")
            .set("train.pk.classes", "6", "test")
            .set("train.pk.perClass", "4", "test")
            .set("train.epochsPerRound", "2", "test");
    Map<String, Object> p = round(pk);
    long rows = ((Number) m.get("train_rows")).longValue();
    assertTrue(rows > 0 && rows % 24 == 0, "whole batches of 24 rows: " + rows);
    assertEquals(((Number) p.get("train_rows")).longValue(), rows, "equal rows fitted");
    assertTrue(
        ((Number) p.get("map_at_r")).doubleValue() > untrained, "random pk trains too: " + p);
  }
}
