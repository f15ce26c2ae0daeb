package io.hardneg.core.mining;

/** What semi-hard mining does for an anchor that has no semi-hard negative. */
public enum SemiHardFallback {
  /** Produce no semi-hard triplet for that anchor (counted). */
  SKIP,
  /** Use the hardest (nearest) negatives instead; the triplets are of kind {@code hard}. */
  HARD,
  /** Use the nearest negatives with {@code d(a,n) > d(a,p)}, of kind {@code beyond}. */
  NEAREST_BEYOND;

  /** Parses {@code skip | hard | nearest-beyond}. */
  public static SemiHardFallback parse(String s) {
    return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "skip" -> SKIP;
      case "hard" -> HARD;
      case "nearest-beyond" -> NEAREST_BEYOND;
      default ->
          throw new IllegalArgumentException(
              "unknown semi-hard fallback '" + s + "' (expected skip | hard | nearest-beyond)");
    };
  }
}
