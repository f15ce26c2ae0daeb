package io.hardneg.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.fixtures.RandomVectors;
import io.hardneg.core.model.ActivationL2Normalize;
import io.hardneg.core.model.Architecture;
import io.hardneg.core.model.EmbeddingNetworks;
import io.hardneg.core.model.ModelSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

class TripletMarginLossTest {

  private static INDArray randomRows(int rows, int dim, long seed) {
    return Nd4j.create(RandomVectors.gaussian(new Random(seed), rows, dim));
  }

  /** The loss written as a plain loop over triplets, on the activated outputs. */
  private static double[] naive(double[][] y, double margin) {
    double[] out = new double[y.length / 3];
    for (int t = 0; t < out.length; t++) {
      double dap = 0;
      double dan = 0;
      for (int j = 0; j < y[0].length; j++) {
        dap += Math.pow(y[3 * t][j] - y[3 * t + 1][j], 2);
        dan += Math.pow(y[3 * t][j] - y[3 * t + 2][j], 2);
      }
      out[t] = Math.max(0, Math.sqrt(dap) - Math.sqrt(dan) + margin);
    }
    return out;
  }

  @Test
  void scoreMatchesANaiveLoopForBothActivations() {
    for (IActivation act :
        new IActivation[] {new ActivationIdentity(), new ActivationL2Normalize()}) {
      INDArray pre = randomRows(3 * 40, 6, 1);
      TripletMarginLoss loss = new TripletMarginLoss(0.5);
      double[][] y = act.getActivation(pre.dup(), false).toDoubleMatrix();
      double[] expected = naive(y, 0.5);
      INDArray perRow = loss.computeScoreArray(null, pre, act, null);
      double sum = 0;
      int active = 0;
      for (int t = 0; t < expected.length; t++) {
        assertEquals(expected[t], perRow.getDouble(3 * t, 0), 1e-12, "triplet " + t);
        assertEquals(0.0, perRow.getDouble(3 * t + 1, 0));
        assertEquals(0.0, perRow.getDouble(3 * t + 2, 0));
        sum += expected[t];
        active += expected[t] > 0 ? 1 : 0;
      }
      assertTrue(active > 0 && active < expected.length, "test needs active and inactive triplets");
      assertEquals(sum, loss.computeScore(null, pre, act, null, false), 1e-9);
      assertEquals(sum / pre.rows(), loss.computeScore(null, pre, act, null, true), 1e-12);
    }
  }

  @Test
  void gradientMatchesFiniteDifferencesOfTheScore() {
    INDArray pre = randomRows(3 * 12, 5, 2);
    TripletMarginLoss loss = new TripletMarginLoss(0.4);
    IActivation act = new ActivationL2Normalize();
    INDArray grad = loss.computeGradient(null, pre, act, null);
    double h = 1e-6;
    double maxRel = 0;
    for (int i = 0; i < pre.rows(); i++) {
      for (int j = 0; j < pre.columns(); j++) {
        INDArray plus = pre.dup();
        plus.putScalar(i, j, pre.getDouble(i, j) + h);
        INDArray minus = pre.dup();
        minus.putScalar(i, j, pre.getDouble(i, j) - h);
        double fd =
            (loss.computeScore(null, plus, act, null, false)
                    - loss.computeScore(null, minus, act, null, false))
                / (2 * h);
        double an = grad.getDouble(i, j);
        double denom = Math.max(Math.abs(fd) + Math.abs(an), 1e-8);
        maxRel = Math.max(maxRel, Math.abs(fd - an) / denom);
      }
    }
    assertTrue(maxRel < 1e-5, "max relative error " + maxRel);
  }

  @Test
  void maskSwitchesOffWholeTriplets() {
    INDArray pre = randomRows(6, 4, 3);
    TripletMarginLoss loss = new TripletMarginLoss(10); // every triplet active
    INDArray mask = Nd4j.create(new double[] {0, 0, 0, 1, 1, 1}, new long[] {6, 1});
    INDArray s = loss.computeScoreArray(null, pre, new ActivationIdentity(), mask);
    assertEquals(0.0, s.getDouble(0, 0));
    assertTrue(s.getDouble(3, 0) > 0);
    INDArray g = loss.computeGradient(null, pre, new ActivationIdentity(), mask);
    assertEquals(0.0, g.getRow(0).norm2Number().doubleValue());
  }

