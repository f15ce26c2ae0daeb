package io.hardneg.spark;

import io.hardneg.core.fixtures.FashionMnistSample;
import java.io.IOException;
import java.nio.file.Path;

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
    return FashionMnistSample.write(DATA, dir, n, skip);
  }
}
