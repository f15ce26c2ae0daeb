package io.hardneg.spark.io;

import io.hardneg.core.data.LabeledVectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

/** Moves small tables between Spark and {@link LabeledVectors}. */
public final class Tables {
  private Tables() {}

  /**
   * Collects {@code (id, label, vector)} rows to the driver, sorted by id so the result does not
   * depend on partitioning. Only for tables that fit the driver (broadcast placement, evaluation).
   */
  public static LabeledVectors collect(Dataset<Row> table) {
    return collectInternal(table.sort("id"), "collected table");
  }

  /**
   * Collects the {@code (id, label, vector)} rows of {@code table}, in its order, as Spark's
   * internal rows: each vector comes out in one copy, where {@code collectAsList} boxes every float
   * (a raw-pixel baseline is 47M floats at 60k items).
   */
  public static LabeledVectors collectInternal(Dataset<Row> table, String what) {
    InternalRow[] rows = (InternalRow[]) table.queryExecution().executedPlan().executeCollect();
    int n = rows.length;
    if (n == 0) {
      return new LabeledVectors(new long[0], new long[0], new float[0], 1);
    }
    long[] ids = new long[n];
    long[] labels = new long[n];
    int dim = rows[0].getArray(2).numElements();
    float[] values = new float[n * dim];
    for (int i = 0; i < n; i++) {
      InternalRow r = rows[i];
      float[] v = r.getArray(2).toFloatArray();
      if (v.length != dim) {
        throw new InputException(
            what
                + ": item id "
                + r.getLong(0)
                + " has a vector of "
                + v.length
                + " values, expected "
                + dim
                + " (dimension must not vary)");
      }
      ids[i] = r.getLong(0);
      labels[i] = r.getLong(1);
      System.arraycopy(v, 0, values, i * dim, dim);
    }
    return new LabeledVectors(ids, labels, values, dim);
  }
}
