package io.hardneg.spark.stage.search;

import io.hardneg.core.search.VectorEntry;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

/** Rows of {@code id, label, emb[, positive, d_ap[, excluded]]} as search entries. */
public final class EntryRows {
  private EntryRows() {}

  /**
   * One of Spark's internal rows (read out at once: it may be reused) as an anchor when it has a
   * positive, else as an item that is not searched.
   */
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
   * The table's rows collected to the driver as entries, in its order (internal rows: no float is
   * boxed).
   */
  public static List<VectorEntry> collect(Dataset<Row> table) {
    InternalRow[] rows = (InternalRow[]) table.queryExecution().executedPlan().executeCollect();
    List<VectorEntry> out = new ArrayList<>(rows.length);
    for (InternalRow r : rows) {
      out.add(entry(r));
    }
    return out;
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
