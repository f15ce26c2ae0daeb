package io.hardneg.core.mining;

import java.util.Set;

/**
 * Counters of one global mining pass ({@link NegativeSelector}): the shared {@link MiningCounts}
 * plus semi-hard misses and the guards' rejections. Mergeable, so per-partition counts add up on
 * the driver. Anchors without a positive or without any negative are counted here, never fatal.
 */
public final class MiningStats extends MiningCounts {
  private static final long serialVersionUID = 2L;

  private long noSemiHard;
  private long falseNegativeRejected;
  private long nearDuplicateRejected;
  private long quotaRejected;

  @Override
  protected Set<MinedKind> kinds() {
    return MinedKind.GLOBAL;
  }

  public void addNoSemiHard() {
    noSemiHard++;
  }

  public void addFalseNegativeRejected() {
    falseNegativeRejected++;
  }

  public void addNearDuplicateRejected() {
    nearDuplicateRejected++;
  }

  public void addQuotaRejected() {
    quotaRejected++;
  }

  /** Candidates the false-negative guard rejected (once per anchor and candidate). */
  public long falseNegativeRejected() {
    return falseNegativeRejected;
  }

  /** Candidates the near-duplicate guard rejected (once per anchor and candidate). */
  public long nearDuplicateRejected() {
    return nearDuplicateRejected;
  }

  /** Times a candidate was passed over because its label's quota was full. */
  public long quotaRejected() {
    return quotaRejected;
  }

  /** Counts one mined triplet. */
  public void addTriplet(MinedKind kind) {
    addTuple(kind);
  }

  /** Adds another pass's counts into this one and returns this. */
  public MiningStats merge(MiningStats o) {
    addCounts(o);
    noSemiHard += o.noSemiHard;
    falseNegativeRejected += o.falseNegativeRejected;
    nearDuplicateRejected += o.nearDuplicateRejected;
    quotaRejected += o.quotaRejected;
    return this;
  }

  /** Anchors for which no negative satisfied the semi-hard rule (fallback applied). */
  public long noSemiHard() {
    return noSemiHard;
  }

  /** Mined triplets of every kind. */
  public long triplets() {
    return tuples();
  }

  @Override
  public String toString() {
    return countsString("triplets")
        + " noSemiHard="
        + noSemiHard
        + " rejected(falseNegative="
        + falseNegativeRejected
        + " nearDuplicate="
        + nearDuplicateRejected
        + " quota="
        + quotaRejected
        + ")";
  }
}
