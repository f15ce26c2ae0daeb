package io.hardneg.spark.io;

import io.hardneg.core.data.LabeledVectors;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Moves small tables between Spark and {@link LabeledVectors}. */
public final class Tables {
  private Tables() {}

  /**
   * Collects {@code (id, label, vector)} rows to the driver, sorted by id so the result does not
   * depend on partitioning. Only for tables that fit the driver (broadcast placement, evaluation).
   */
  public static LabeledVectors collect(Dataset<Row> table) {
    List<Row> rows = table.sort("id").collectAsList();
    return fromRows(rows.iterator(), rows.size(), "collected table");
  }

  /** Copies {@code n} rows of {@code (id, label, array<float>)} into a table. */
  public static LabeledVectors fromRows(Iterator<Row> it, int n, String what) {
    long[] ids = new long[n];
    long[] labels = new long[n];
    float[] values = null;
    int dim = -1;
    for (int i = 0; i < n; i++) {
      Row r = it.next();
      int len = r.getSeq(2).length();
      if (dim < 0) {
        dim = len;
        values = new float[n * dim];
      } else if (len != dim) {
        throw new InputException(
            what
                + ": item id "
                + r.getLong(0)
                + " has a vector of "
                + len
                + " values, expected "
                + dim
                + " (dimension must not vary)");
      }
      ids[i] = r.getLong(0);
      labels[i] = r.getLong(1);
      Schemas.copyFloats(r, 2, values, i * dim);
    }
    if (n == 0) {
      return new LabeledVectors(new long[0], new long[0], new float[0], 1);
    }
    return new LabeledVectors(ids, labels, values, dim);
  }
}