  /**
   * The one-pass method (DL4J M2's output layer calls the two separate ones during fit, other
   * callers this one) gives exactly what the two separate calls give.
   */
  @Test
  void gradientAndScoreInOnePassEqualTheSeparateCalls() {
    INDArray pre = randomRows(3 * 20, 5, 4).castTo(DataType.FLOAT);
    INDArray mask = Nd4j.ones(DataType.FLOAT, 60, 1);
    mask.putScalar(3, 0, 0);
    mask.putScalar(9, 0, 0.5);
    TripletMarginLoss loss = new TripletMarginLoss(0.3);
    IActivation act = new ActivationL2Normalize();
    for (INDArray m : new INDArray[] {null, mask}) {
      for (boolean average : new boolean[] {false, true}) {
        var both = loss.computeGradientAndScore(null, pre, act, m, average);
        assertEquals(loss.computeScore(null, pre, act, m, average), both.getFirst(), 0.0);
        // bit for bit: INDArray.equals allows 1e-5
        org.junit.jupiter.api.Assertions.assertArrayEquals(
            loss.computeGradient(null, pre, act, m).data().asFloat(),
            both.getSecond().data().asFloat());
        assertEquals(DataType.FLOAT, both.getSecond().dataType());
      }
    }
    assertTrue(
        loss.computeGradient(null, pre, act, mask).getRow(3).norm2Number().doubleValue() == 0);
  }

  @Test
  void rejectsRowsThatAreNotTriplets() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new TripletMarginLoss(0.2)
                    .computeScore(null, randomRows(4, 2, 1), new ActivationIdentity(), null, true));
    assertTrue(e.getMessage().contains("multiple of 3"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new TripletMarginLoss(-1));
  }

  @Test
  void gradientCheckThroughADl4jNetworkInDoublePrecision() {
    DataType before = Nd4j.dataType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      MultiLayerConfiguration conf =
          new NeuralNetConfiguration.Builder()
              .seed(12345)
              .dataType(DataType.DOUBLE)
              .updater(new NoOp())
              .weightInit(WeightInit.XAVIER)
              .list()
              .layer(new DenseLayer.Builder().nIn(7).nOut(9).activation(Activation.TANH).build())
              .layer(
                  new OutputLayer.Builder(new TripletMarginLoss(0.5))
                      .nIn(9)
                      .nOut(4)
                      .activation(new ActivationL2Normalize())
                      .build())
              .build();
      MultiLayerNetwork net = new MultiLayerNetwork(conf);
      net.init();
      INDArray input = randomRows(3 * 8, 7, 4);
      INDArray labels = Nd4j.zeros(DataType.DOUBLE, 3 * 8, 1);
      double score =
          new TripletMarginLoss(0.5)
              .computeScore(
                  labels,
                  net.feedForward(input, false)
                      .get(1)
                      .mmul(net.getLayer(1).getParam("W"))
                      .addRowVector(net.getLayer(1).getParam("b")),
                  new ActivationL2Normalize(),
                  null,
                  false);
      assertTrue(score > 0, "some triplets must be active for the check to mean anything");
      boolean ok =
          GradientCheckUtil.checkGradients(
              new GradientCheckUtil.MLNConfig()
                  .net(net)
                  .input(input)
                  .labels(labels)
                  .epsilon(1e-6)
                  .maxRelError(1e-5)
                  .minAbsoluteError(1e-9));
      assertTrue(ok, "DL4J gradient check failed");
    } finally {
      Nd4j.setDefaultDataTypes(before, before);
    }
  }

  @Test
  void modelWithTheLossSavesAndLoadsToTheSameConfigAndOutputs() throws Exception {
    ModelSpec spec = new ModelSpec(Architecture.MLP, 10, new int[] {8}, 3, 1e-3, 7);
    MultiLayerNetwork net = EmbeddingNetworks.build(spec, new TripletMarginLoss(0.3));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModelSerializer.writeModel(net, bytes, true);
    MultiLayerNetwork back =
        ModelSerializer.restoreMultiLayerNetwork(
            new ByteArrayInputStream(bytes.toByteArray()), true);
    assertEquals(
        net.getLayerWiseConfigurations().toJson(), back.getLayerWiseConfigurations().toJson());
    assertTrue(back.getLayerWiseConfigurations().toJson().contains("TripletMarginLoss"));
    INDArray x = randomRows(5, 10, 9).castTo(DataType.FLOAT);
    INDArray a = net.output(x);
    assertEquals(a, back.output(x));
    for (int i = 0; i < 5; i++) {
      assertEquals(1.0, a.getRow(i).norm2Number().doubleValue(), 1e-5, "unit-length output");
    }
  }
}
