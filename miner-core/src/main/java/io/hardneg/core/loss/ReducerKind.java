package io.hardneg.core.loss;

import java.util.Locale;

/**
 * How a loss's terms (one per triplet, pair, anchor or row, as the loss states) become one number.
 * With {@code T} terms of which {@code T+} are non-zero: {@link #MEAN} divides the sum by {@code
 * T}, {@link #MEAN_NONZERO} by {@code T+} (pytorch-metric-learning's {@code AvgNonZeroReducer}); no
 * terms, or no non-zero terms, give 0 (never NaN).
 */
public enum ReducerKind {
  MEAN("mean"),
  MEAN_NONZERO("mean-nonzero");

  private final String label;

  ReducerKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** The divisor for {@code terms} terms of which {@code nonzero} are non-zero. */
  public long divisor(long terms, long nonzero) {
    return this == MEAN ? terms : nonzero;
  }

  public static ReducerKind parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
      case "mean" -> MEAN;
      case "mean-nonzero", "nonzero" -> MEAN_NONZERO;
      default ->
          throw new IllegalArgumentException(
              "unknown reducer '" + s + "' (expected mean | mean-nonzero)");
    };
  }
}
