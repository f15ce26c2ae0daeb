package io.hardneg.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The CNN's convolution and pooling layers run on libnd4j's oneDNN kernels (via DL4J's helpers,
 * {@link NativeHelpers} and the {@code org.nd4j.nativeblas.Nd4jCpu} bridge), and those kernels give
 * the same outputs and gradients as DL4J's built-in im2col path, the oracle.
 */
class OneDnnHelpersTest {
  private static final ModelSpec CNN =
      new ModelSpec(Architecture.CNN, 784, new int[] {32}, 16, 1e-3, 7);

  @Test
  void convolutionAndPoolingLayersGetOneDnnHelpers() {
    assertTrue(
        org.nd4j.nativeblas.Nd4jCpu.Environment.getInstance().isUseMKLDNN(),
        "libnd4j on the classpath was built without oneDNN");
    Layer[] layers = EmbeddingNetworks.build(CNN).getLayers();
    assertTrue(
        layers[0].getHelper() instanceof MKLDNNConvHelper,
        "conv layer helper: " + layers[0].getHelper());
    assertTrue(
        layers[1].getHelper() instanceof MKLDNNSubsamplingHelper,
        "pooling layer helper: " + layers[1].getHelper());
    assertTrue(layers[2].getHelper() instanceof MKLDNNConvHelper);
  }

  @Test
  void oneDnnOutputsAndGradientsMatchTheBuiltInPath() {
    MultiLayerNetwork fast = EmbeddingNetworks.build(CNN);
    MultiLayerNetwork plain;
    String before = System.getProperty(NativeHelpers.DISABLE_PROPERTY);
    System.setProperty(NativeHelpers.DISABLE_PROPERTY, "true");
    try {
      plain = EmbeddingNetworks.build(CNN);
    } finally {
      System.setProperty(NativeHelpers.DISABLE_PROPERTY, before == null ? "false" : before);
    }
    assertNull(plain.getLayers()[0].getHelper(), "the oracle must run DL4J's own path");
    assertNotNull(fast.getLayers()[0].getHelper());
    plain.setParams(fast.params().dup());

    INDArray x =
        Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(11), 24, 784).castTo(DataType.FLOAT);
    INDArray y = Nd4j.zeros(DataType.FLOAT, 24, 1);
    assertClose(plain.output(x), fast.output(x), 1e-4, "embeddings");

    plain.setInput(x);
    plain.setLabels(y);
    plain.computeGradientAndScore();
    fast.setInput(x);
    fast.setLabels(y);
    fast.computeGradientAndScore();
    assertTrue(plain.score() > 0, "a zero loss has zero gradients: the check would be vacuous");
    assertEquals(plain.score(), fast.score(), 1e-4, "loss");
    assertClose(plain.gradient().gradient(), fast.gradient().gradient(), 1e-3, "gradient");
  }

  /** Max absolute difference relative to the oracle's largest magnitude. */
  private static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
    double scale = expected.amaxNumber().doubleValue();
    assertTrue(scale > 0, what + " is all zero: the check is vacuous");
    double diff = expected.sub(actual).amaxNumber().doubleValue();
    assertTrue(diff / scale < tol, what + ": max |diff| " + diff + " vs scale " + scale);
  }
}
