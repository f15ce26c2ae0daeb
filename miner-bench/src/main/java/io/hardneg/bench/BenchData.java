package io.hardneg.bench;

import io.hardneg.core.fixtures.RandomVectors;
import io.hardneg.core.loss.Layout;
import io.hardneg.core.loss.LossFactory;
import io.hardneg.core.loss.LossSpec;
import io.hardneg.core.loss.MetricLoss;
import io.hardneg.core.model.ActivationL2Normalize;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** Fixtures shared by the benchmarks: PK labels, random inputs, the configured losses. */
final class BenchData {
  private BenchData() {}

  /** Items per class in every benchmark batch (P = batch / K). */
  static final int K = 4;

  /**
   * Benchmark configurations {@code loss/miner}: each is a {@link LossSpec} map. The margins are
   * those of the defaults unless stated.
   */
  static LossSpec spec(String config) {
    String[] lm = config.split("/");
    Map<String, String> m = new HashMap<>();
    m.put("loss", lm[0]);
    m.put("miner", lm[1]);
    if (lm[0].equals("multi-similarity")) {
      m.put("distance", "cosine");
    }
    if (lm[1].equals("semi-hard")) {
      m.put("fallback", "nearest-beyond");
    }
    if (lm[1].equals("hardest-fraction")) {
      m.put("fraction", "0.1");
    }
    return LossSpec.fromMap(m);
  }

  static MetricLoss loss(String config) {
    return LossFactory.create(spec(config), Layout.LABELS);
  }

  /** An [n,1] column of class ids: n/K classes of K rows, interleaved. */
  static INDArray pkLabels(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = i / K;
    }
    return Nd4j.create(v, new long[] {n, 1}, 'c');
  }

  static INDArray gaussian(int rows, int cols, long seed) {
    float[] v = RandomVectors.gaussianFloats(new Random(seed), rows, cols);
    return Nd4j.create(v, new long[] {rows, cols}, 'c');
  }

  /** The demo MLP 784-256-128-dim (as EmbeddingNetworks builds it) with the given loss. */
  static MultiLayerNetwork demoMlp(MetricLoss loss, int dim) {
    MultiLayerConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .seed(42)
            .dataType(DataType.FLOAT)
            .updater(new Adam(1e-3))
            .weightInit(WeightInit.RELU)
            .list()
            .layer(new DenseLayer.Builder().nIn(784).nOut(256).activation(Activation.RELU).build())
            .layer(new DenseLayer.Builder().nIn(256).nOut(128).activation(Activation.RELU).build())
            .layer(
                new OutputLayer.Builder(loss)
                    .nIn(128)
                    .nOut(dim)
                    .weightInit(WeightInit.XAVIER)
                    .activation(new ActivationL2Normalize())
                    .build())
            .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }
}
