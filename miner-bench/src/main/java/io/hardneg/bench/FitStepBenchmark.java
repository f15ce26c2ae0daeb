package io.hardneg.bench;

import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One full DL4J training step ({@code fit} of one minibatch: forward, loss with batch-hard mining,
 * backward, Adam update) of the demo MLP 784-256-128-dim on a batch of random inputs with PK labels
 * (K = 4) — the denominator of "share of a training step".
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FitStepBenchmark {
  @Param({"256", "1024"})
  public int batch;

  @Param({"64", "128"})
  public int dim;

  @Param({"triplet/batch-hard"})
  public String config;

  private MultiLayerNetwork net;
  private DataSet data;

  @Setup
  public void setup() {
    net = BenchData.demoMlp(BenchData.loss(config), dim);
    data = new DataSet(BenchData.gaussian(batch, 784, 2), BenchData.pkLabels(batch));
  }

  @Benchmark
  public double fitStep() {
    net.fit(data);
    return net.score();
  }
}
