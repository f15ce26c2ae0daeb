package io.hardneg.spark.stage;

import static org.apache.spark.sql.functions.col;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.spark.io.Tables;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The training items' features by id, in one flat array: broadcast once per run ({@link TrainStage}
 * keeps it through the rounds, the items do not change) so that the epochs' labels-in-batch
 * DataSets ({@link LabelBatches}) take their rows from it instead of joining and shuffling every
 * feature vector again each epoch. Only for tables up to {@code train.featureTableMB}; larger
 * inputs keep the join. Memory: the driver holds the collected rows and the table while building it
 * (about twice the table), then, like every executor, the table and its serialised pieces for the
 * rest of the run.
 */
final class FeatureTable implements Serializable {
  private static final long serialVersionUID = 1L;

  // ids ascending; a LabeledVectors so that Kryo writes it in bulk (HardnegKryoRegistrator)
  private final LabeledVectors rows;

  private FeatureTable(LabeledVectors rows) {
    this.rows = rows;
  }

  /**
   * The features of {@code items} ({@code id, label, features}, {@code count} rows of {@code dim}
   * values) broadcast, or null when the table is larger than {@code maxMb} MB (the caller then
   * joins).
   */
  static Broadcast<FeatureTable> broadcast(
      JavaSparkContext jsc, Dataset<Row> items, long count, int dim, long maxMb) {
    if (count == 0 || count * dim * Float.BYTES > maxMb * (1L << 20)) {
      return null;
    }
    // id-sorted, read as Spark's internal rows (one copy of each vector), dims checked
    LabeledVectors t =
        Tables.collectInternal(
            items.select(col("id"), col("label"), col("features")).sort("id"), "training features");
    return jsc.broadcast(sorted(t.ids(), t.values(), t.dim()));
  }

  /** A table of the rows {@code values} (row i = {@code ids[i]}), sorted here by id. */
  static FeatureTable of(long[] ids, float[] values, int dim) {
    Integer[] order = new Integer[ids.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(ids[a], ids[b]));
    long[] sortedIds = new long[ids.length];
    float[] v = new float[ids.length * dim];
    for (int i = 0; i < order.length; i++) {
      sortedIds[i] = ids[order[i]];
      System.arraycopy(values, order[i] * dim, v, i * dim, dim);
    }
    return sorted(sortedIds, v, dim);
  }

  /** The table of rows already in ascending id order; refuses an id given twice. */
  private static FeatureTable sorted(long[] ids, float[] values, int dim) {
    for (int i = 1; i < ids.length; i++) {
      if (ids[i] == ids[i - 1]) {
        throw new IllegalArgumentException("item id " + ids[i] + " appears twice");
      }
    }
    return new FeatureTable(new LabeledVectors(ids, new long[ids.length], values, dim));
  }

  /** Copies the features of item {@code id} into {@code dst} from {@code offset}. */
  void copy(long id, float[] dst, int offset) {
    int i = Arrays.binarySearch(rows.ids(), id);
    if (i < 0) {
      throw new IllegalStateException("item id " + id + " is not among the training items");
    }
    System.arraycopy(rows.values(), i * rows.dim(), dst, offset, rows.dim());
  }

  /** The number of items in the table. */
  int size() {
    return rows.ids().length;
  }

  int dim() {
    return rows.dim();
  }
}
