package io.hardneg.spark.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.loss.TripletMarginLoss;
import io.hardneg.core.model.Architecture;
import io.hardneg.core.model.EmbeddingNetworks;
import io.hardneg.core.model.ModelSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Setting the rate between rounds changes Adam's rate in the configuration (what parameter
 * averaging ships to the workers and model.zip stores) and keeps Adam's moments.
 */
class LearningRateTest {
  @Test
  void aNewRateKeepsTheUpdaterStateAndReachesTheSavedModel() throws Exception {
    MultiLayerNetwork net =
        EmbeddingNetworks.build(
            new ModelSpec(Architecture.MLP, 8, new int[] {8}, 4, 1e-3, 7),
            new TripletMarginLoss(0.2));
    Nd4j.getRandom().setSeed(3);
    DataSet batch =
        new DataSet(Nd4j.rand(DataType.FLOAT, 12, 8), Nd4j.zeros(DataType.FLOAT, 12, 1));
    net.fit(batch);
    INDArray moments = net.getUpdater().getStateViewArray().dup();
    assertTrue(moments.norm2Number().doubleValue() > 0, "Adam's moments after a step");

    TrainStage.setLearningRate(net, 2.5e-4);

    assertEquals(moments, net.getUpdater().getStateViewArray(), "the moments survive the change");
    for (int i = 0; i < net.getnLayers(); i++) {
      if (net.getLayerWiseConfigurations().getConf(i).getLayer() instanceof BaseLayer b) {
        assertEquals(2.5e-4, b.getIUpdater().getLearningRate(0, 0), 0, "layer " + i);
      }
    }
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    ModelSerializer.writeModel(net, zip, true);
    MultiLayerNetwork back =
        ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(zip.toByteArray()), true);
    assertEquals(
        2.5e-4,
        ((BaseLayer) back.getLayerWiseConfigurations().getConf(0).getLayer())
            .getIUpdater()
            .getLearningRate(0, 0),
        0);
    assertEquals(moments, back.getUpdater().getStateViewArray(), "saved with the model");
    // the next step uses the new rate: a smaller step than the same step at the old rate
    MultiLayerNetwork old = back; // the same parameters, moments and iteration count
    TrainStage.setLearningRate(old, 1e-3);
    assertEquals(
        2.5e-4,
        ((BaseLayer) net.getLayerWiseConfigurations().getConf(0).getLayer())
            .getIUpdater()
            .getLearningRate(0, 0),
        0);
    INDArray p0 = net.params().dup();
    net.fit(batch);
    old.fit(batch);
    double small = net.params().sub(p0).norm2Number().doubleValue();
    double large = old.params().sub(p0).norm2Number().doubleValue();
    assertNotEquals(0.0, small);
    assertEquals(0.25, small / large, 0.02, "Adam's step scales with the rate");
  }
}
