package io.hardneg.core.model;

import java.util.Arrays;

/**
 * What network to build. The loss (and its margin) is not part of it: it is given to {@link
 * EmbeddingNetworks#build(ModelSpec, org.nd4j.linalg.lossfunctions.ILossFunction)}, from one {@link
 * io.hardneg.core.loss.LossSpec}.
 *
 * @param architecture MLP or CNN
 * @param inputDim input features per item (the CNN needs a square image: 784 = 28x28)
 * @param hidden hidden layer widths (MLP: every layer; CNN: the dense layer after the convs)
 * @param embeddingDim output (embedding) dimension
 * @param learningRate Adam's learning rate
 * @param seed weight initialisation seed
 */
public record ModelSpec(
    Architecture architecture,
    int inputDim,
    int[] hidden,
    int embeddingDim,
    double learningRate,
    long seed) {
  public ModelSpec {
    if (inputDim < 1 || embeddingDim < 1) {
      throw new IllegalArgumentException(
          "input and embedding dimensions must be >= 1, got " + inputDim + " and " + embeddingDim);
    }
    for (int h : hidden) {
      if (h < 1) {
        throw new IllegalArgumentException(
            "hidden widths must be >= 1, got " + Arrays.toString(hidden));
      }
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
    }
    if (architecture == Architecture.CNN) {
      int side = (int) Math.round(Math.sqrt(inputDim));
      if (side * side != inputDim || side < 12) {
        throw new IllegalArgumentException(
            "the CNN needs square images of side >= 12, but the "
                + "input has "
                + inputDim
                + " features");
      }
      if (hidden.length != 1) {
        throw new IllegalArgumentException(
            "the CNN takes exactly one hidden (dense) width, got " + Arrays.toString(hidden));
      }
    }
  }
}
