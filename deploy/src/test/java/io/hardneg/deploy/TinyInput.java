package io.hardneg.deploy;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The first n items of the shipped Fashion-MNIST test split as plain IDX files, and a job
 * configuration small enough for a two-round run in well under a minute of training.
 */
final class TinyInput {
  private TinyInput() {}

  /** Writes {images, labels} under {@code dir}; returns their paths. */
  static Path[] write(Path dir, int n) throws IOException {
    Path data = Launch.ROOT.resolve("data/fashion-mnist");
    Files.createDirectories(dir);
    Path images = dir.resolve("images-idx3-ubyte");
    Path labels = dir.resolve("labels-idx1-ubyte");
    copy(data.resolve("t10k-images-idx3-ubyte.gz"), images, n, 16, 784);
    copy(data.resolve("t10k-labels-idx1-ubyte.gz"), labels, n, 8, 1);
    return new Path[] {images, labels};
  }

  /** Job settings for a tiny model: everything but the input and output paths. */
  static String jobConf(int rounds) {
    return String.join("\n",
        "rounds = " + rounds,
        "model.hidden = 32",
        "model.embeddingDim = 16",
        "mining.hardPerAnchor = 1",
        "mining.semiHardPerAnchor = 1",
        "train.epochsPerRound = 1",
        "train.batchTriplets = 16",
        "train.averagingFrequency = 5",
        "spark.partitions = 4", "");
  }

  private static void copy(Path src, Path dst, int n, int header, int itemBytes)
      throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(src));
        OutputStream raw = Files.newOutputStream(dst);
        DataOutputStream out = new DataOutputStream(raw)) {
      byte[] h = in.readNBytes(header);
      out.write(h, 0, 4);
      out.writeInt(n);
      out.write(h, 8, header - 8);
      out.write(in.readNBytes(n * itemBytes));
    }
  }
}
