package io.hardneg.spark.stage.search;

import io.hardneg.core.search.VectorEntry;
import io.hardneg.spark.io.Schemas;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

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

  /** {@link #entry(Row)} of one of Spark's internal rows (read out at once: it may be reused). */
  public static VectorEntry entry(InternalRow r) {
    float[] emb = r.getArray(2).toFloatArray();
    int fields = r.numFields();
    if (fields <= 3 || r.isNullAt(3)) {
      return VectorEntry.item(r.getLong(0), r.getLong(1), emb);
    }
    long[] excluded = fields > 5 && !r.isNullAt(5) ? r.getArray(5).toLongArray() : null;
    return VectorEntry.anchor(
        r.getLong(0), r.getLong(1), emb, r.getLong(3), r.getDouble(4), excluded);
  }

  /**
   * Each partition of the table as a list of entries. Read as Spark's internal rows: the vectors
   * come out of the row in one copy, where a {@code Row} first boxes every float.
   */
  public static JavaRDD<List<VectorEntry>> partitions(Dataset<Row> table) {
    return table
        .queryExecution()
        .toRdd()
        .toJavaRDD()
        .mapPartitions(
            rows -> {
              List<VectorEntry> entries = new ArrayList<>();
              rows.forEachRemaining(r -> entries.add(entry(r)));
              return List.of(entries).iterator();
            });
  }
}
