package io.hardneg.core.search;

import java.io.Serializable;

/**
 * An item on its way through a list search: as a base vector of its home list, or as a query of one
 * of the lists it probes (queries carry the anchor's positive and d(a,p)). Serializable (and
 * registered with Kryo by the Spark job) because the list placements shuffle it.
 */
public final class VectorEntry implements Serializable {
  private static final long serialVersionUID = 1L;

  long id;
  long label;
  float[] emb;
  boolean query;
  long positive;
  double dAp = Double.NaN;

  /** Sorted ids this anchor may not take as negatives (pair mode), or null. */
  long[] excluded;

  int home;

  /**
   * Lists beyond {@code home} this entry also lives in as a base vector (IVF spilling); empty for
   * one list per item.
   */
  int[] spill = new int[0];

  int[] probes;

  /** For Kryo. */
  public VectorEntry() {}

  /** An item that is not searched (no positive): a base vector only. */
  public static VectorEntry item(long id, long label, float[] emb) {
    VectorEntry e = new VectorEntry();
    e.id = id;
    e.label = label;
    e.emb = emb;
    return e;
  }

  /**
   * An anchor that is searched: its positive, {@code d(a,p)} (the bound of the beyond list) and the
   * sorted ids it may not take as negatives (null = none).
   */
  public static VectorEntry anchor(
      long id, long label, float[] emb, long positive, double dAp, long[] excluded) {
    VectorEntry e = item(id, label, emb);
    e.positive = positive;
    e.dAp = dAp;
    e.excluded = excluded;
    return e;
  }

  /**
   * This entry as a base vector or as a query (queries keep their excluded ids; the list assignment
   * stays behind: the copies are what a shuffle carries).
   */
  public VectorEntry copyAs(boolean asQuery) {
    VectorEntry e = new VectorEntry();
    e.id = id;
    e.label = label;
    e.emb = emb;
    e.query = asQuery;
    e.positive = positive;
    e.dAp = dAp;
    e.excluded = asQuery ? excluded : null;
    return e;
  }

  /** True when the entry is searched (it has a positive and so a d(a,p)). */
  public boolean hasPositive() {
    return !Double.isNaN(dAp);
  }

  public long id() {
    return id;
  }

  public long label() {
    return label;
  }

  public float[] emb() {
    return emb;
  }

  /** The positive's id (meaningful when {@link #hasPositive()}). */
  public long positive() {
    return positive;
  }

  /** d(a,p); NaN when the entry is not searched. */
  public double dAp() {
    return dAp;
  }

  public boolean isQuery() {
    return query;
  }

  public long[] excluded() {
    return excluded;
  }

  /** The home list (set by an {@link Assigner}). */
  public int home() {
    return home;
  }

  /** The further lists this entry lives in as a base vector (set by an {@link Assigner}). */
  public int[] spill() {
    return spill;
  }

  /** Every list this entry lives in as a base vector: {@code home}, then {@code spill}. */
  public int[] baseLists() {
    int[] out = new int[1 + spill.length];
    out[0] = home;
    System.arraycopy(spill, 0, out, 1, spill.length);
    return out;
  }

  /** The lists this entry visits as a query (set by an {@link Assigner}). */
  public int[] probes() {
    return probes;
  }
}
