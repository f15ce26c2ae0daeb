package io.hardneg.spark.result;

/**
 * A run's {@code baselines.json}: what the rounds are measured against.
 *
 * @param rawPixels the normalised input features, no model
 * @param untrained the initial network
 */
public record Baselines(Retrieval rawPixels, Retrieval untrained) {}
