package io.hardneg.deploy;

import io.hardneg.core.fixtures.FashionMnistSample;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The first n items of the shipped Fashion-MNIST test split as plain IDX files, and a job
 * configuration small enough for a two-round run in well under a minute of training.
 */
final class TinyInput {
  private TinyInput() {}

  /** Writes {images, labels} under {@code dir}; returns their paths. */
  static Path[] write(Path dir, int n) throws IOException {
    return FashionMnistSample.write(Launch.ROOT.resolve("data/fashion-mnist"), dir, n, 0);
  }

  /**
   * Job settings for a tiny model in triplets mode: everything but the input and output paths. The
   * cluster tests kill executors during TRAIN, and a triplets epoch (1 to 2 triplets per anchor, 16
   * per minibatch) is long enough on 600 items to be caught; a pk epoch there is one averaging
   * step.
   */
  static String jobConf(int rounds) {
    return jobConf(rounds, "triplets");
  }

  /** {@link #jobConf(int)} in another training mode. */
  static String jobConf(int rounds, String mode) {
    return String.join(
        "\n",
        "rounds = " + rounds,
        "train.mode = " + mode,
        "model.hidden = 32",
        "model.embeddingDim = 16",
        "mining.hardPerAnchor = 1",
        "mining.semiHardPerAnchor = 1",
        "train.epochsPerRound = 1",
        "train.batchTriplets = 16",
        "train.averagingFrequency = 5",
        "spark.partitions = 4",
        "");
  }
}
