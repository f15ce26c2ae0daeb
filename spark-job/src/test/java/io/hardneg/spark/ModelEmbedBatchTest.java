package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hardneg.core.model.Architecture;
import io.hardneg.core.model.EmbeddingNetworks;
import io.hardneg.core.model.ModelSpec;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code embed.batchSize = auto} with a model file ({@code hardneg mine}, {@code hardneg
 * evaluate}): the batch follows the file's network, not {@code model.architecture}; a given integer
 * stays.
 */
class ModelEmbedBatchTest {
  static byte[] zip(Architecture arch) throws IOException {
    int[] hidden = arch == Architecture.CNN ? new int[] {16} : new int[] {32};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ModelSerializer.writeModel(
        EmbeddingNetworks.build(new ModelSpec(arch, 784, hidden, 8, 1e-3, 42)), out, false);
    return out.toByteArray();
  }

  @Test
  void autoFollowsTheModelFilesNetwork() throws IOException {
    byte[] cnn = zip(Architecture.CNN);
    byte[] mlp = zip(Architecture.MLP);
    assertEquals(Architecture.CNN, ModelFiles.architecture(cnn, "cnn.zip"));
    assertEquals(Architecture.MLP, ModelFiles.architecture(mlp, "mlp.zip"));
    // the configuration says mlp (the default), the file holds a CNN
    JobConfig defaults = JobConfig.from(new Settings());
    assertEquals(128, ModelFiles.embedBatch(defaults, cnn, "cnn.zip"));
    assertEquals(512, ModelFiles.embedBatch(defaults, mlp, "mlp.zip"));
    JobConfig saysCnn = JobConfig.from(new Settings().set("model.architecture", "cnn", "t"));
    assertEquals(512, ModelFiles.embedBatch(saysCnn, mlp, "mlp.zip"));
    assertEquals(128, saysCnn.embedBatch(), "raw features keep the configured batch");
    assertEquals(128, ModelFiles.embedBatch(saysCnn, null, null));
    JobConfig given = JobConfig.from(new Settings().set("embed.batchSize", "64", "t"));
    assertEquals(64, ModelFiles.embedBatch(given, cnn, "cnn.zip"));
    JobConfig auto = JobConfig.from(new Settings().set("embed.batchSize", "Auto", "t"));
    assertEquals(128, ModelFiles.embedBatch(auto, cnn, "cnn.zip"));
  }
}
