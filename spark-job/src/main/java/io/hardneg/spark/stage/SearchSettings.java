package io.hardneg.spark.stage;

import java.io.Serializable;
import java.util.Locale;

/**
 * Where and how the negative search runs.
 *
 * @param mode {@code broadcast} (exact; the embedding table is broadcast to every task),
 *     {@code tiled} (exact; items hashed into {@code tiles} base tiles, every anchor visits all
 *     tiles through a shuffle), or {@code ivf} (approximate; inverted lists from spherical
 *     k-means, every anchor visits its {@code nprobe} nearest lists)
 * @param nlist IVF lists; 0 = about 4·√N
 * @param nprobe lists each anchor visits
 * @param listCap most base vectors one task holds: bigger lists are split into sub-lists
 * @param kmeansSample points the centroids are fitted on (a seeded sample)
 * @param kmeansIterations Lloyd iterations
 * @param tiles base tiles of the tiled exact mode
 * @param recallSample anchors whose approximate nearest negative is checked against an exact
 *     search each round (ivf only; 0 = off)
 */
public record SearchSettings(Mode mode, int nlist, int nprobe, int listCap, int kmeansSample,
    int kmeansIterations, int tiles, int recallSample) implements Serializable {

  /** Search placement. */
  public enum Mode {
    BROADCAST, TILED, IVF;

    /** Parses {@code broadcast | tiled | ivf}. */
    public static Mode parse(String s) {
      return switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "broadcast" -> BROADCAST;
        case "tiled" -> TILED;
        case "ivf" -> IVF;
        default -> throw new IllegalArgumentException(
            "unknown search mode '" + s + "' (expected broadcast | tiled | ivf)");
      };
    }

    /** The name used in configuration and in mining.json. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public SearchSettings {
    if (nlist < 0 || nprobe < 1 || listCap < 1 || kmeansSample < 1 || kmeansIterations < 0
        || tiles < 1 || recallSample < 0) {
      throw new IllegalArgumentException("search settings out of range: nlist=" + nlist
          + " nprobe=" + nprobe + " listCap=" + listCap + " kmeansSample=" + kmeansSample
          + " kmeansIterations=" + kmeansIterations + " tiles=" + tiles + " recallSample="
          + recallSample);
    }
    if (nlist > 0 && nprobe > nlist) {
      throw new IllegalArgumentException("nprobe " + nprobe + " > nlist " + nlist);
    }
  }

  /** The list count for {@code n} items: {@code nlist}, or about 4·√n (at least nprobe). */
  public int listsFor(long n) {
    int auto = (int) Math.max(1, Math.min(n, Math.round(4 * Math.sqrt(n))));
    int l = nlist > 0 ? (int) Math.min(nlist, Math.max(1, n)) : auto;
    return Math.max(l, Math.min(nprobe, (int) Math.max(1, n)));
  }
}
