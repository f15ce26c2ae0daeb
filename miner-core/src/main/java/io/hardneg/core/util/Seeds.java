package io.hardneg.core.util;

/**
 * Derives random seeds from stable keys, so a choice made for an item never depends on how the data
 * are partitioned or which task attempt makes it (docs/concepts.md: {@code hash(seed, round, id)}).
 */
public final class Seeds {
  private Seeds() {}

  /** SplitMix64 finaliser: a bijective 64-bit mix with good avalanche. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** Seed for a choice keyed by (seed, round, id). */
  public static long of(long seed, long round, long id) {
    return mix(mix(mix(seed) ^ (round * 0x9E3779B97F4A7C15L)) ^ id);
  }

  /** A uniform double in [0, 1) from a 64-bit key. */
  public static double unit(long key) {
    return (mix(key) >>> 11) * 0x1.0p-53;
  }
}
