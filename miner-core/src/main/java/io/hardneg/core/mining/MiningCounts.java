package io.hardneg.core.mining;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The counters every mining pass keeps, in a batch ({@link io.hardneg.core.inbatch.InBatchStats})
 * or over the whole dataset ({@link MiningStats}): anchors seen, anchors skipped (no positive, no
 * negative) and tuples by {@link MinedKind}. Subclasses add what only their pass knows and merge
 * through {@link #addCounts}.
 */
public abstract class MiningCounts implements Serializable {
  private static final long serialVersionUID = 1L;

  private long anchors;
  private long noPositive;
  private long noNegative;
  private final long[] byKind = new long[MinedKind.values().length];

  /** The kinds this pass can produce: the keys of {@link #byKind()}, in that order. */
  protected abstract Set<MinedKind> kinds();

  public void addAnchor() {
    anchors++;
  }

  public void addNoPositive() {
    noPositive++;
  }

  public void addNoNegative() {
    noNegative++;
  }

  /** Counts {@code count} tuples of {@code kind}, which must be one of {@link #kinds()}. */
  public void addTuples(MinedKind kind, long count) {
    if (!kinds().contains(kind)) {
      throw new IllegalArgumentException("kind " + kind.label() + " is not one of " + kinds());
    }
    byKind[kind.ordinal()] += count;
  }

  public void addTuple(MinedKind kind) {
    addTuples(kind, 1);
  }

  public long anchors() {
    return anchors;
  }

  /** Anchors whose class has no other item (in the batch, or in the data). */
  public long noPositive() {
    return noPositive;
  }

  /** Anchors with a positive but no admissible negative at all. */
  public long noNegative() {
    return noNegative;
  }

  public long count(MinedKind kind) {
    return byKind[kind.ordinal()];
  }

  /** Tuples of every kind. */
  public long tuples() {
    long t = 0;
    for (long c : byKind) {
      t += c;
    }
    return t;
  }

  /** Tuple counts by kind label, every kind of {@link #kinds()} included (zeros too). */
  public Map<String, Long> byKind() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (MinedKind k : kinds()) {
      m.put(k.label(), byKind[k.ordinal()]);
    }
    return m;
  }

  /** Adds the other pass's shared counters into these. */
  protected void addCounts(MiningCounts o) {
    anchors += o.anchors;
    noPositive += o.noPositive;
    noNegative += o.noNegative;
    for (int k = 0; k < byKind.length; k++) {
      byKind[k] += o.byKind[k];
    }
  }

  /** The shared counters as the subclasses' {@code toString} starts, tuples called {@code noun}. */
  protected String countsString(String noun) {
    return "anchors="
        + anchors
        + " "
        + noun
        + "="
        + tuples()
        + " "
        + byKind()
        + " noPositive="
        + noPositive
        + " noNegative="
        + noNegative;
  }
}
