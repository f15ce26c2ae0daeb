package io.hardneg.spark.stage.search;

import io.hardneg.core.search.VectorEntry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

/** Rows of {@code id, label, emb[, positive, d_ap[, excluded]]} as search entries. */
public final class EntryRows {
  /**
   * Entries per block of {@link #chunks}: 16 MiB of 64-d vectors, and a multiple of the kernel's
   * default base block (4,096), so an exact search over the blocks tiles the bases as over the
   * whole partition.
   */
  public static final int BLOCK = 65_536;

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
   * Each partition of the table as consecutive lists of at most {@code size} entries, read as the
   * task pulls them. A stage that works on a partition a block at a time (assignment to lists, the
   * recall sample's exact search, the broadcast search's queries) holds one block, not the
   * partition: at 16M items in 8 partitions a partition is 2M entries, more than a 4 GB executor
   * holds next to its cache.
   */
  public static JavaRDD<List<VectorEntry>> chunks(Dataset<Row> table, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("chunk size must be >= 1, got " + size);
    }
    return table
        .queryExecution()
        .toRdd()
        .toJavaRDD()
        .mapPartitions(
            rows ->
                new Iterator<List<VectorEntry>>() {
                  @Override
                  public boolean hasNext() {
                    return rows.hasNext();
                  }

                  @Override
                  public List<VectorEntry> next() {
                    if (!rows.hasNext()) {
                      throw new NoSuchElementException();
                    }
                    List<VectorEntry> chunk = new ArrayList<>();
                    while (chunk.size() < size && rows.hasNext()) {
                      chunk.add(entry(rows.next()));
                    }
                    return chunk;
                  }
                });
  }
}
