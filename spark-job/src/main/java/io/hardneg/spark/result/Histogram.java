package io.hardneg.spark.result;

import java.util.List;

/** Equal-width bins: {@code edges} has one more entry than {@code counts}. */
public record Histogram(List<Double> edges, List<Long> counts) {}
