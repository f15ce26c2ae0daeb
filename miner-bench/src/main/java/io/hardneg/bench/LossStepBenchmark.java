package io.hardneg.bench;

import io.hardneg.core.loss.MetricLoss;
import io.hardneg.core.model.ActivationL2Normalize;
import java.util.concurrent.TimeUnit;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Mining + loss + gradient of one batch, as DL4J's output layer runs it: L2-normalise the
 * pre-output, mine, compute the loss and its gradient, backprop through the normalisation ({@code
 * computeGradientAndScore}). PK labels (K = 4), random float pre-outputs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LossStepBenchmark {
  @Param({"256", "1024"})
  public int batch;

  @Param({"64", "128"})
  public int dim;

  @Param({
    "triplet/batch-hard",
    "triplet/semi-hard",
    "triplet/batch-all",
    "triplet/distance-weighted",
    "triplet/hardest-fraction",
    "contrastive/all",
    "multi-similarity/multi-similarity",
    "n-pair/all",
    "triplet-center/all"
  })
  public String config;

  private MetricLoss loss;
  private INDArray labels;
  private INDArray pre;
  private final IActivation act = new ActivationL2Normalize();

  @Setup
  public void setup() {
    loss = BenchData.loss(config);
    labels = BenchData.pkLabels(batch);
    pre = BenchData.gaussian(batch, dim, 1);
  }

  @Benchmark
  public Pair<Double, INDArray> lossAndGradient() {
    return loss.computeGradientAndScore(labels, pre, act, null, true);
  }
}
