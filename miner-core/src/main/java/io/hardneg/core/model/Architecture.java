package io.hardneg.core.model;

/** Network families hardneg builds. */
public enum Architecture {
  /** Fully connected ReLU layers: for vector input. */
  MLP,
  /** conv5x5(32)-maxpool-conv5x5(64)-maxpool-dense-embedding: for square grey images. */
  CNN;

  /** Parses {@code mlp | cnn}. */
  public static Architecture parse(String s) {
    return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "mlp" -> MLP;
      case "cnn" -> CNN;
      default ->
          throw new IllegalArgumentException(
              "unknown model architecture '" + s + "' (expected mlp | cnn)");
    };
  }
}
