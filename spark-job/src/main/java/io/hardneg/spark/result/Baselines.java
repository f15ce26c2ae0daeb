package io.hardneg.spark.result;

import io.hardneg.core.util.JsonShape;
import java.util.Map;

/**
 * A run's {@code baselines.json}: what the rounds are measured against.
 *
 * @param rawPixels the normalised input features, no model
 * @param untrained the initial network
 * @param source {@code computed} (evaluated by this run) or {@code cached} (read from the baseline
 *     cache, computed by an earlier run on the same input, split, seed and initial network)
 * @param cacheKey the cache entry's key; absent when the cache is off
 */
public record Baselines(
    Retrieval rawPixels, Retrieval untrained, String source, @JsonShape.OmitNull String cacheKey) {
  /** {@code source} of baselines this run evaluated. */
  public static final String COMPUTED = "computed";

  /** {@code source} of baselines read from the cache. */
  public static final String CACHED = "cached";

  /** The same baselines under another source. */
  public Baselines withSource(String s) {
    return new Baselines(rawPixels, untrained, s, cacheKey);
  }

  /** Reads back what {@link io.hardneg.spark.run.Json#write} wrote for Baselines. */
  @SuppressWarnings("unchecked")
  public static Baselines fromJson(Map<String, Object> m) {
    return new Baselines(
        Retrieval.fromJson((Map<String, Object>) m.get("raw_pixels")),
        Retrieval.fromJson((Map<String, Object>) m.get("untrained")),
        (String) m.get("source"),
        (String) m.get("cache_key"));
  }
}
