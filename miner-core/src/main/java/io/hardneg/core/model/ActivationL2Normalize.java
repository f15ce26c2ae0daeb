package io.hardneg.core.model;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Output activation that scales each row to unit Euclidean length, {@code y = x / |x|}, so the
 * network's output is the embedding itself (docs/concepts.md: embeddings are unit vectors). Its
 * backward pass is the Jacobian of that map: {@code dL/dx = (g − y (y·g)) / |x|}. Rows shorter than
 * {@value #MIN_NORM} are divided by that floor instead of their norm.
 */
public class ActivationL2Normalize extends BaseActivationFunction {
  private static final long serialVersionUID = 1L;

  /** Floor on the norm, so a zero row neither divides by zero nor yields NaN. */
  public static final double MIN_NORM = 1e-12;

  @Override
  public INDArray getActivation(INDArray in, boolean training) {
    INDArray norms = rowNorms(in);
    in.diviColumnVector(norms);
    return in;
  }

  @Override
  public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
    assertShape(in, epsilon);
    INDArray norms = rowNorms(in);
    INDArray y = in.divColumnVector(norms);
    INDArray dot = y.mul(epsilon).sum(true, 1);
    INDArray grad = epsilon.sub(y.mulColumnVector(dot)).diviColumnVector(norms);
    return new Pair<>(grad, null);
  }

  private static INDArray rowNorms(INDArray in) {
    INDArray norms = in.norm2(true, 1);
    return Transforms.max(norms, MIN_NORM, false);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ActivationL2Normalize;
  }

  @Override
  public int hashCode() {
    return ActivationL2Normalize.class.hashCode();
  }

  @Override
  public String toString() {
    return "l2normalize";
  }
}
