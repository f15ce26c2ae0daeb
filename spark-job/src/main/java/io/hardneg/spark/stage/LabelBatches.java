package io.hardneg.spark.stage;

import static org.apache.spark.sql.functions.col;

import io.hardneg.spark.io.Schemas;
import java.util.Iterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Labels-in-batch DataSets from placed rows: the one assembly behind the {@code pk} and {@code
 * mined} training modes. Each input row is one row of one batch ({@link #SLOTS}); the batches come
 * out as DataSets of exactly {@code rows} rows (features, and the class label as a one-column label
 * array), one partition per worker, in the order of a seeded batch key, so a rerun or a retried
 * task sees the same batches in the same order.
 */
final class LabelBatches {
  /** A placed row: batch key (seeded order), batch number, row in the batch, label, features. */
  static final StructType SLOTS =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("bkey", DataTypes.LongType, false),
            DataTypes.createStructField("batch", DataTypes.IntegerType, false),
            DataTypes.createStructField("row", DataTypes.IntegerType, false),
            DataTypes.createStructField("label", DataTypes.LongType, false),
            DataTypes.createStructField(
                "features", DataTypes.createArrayType(DataTypes.FloatType), false)
          });

  private LabelBatches() {}

  /**
   * The batches of {@code slots} (schema {@link #SLOTS}), {@code workers} partitions, each sorted
   * by (batch key, batch, row); every batch must have exactly {@code rows} rows.
   */
  static JavaRDD<DataSet> of(Dataset<Row> slots, int workers, int rows) {
    return slots
        .repartition(workers, col("batch"))
        .sortWithinPartitions(col("bkey"), col("batch"), col("row"))
        .javaRDD()
        .mapPartitions(it -> new Batches(it, rows));
  }

  /** Consecutive rows of one batch → one DataSet (features, label column). */
  private static final class Batches implements Iterator<DataSet> {
    private final Iterator<Row> rows;
    private final int size;
    private Row pending;

    Batches(Iterator<Row> rows, int size) {
      this.rows = rows;
      this.size = size;
      this.pending = rows.hasNext() ? rows.next() : null;
    }

    @Override
    public boolean hasNext() {
      return pending != null;
    }

    @Override
    public DataSet next() {
      int batch = pending.getInt(1);
      int dim = pending.getSeq(4).length();
      float[] x = new float[size * dim];
      float[] y = new float[size];
      int n = 0;
      while (pending != null && pending.getInt(1) == batch) {
        if (n == size) {
          throw new IllegalStateException("batch " + batch + " has more than " + size + " rows");
        }
        Schemas.copyFloats(pending, 4, x, n * dim);
        y[n] = pending.getLong(3);
        n++;
        pending = rows.hasNext() ? rows.next() : null;
      }
      if (n != size) {
        throw new IllegalStateException("batch " + batch + " has " + n + " rows, expected " + size);
      }
      return new DataSet(
          Nd4j.create(x, new long[] {size, dim}, 'c'),
          Nd4j.create(y, new long[] {size, 1}, 'c').castTo(DataType.FLOAT));
    }
  }
}
