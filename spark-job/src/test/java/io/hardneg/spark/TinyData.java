package io.hardneg.spark;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Writes the first n items of the shipped Fashion-MNIST test split as plain IDX files. */
public final class TinyData {
  static final Path DATA = Path.of("..", "data", "fashion-mnist");

  private TinyData() {}

  /** Returns {images, labels} paths under {@code dir}. */
  public static Path[] write(Path dir, int n) throws IOException {
    return write(dir, n, 0);
  }

  /** Items {@code skip .. skip+n-1} of the split; returns {images, labels} under {@code dir}. */
  public static Path[] write(Path dir, int n, int skip) throws IOException {
    Files.createDirectories(dir);
    Path images = dir.resolve("images-idx3-ubyte");
    Path labels = dir.resolve("labels-idx1-ubyte");
    copy(DATA.resolve("t10k-images-idx3-ubyte.gz"), images, n, skip, 16, 784);
    copy(DATA.resolve("t10k-labels-idx1-ubyte.gz"), labels, n, skip, 8, 1);
    return new Path[] {images, labels};
  }

  private static void copy(Path src, Path dst, int n, int skip, int header, int itemBytes)
      throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(src));
        OutputStream raw = Files.newOutputStream(dst);
        DataOutputStream out = new DataOutputStream(raw)) {
      byte[] h = in.readNBytes(header);
      out.write(h, 0, 4);
      out.writeInt(n);
      out.write(h, 8, header - 8);
      in.readNBytes(skip * itemBytes);
      out.write(in.readNBytes(n * itemBytes));
    }
  }
}
