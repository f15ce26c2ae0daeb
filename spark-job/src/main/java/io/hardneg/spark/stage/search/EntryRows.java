package io.hardneg.spark.stage.search;

import io.hardneg.core.search.VectorEntry;
import io.hardneg.spark.io.Schemas;
import org.apache.spark.sql.Row;

/** Rows of {@code id, label, emb[, positive, d_ap[, excluded]]} as search entries. */
public final class EntryRows {
  private EntryRows() {}

  /** The row as an anchor when it has a positive, else as an item that is not searched. */
  public static VectorEntry entry(Row r) {
    float[] emb = new float[r.getSeq(2).length()];
    Schemas.copyFloats(r, 2, emb, 0);
    if (r.length() <= 3 || r.isNullAt(3)) {
      return VectorEntry.item(r.getLong(0), r.getLong(1), emb);
    }
    long[] excluded = null;
    if (r.length() > 5 && !r.isNullAt(5)) {
      scala.collection.Seq<Object> ex = r.getSeq(5);
      excluded = new long[ex.length()];
      for (int i = 0; i < excluded.length; i++) {
        excluded[i] = (Long) ex.apply(i);
      }
    }
    return VectorEntry.anchor(
        r.getLong(0), r.getLong(1), emb, r.getLong(3), r.getDouble(4), excluded);
  }
}
