package io.hardneg.core.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.distance.Distance;
import io.hardneg.core.model.ActivationL2Normalize;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Every loss inside a DL4J network: DL4J's own finite-difference gradient check in double
 * precision, in both layouts, and a save → load round trip of a model carrying the loss.
 *
 * <p>The miners' choices are constants of the gradient. The check is valid where mining is locally
 * stable: inputs are seeded random doubles, so the mined set and the active hinge terms do not
 * change under the ±1e-6 parameter perturbations (a change would show as a failed check).
 */
class MetricLossNetworkTest {

  static MultiLayerNetwork net(ILossFunction loss, DataType type, long seed) {
    MultiLayerConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .seed(seed)
            .dataType(type)
            .updater(type == DataType.DOUBLE ? new NoOp() : new Adam(1e-2))
            .weightInit(WeightInit.XAVIER)
            .list()
            .layer(new DenseLayer.Builder().nIn(7).nOut(9).activation(Activation.TANH).build())
            .layer(
                new OutputLayer.Builder(loss)
                    .nIn(9)
                    .nOut(4)
                    .activation(new ActivationL2Normalize())
                    .build())
            .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  @Test
  void dl4jGradientCheckForEveryLossInBothLayouts() {
    DataType before = Nd4j.dataType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      for (Layout layout : Layout.values()) {
        int seed = 0;
        for (MetricLoss loss : LossCases.everyLoss(layout)) {
          seed++;
          MultiLayerNetwork net = net(loss, DataType.DOUBLE, 100 + seed);
          INDArray input = LossCases.gaussian(12, 7, 200 + seed);
          INDArray labels = LossCases.classColumn(4, 3, seed);
          net.setInput(input);
          net.setLabels(labels);
          net.computeGradientAndScore();
          assertTrue(net.score() > 0, "the check needs a non-zero loss: " + loss.name());
          boolean ok =
              GradientCheckUtil.checkGradients(
                  new GradientCheckUtil.MLNConfig()
                      .net(net)
                      .input(input)
                      .labels(labels)
                      .epsilon(1e-6)
                      .maxRelError(1e-5)
                      .minAbsoluteError(1e-9));
          assertTrue(ok, "DL4J gradient check failed: " + loss.name());
        }
      }
    } finally {
      Nd4j.setDefaultDataTypes(before, before);
    }
  }

  static MetricLoss lossOf(MultiLayerNetwork net) {
    return (MetricLoss) ((BaseOutputLayer<?>) net.getOutputLayer()).layerConf().getLossFn();
  }

  @Test
  void modelsCarryingEveryLossSaveAndLoadToTheSameConfigScoresAndOutputs() throws Exception {
    for (Layout layout : Layout.values()) {
      int seed = 0;
      for (MetricLoss loss : LossCases.everyLoss(layout)) {
        seed++;
        if (loss instanceof TripletCenterLoss) {
          loss = new TripletCenterLoss(layout, Distance.EUCLIDEAN, ReducerKind.MEAN, 0.5, 0.3);
        }
        MultiLayerNetwork net = net(loss, DataType.FLOAT, 300 + seed);
        INDArray input = LossCases.gaussian(12, 7, 400 + seed).castTo(DataType.FLOAT);
        INDArray labels = LossCases.classColumn(4, 3, seed).castTo(DataType.FLOAT);
        net.fit(new DataSet(input, labels)); // one step: moves weights (and centres)
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork back =
            ModelSerializer.restoreMultiLayerNetwork(
                new ByteArrayInputStream(bytes.toByteArray()), true);
        String json = net.getLayerWiseConfigurations().toJson();
        assertEquals(json, back.getLayerWiseConfigurations().toJson(), loss.name());
        assertTrue(json.contains(loss.getClass().getSimpleName()), json);
        assertEquals(lossOf(net), lossOf(back), loss.name());
        assertEquals(net.output(input), back.output(input), loss.name());
        assertEquals(
            net.score(new DataSet(input, labels)),
            back.score(new DataSet(input, labels)),
            1e-6,
            loss.name());
        if (loss instanceof TripletCenterLoss) {
          TripletCenterLoss a = (TripletCenterLoss) lossOf(net);
          TripletCenterLoss b = (TripletCenterLoss) lossOf(back);
          assertEquals(4, b.centerLabels().length, "centres travel with the model");
          for (long l : a.centerLabels()) {
            assertNotNull(b.center(l));
            assertArrayEquals(a.center(l), b.center(l), 0.0);
          }
        }
      }
    }
  }

  @Test
  void aFewStepsOfBatchHardTrainingLowerTheLoss() {
    MetricLoss loss =
        LossFactory.create(
            LossSpec.fromMap(java.util.Map.of("miner", "batch-hard", "margin", "0.3")),
            Layout.LABELS);
    MultiLayerNetwork net = net(loss, DataType.FLOAT, 5);
    INDArray labels = LossCases.classColumn(4, 6, 3).castTo(DataType.FLOAT);
    // inputs: a class-dependent mean plus noise, so the classes can be separated
    INDArray input = LossCases.gaussian(24, 7, 6).mul(0.5).castTo(DataType.FLOAT);
    for (int i = 0; i < 24; i++) {
      int c = (int) labels.getDouble(i, 0);
      input.putScalar(i, c, input.getDouble(i, c) + 2);
    }
    DataSet ds = new DataSet(input, labels);
    double first = net.score(ds);
    for (int s = 0; s < 60; s++) {
      net.fit(ds);
    }
    assertTrue(net.score(ds) < 0.5 * first, "loss " + first + " -> " + net.score(ds));
  }

  @Test
  void embeddingNetworksTakeAConfiguredLoss() {
    MetricLoss loss =
        LossFactory.create(
            LossSpec.fromMap(
                java.util.Map.of(
                    "loss", "multi-similarity", "miner", "multi-similarity", "distance", "cosine")),
            Layout.LABELS);
    MultiLayerNetwork net =
        io.hardneg.core.model.EmbeddingNetworks.build(
            new io.hardneg.core.model.ModelSpec(
                io.hardneg.core.model.Architecture.MLP, 7, new int[] {8}, 4, 1e-3, 1),
            loss);
    assertEquals(loss, lossOf(net));
  }
}
