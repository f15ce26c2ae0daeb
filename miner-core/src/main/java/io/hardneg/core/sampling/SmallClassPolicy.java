package io.hardneg.core.sampling;

import java.util.Locale;

/** What {@link PkSampler} does with a class that has fewer than K items. */
public enum SmallClassPolicy {
  /**
   * Take each of its items once, then fill up to K with seeded draws with replacement from the
   * class (pytorch-metric-learning's {@code MPerClassSampler} behaviour). A class of one item
   * gives K copies of it: its positives then sit at distance 0 and contribute no gradient.
   */
  REPLACE("replace"),
  /** Never choose such a class (it still counts as a negative source in no batch). */
  DROP("drop"),
  /** Take all its items: the batch is shorter than P·K. */
  TAKE_ALL("take-all");

  private final String label;

  SmallClassPolicy(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static SmallClassPolicy parse(String s) {
    String k = s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (SmallClassPolicy p : values()) {
      if (p.label.equals(k)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown small-class policy '" + s
        + "' (expected replace | drop | take-all)");
  }
}
