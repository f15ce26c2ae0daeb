package io.hardneg.spark.stage;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.search.ListSearch;
import io.hardneg.spark.stage.search.EntryRows;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The training items' features by id, in one flat array: broadcast once per round so that the
 * epochs' labels-in-batch DataSets ({@link LabelBatches}) take their rows from it instead of
 * joining and shuffling every feature vector again each epoch. Only for tables that fit an
 * executor's memory next to its work ({@link #MAX_FLOATS}); larger inputs keep the join.
 */
final class FeatureTable implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Largest table broadcast, in floats (256 MB: Fashion-MNIST's 60,000 x 784 is 47M). It also stays
   * under Spark's default {@code spark.driver.maxResultSize} (1 GB) for the collect.
   */
  static final long MAX_FLOATS = 1L << 26;

  // ids ascending; a LabeledVectors so that Kryo writes it in bulk (HardnegKryoRegistrator)
  private final LabeledVectors rows;

  private FeatureTable(LabeledVectors rows) {
    this.rows = rows;
  }

  /**
   * The features of {@code items} ({@code id, label, features}) broadcast, or null when the table
   * is larger than {@code maxFloats} (the caller then joins).
   */
  static Broadcast<FeatureTable> broadcast(
      JavaSparkContext jsc, Dataset<Row> items, long count, int dim, long maxFloats) {
    if (count == 0 || count * dim > maxFloats) {
      return null;
    }
    LabeledVectors t = ListSearch.table(EntryRows.collect(items.select("id", "label", "features")));
    return jsc.broadcast(of(t.ids(), t.values(), t.dim()));
  }

  /** A table of the rows {@code values} (row i = {@code ids[i]}), sorted here by id. */
  static FeatureTable of(long[] ids, float[] values, int dim) {
    Integer[] order = new Integer[ids.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(ids[a], ids[b]));
    long[] sorted = new long[ids.length];
    float[] v = new float[ids.length * dim];
    for (int i = 0; i < order.length; i++) {
      sorted[i] = ids[order[i]];
      if (i > 0 && sorted[i] == sorted[i - 1]) {
        throw new IllegalArgumentException("item id " + sorted[i] + " appears twice");
      }
      System.arraycopy(values, order[i] * dim, v, i * dim, dim);
    }
    return new FeatureTable(new LabeledVectors(sorted, new long[sorted.length], v, dim));
  }

  /** Copies the features of item {@code id} into {@code dst} from {@code offset}. */
  void copy(long id, float[] dst, int offset) {
    int i = Arrays.binarySearch(rows.ids(), id);
    if (i < 0) {
      throw new IllegalStateException("item id " + id + " is not among the training items");
    }
    System.arraycopy(rows.values(), i * rows.dim(), dst, offset, rows.dim());
  }

  int dim() {
    return rows.dim();
  }
}
