package io.hardneg.spark.stage;

import java.io.Serializable;

/**
 * An embedding row on its way through a list shuffle: as a base vector of its home list, or as
 * a query of one of the lists it probes (queries carry the anchor's positive and d(a,p)).
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
  int[] probes;

  /** For Kryo. */
  public VectorEntry() {}

  VectorEntry copyAs(boolean asQuery) {
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

  boolean hasPositive() {
    return !Double.isNaN(dAp);
  }
}
