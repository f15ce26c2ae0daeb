package io.hardneg.core.mining;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * How a tuple was chosen, by the global {@link NegativeSelector} or by an in-batch miner: one
 * vocabulary for the triplet table's {@code kind} column, the mining statistics and the report. The
 * {@link #label()}s are a data contract (stored in triplet tables, keys of {@code mining.json} and
 * {@code metrics.json}): never rename one.
 */
public enum MinedKind {
  /** The nearest valid negative(s): {@code d(a,n)} minimal over the anchor's negatives. */
  HARD("hard"),
  /** {@link Hardness#isSemiHard FaceNet's rule}, nearest such negative first. */
  SEMIHARD("semihard"),
  /** Global mining's rank band: the negative's rank among the anchor's negatives in [min, max). */
  BAND("band"),
  /**
   * Semi-hard's {@code nearest-beyond} fallback (TensorFlow Addons): the nearest negative with
   * {@code d(a,n) > d(a,p)}, no upper bound; used only when no semi-hard negative exists.
   */
  BEYOND("beyond"),
  /** Batch-all: every triplet with {@code D(a,p) − D(a,n) + margin > 0}. */
  VIOLATING("violating"),
  /** Drawn by distance-weighted sampling. */
  WEIGHTED("weighted"),
  /** Kept by hardest-fraction mining (top q by loss). */
  TOP_FRACTION("top-fraction"),
  /** Given by the fixed triplet layout (mined offline). */
  GIVEN("given"),
  /** Every triplet (no mining). */
  ALL("all"),
  /** A positive pair (pair miners). */
  POSITIVE_PAIR("positive-pair"),
  /** A negative pair (pair miners). */
  NEGATIVE_PAIR("negative-pair");

  /** The kinds the global selector produces, in the order its statistics list them. */
  public static final Set<MinedKind> GLOBAL =
      Collections.unmodifiableSet(EnumSet.of(HARD, SEMIHARD, BAND, BEYOND));

  /** The kinds in-batch miners produce, in the order their statistics list them. */
  public static final Set<MinedKind> IN_BATCH =
      Collections.unmodifiableSet(EnumSet.complementOf(EnumSet.of(BAND)));

  private final String label;

  MinedKind(String label) {
    this.label = label;
  }

  /** The name stored in the triplet table's {@code kind} column and used as a report key. */
  public String label() {
    return label;
  }
}
