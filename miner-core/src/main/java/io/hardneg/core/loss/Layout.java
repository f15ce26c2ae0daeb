package io.hardneg.core.loss;

import java.util.Locale;

/** How a minibatch's rows are organised for a {@link MetricLoss}. */
public enum Layout {
  /**
   * Fixed triplet layout (mined offline, e.g. by the Spark job): rows {@code 3t, 3t+1, 3t+2} are
   * {@code (anchor, positive, negative)}. The labels array is not read beyond its row count (except
   * by the triplet-center loss, which needs class labels in either layout).
   */
  TRIPLETS("triplets"),
  /**
   * Labels in the batch: the labels array carries each row's class, as an {@code [n,1]} column of
   * integral class ids or as an {@code [n,C]} one-hot matrix (the row's argmax is its class); the
   * loss runs its configured in-batch miner.
   */
  LABELS("labels");

  private final String label;

  Layout(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static Layout parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "triplets" -> TRIPLETS;
      case "labels" -> LABELS;
      default ->
          throw new IllegalArgumentException(
              "unknown layout '" + s + "' (expected triplets | labels)");
    };
  }
}
