package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hardneg.core.model.Architecture;
import io.hardneg.core.model.EmbeddingNetworks;
import io.hardneg.core.model.ModelSpec;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code embed.batchSize = auto} with a model file ({@code hardneg mine}, {@code hardneg
 * evaluate}): the batch follows the file's network, not {@code model.architecture}; a given integer
 * stays.
 */
class ModelEmbedBatchTest {
  /** A fresh network of {@code arch}, written to a model zip and restored as the jobs do. */
  static MultiLayerNetwork restored(Architecture arch) throws IOException {
    int[] hidden = arch == Architecture.CNN ? new int[] {16} : new int[] {32};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ModelSerializer.writeModel(
        EmbeddingNetworks.build(new ModelSpec(arch, 784, hidden, 8, 1e-3, 42)), out, false);
    return ModelFiles.restore(out.toByteArray(), arch + ".zip", false);
  }

  @Test
  void autoFollowsTheModelFilesNetwork() throws IOException {
    MultiLayerNetwork cnn = restored(Architecture.CNN);
    MultiLayerNetwork mlp = restored(Architecture.MLP);
    assertEquals(Architecture.CNN, ModelFiles.architecture(cnn));
    assertEquals(Architecture.MLP, ModelFiles.architecture(mlp));
    // the configuration says mlp (the default), the file holds a CNN
    JobConfig defaults = JobConfig.from(new Settings());
    assertEquals(128, ModelFiles.embedBatch(defaults, cnn));
    assertEquals(512, ModelFiles.embedBatch(defaults, mlp));
    JobConfig saysCnn = JobConfig.from(new Settings().set("model.architecture", "cnn", "t"));
    assertEquals(512, ModelFiles.embedBatch(saysCnn, mlp));
    assertEquals(128, saysCnn.embedBatch(), "raw features keep the configured batch");
    assertEquals(128, ModelFiles.embedBatch(saysCnn, null));
    JobConfig given = JobConfig.from(new Settings().set("embed.batchSize", "64", "t"));
    assertEquals(64, ModelFiles.embedBatch(given, cnn));
    JobConfig auto = JobConfig.from(new Settings().set("embed.batchSize", "Auto", "t"));
    assertEquals(128, ModelFiles.embedBatch(auto, cnn));
  }
}
