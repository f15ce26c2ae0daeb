package io.hardneg.core.mining;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counters of one mining pass. Mergeable, so per-partition counts add up on the driver.
 * Anchors without a positive or without any negative are counted here, never fatal.
 */
public final class MiningStats implements Serializable {
  private static final long serialVersionUID = 1L;

  private long anchors;
  private long noPositive;
  private long noNegative;
  private long noSemiHard;
  private long falseNegativeRejected;
  private long nearDuplicateRejected;
  private long quotaRejected;
  private final long[] byKind = new long[NegativeKind.values().length];

  public void addAnchor() {
    anchors++;
  }

  public void addNoPositive() {
    noPositive++;
  }

  public void addNoNegative() {
    noNegative++;
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

  public void addTriplet(NegativeKind kind) {
    byKind[kind.ordinal()]++;
  }

  /** Adds another pass's counts into this one and returns this. */
  public MiningStats merge(MiningStats o) {
    anchors += o.anchors;
    noPositive += o.noPositive;
    noNegative += o.noNegative;
    noSemiHard += o.noSemiHard;
    falseNegativeRejected += o.falseNegativeRejected;
    nearDuplicateRejected += o.nearDuplicateRejected;
    quotaRejected += o.quotaRejected;
    for (int i = 0; i < byKind.length; i++) {
      byKind[i] += o.byKind[i];
    }
    return this;
  }

  public long anchors() {
    return anchors;
  }

  /** Anchors whose class has no other item. */
  public long noPositive() {
    return noPositive;
  }

  /** Anchors with a positive but no admissible negative at all. */
  public long noNegative() {
    return noNegative;
  }

  /** Anchors for which no negative satisfied the semi-hard rule (fallback applied). */
  public long noSemiHard() {
    return noSemiHard;
  }

  public long triplets() {
    long t = 0;
    for (long c : byKind) {
      t += c;
    }
    return t;
  }

  /** Triplet counts by kind label. */
  public Map<String, Long> byKind() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (NegativeKind k : NegativeKind.values()) {
      m.put(k.label(), byKind[k.ordinal()]);
    }
    return m;
  }

  @Override
  public String toString() {
    return "anchors=" + anchors + " triplets=" + triplets() + " " + byKind()
        + " noPositive=" + noPositive + " noNegative=" + noNegative + " noSemiHard=" + noSemiHard
        + " rejected(falseNegative=" + falseNegativeRejected + " nearDuplicate="
        + nearDuplicateRejected + " quota=" + quotaRejected + ")";
  }
}
