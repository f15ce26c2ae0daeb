package io.hardneg.core.model;

import io.hardneg.core.loss.LossSpec;
import io.hardneg.core.loss.TripletMarginLoss;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Builds embedding networks: the last layer outputs {@code embeddingDim} values normalised to unit
 * length by {@link ActivationL2Normalize}, trained with {@link TripletMarginLoss} in the fixed
 * triplet layout by default, or with any given loss (see {@code io.hardneg.core.loss}). Inputs are
 * flat feature vectors (the CNN reshapes them to square images).
 */
public final class EmbeddingNetworks {
  static {
    // convolution and pooling layers use libnd4j's oneDNN kernels (see NativeHelpers)
    NativeHelpers.enable();
  }

  private EmbeddingNetworks() {}

  /** A configuration in float precision. */
  public static MultiLayerConfiguration configuration(ModelSpec spec) {
    return configuration(spec, DataType.FLOAT);
  }

  /**
   * A configuration in the given precision (DOUBLE for gradient checks), trained with {@link
   * TripletMarginLoss} at the default margin ({@link LossSpec#DEFAULT_MARGIN}).
   */
  public static MultiLayerConfiguration configuration(ModelSpec spec, DataType dataType) {
    return configuration(spec, dataType, new TripletMarginLoss(LossSpec.DEFAULT_MARGIN));
  }

  /**
   * A configuration whose output layer trains with {@code loss} instead of the default {@link
   * TripletMarginLoss} (e.g. {@code LossFactory.create(lossSpec, layout)}).
   */
  public static MultiLayerConfiguration configuration(
      ModelSpec spec, DataType dataType, ILossFunction loss) {
    NeuralNetConfiguration.ListBuilder list =
        new NeuralNetConfiguration.Builder()
            .seed(spec.seed())
            .dataType(dataType)
            .updater(new Adam(spec.learningRate()))
            .weightInit(WeightInit.RELU)
            .list();
    int layer = 0;
    int nIn;
    if (spec.architecture() == Architecture.CNN) {
      int side = (int) Math.round(Math.sqrt(spec.inputDim()));
      list.layer(
          layer++,
          new ConvolutionLayer.Builder(5, 5)
              .nOut(32)
              .stride(1, 1)
              .activation(Activation.RELU)
              .build());
      list.layer(
          layer++,
          new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
              .kernelSize(2, 2)
              .stride(2, 2)
              .build());
      list.layer(
          layer++,
          new ConvolutionLayer.Builder(5, 5)
              .nOut(64)
              .stride(1, 1)
              .activation(Activation.RELU)
              .build());
      list.layer(
          layer++,
          new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
              .kernelSize(2, 2)
              .stride(2, 2)
              .build());
      list.layer(
          layer++,
          new DenseLayer.Builder().nOut(spec.hidden()[0]).activation(Activation.RELU).build());
      list.layer(layer, embeddingLayer(spec, spec.hidden()[0], loss));
      list.setInputType(InputType.convolutionalFlat(side, side, 1));
      return list.build();
    }
    nIn = spec.inputDim();
    for (int h : spec.hidden()) {
      list.layer(
          layer++, new DenseLayer.Builder().nIn(nIn).nOut(h).activation(Activation.RELU).build());
      nIn = h;
    }
    list.layer(layer, embeddingLayer(spec, nIn, loss));
    return list.build();
  }

  private static OutputLayer embeddingLayer(ModelSpec spec, int nIn, ILossFunction loss) {
    return new OutputLayer.Builder(loss)
        .nIn(nIn)
        .nOut(spec.embeddingDim())
        .weightInit(WeightInit.XAVIER)
        .activation(new ActivationL2Normalize())
        .build();
  }

  /** A new, initialised network with {@link TripletMarginLoss} at the default margin. */
  public static MultiLayerNetwork build(ModelSpec spec) {
    MultiLayerNetwork net = new MultiLayerNetwork(configuration(spec));
    net.init();
    return net;
  }

  /** A new, initialised network (float) trained with {@code loss}. */
  public static MultiLayerNetwork build(ModelSpec spec, ILossFunction loss) {
    MultiLayerNetwork net = new MultiLayerNetwork(configuration(spec, DataType.FLOAT, loss));
    net.init();
    return net;
  }
}
