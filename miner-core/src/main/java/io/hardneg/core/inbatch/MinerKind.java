package io.hardneg.core.inbatch;

import java.util.Locale;

/** The in-batch miners a loss can run in the labels-in-batch layout. */
public enum MinerKind {
  /** {@link AllTuplesMiner}: no mining. */
  ALL("all"),
  /** {@link BatchHardMiner}. */
  BATCH_HARD("batch-hard"),
  /** {@link SemiHardMiner}. */
  SEMI_HARD("semi-hard"),
  /** {@link BatchAllMiner}. */
  BATCH_ALL("batch-all"),
  /** {@link DistanceWeightedMiner}. */
  DISTANCE_WEIGHTED("distance-weighted"),
  /** {@link MultiSimilarityMiner}. */
  MULTI_SIMILARITY("multi-similarity"),
  /** {@link HardestFractionMiner}. */
  HARDEST_FRACTION("hardest-fraction");

  private final String label;

  MinerKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** Parses a {@link #label()} (case-insensitive; {@code _} accepted for {@code -}). */
  public static MinerKind parse(String s) {
    String k = s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (MinerKind m : values()) {
      if (m.label.equals(k)) {
        return m;
      }
    }
    StringBuilder all = new StringBuilder();
    for (MinerKind m : values()) {
      all.append(all.length() == 0 ? "" : " | ").append(m.label);
    }
    throw new IllegalArgumentException("unknown miner '" + s + "' (expected " + all + ")");
  }
}
