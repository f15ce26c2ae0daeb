package io.hardneg.spark.config;

import java.io.Serializable;
import java.util.Locale;

/**
 * Where and how the negative search runs ({@code mining.search}); each placement holds only its own
 * parameters.
 */
public sealed interface SearchSettings extends Serializable
    permits BroadcastSearch, TiledSearch, IvfSearchSettings {

  /** The name used in configuration and in mining.json. */
  String label();

  /** Parses {@code broadcast | tiled | ivf} into its canonical name. */
  static String mode(String s) {
    String m = s.trim().toLowerCase(Locale.ROOT);
    if (!m.equals("broadcast") && !m.equals("tiled") && !m.equals("ivf")) {
      throw new IllegalArgumentException(
          "unknown search mode '" + s + "' (expected broadcast | tiled | ivf)");
    }
    return m;
  }

  /**
   * The settings of {@code mode} from every {@code mining.*} search key (each placement keeps the
   * ones it uses; see the records for their meaning); {@code baseLists} is {@code
   * mining.ivf.baseLists}, the lists each item lives in under ivf.
   */
  static SearchSettings of(
      String mode,
      int nlist,
      int nprobe,
      int listCap,
      int kmeansSample,
      int kmeansIterations,
      int tiles,
      int recallSample,
      int baseLists) {
    // checked whatever the mode, as it always was: a later switch to ivf must not surprise
    if (nlist > 0 && nprobe > nlist) {
      throw new IllegalArgumentException("nprobe " + nprobe + " > nlist " + nlist);
    }
    return switch (mode(mode)) {
      case "broadcast" -> new BroadcastSearch();
      case "tiled" -> new TiledSearch(tiles, listCap);
      default ->
          new IvfSearchSettings(
              nlist, nprobe, listCap, kmeansSample, kmeansIterations, recallSample, baseLists);
    };
  }
}
