package io.hardneg.spark.stage;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

import java.util.Iterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Labels-in-batch DataSets from placed rows: the one assembly behind the {@code pk} and {@code
 * mined} training modes. The modes place item ids ({@link #PLACED}: one row per row of one batch);
 * this class gives them their features and cuts the batches: DataSets of exactly {@code rows} rows
 * (features, and the class label as a one-column label array), one partition per worker, in the
 * order of a seeded batch key, so a rerun or a retried task sees the same batches in the same
 * order.
 *
 * <p>The placement is computed on ids alone. The features then come from a table of the training
 * items broadcast once per run ({@link FeatureTable}, up to {@code train.featureTableMB}), so an
 * epoch shuffles only the placement; or, for larger inputs, they are joined to the placement where
 * they lie (a broadcast join while the placement is small) and shuffled to the workers once per
 * epoch. Partitions are read as Spark's internal rows (each features array one copy). Placing rows
 * that carried their features cost a second shuffle of every vector and a boxed {@code Float} per
 * value each way; it was two thirds of the TRAIN stage's Java time (bench/results-profile.md).
 */
final class LabelBatches {
  /** A placed row before its features are joined: batch key, batch, row, label, item id. */
  static final StructType PLACED =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("bkey", DataTypes.LongType, false),
            DataTypes.createStructField("batch", DataTypes.IntegerType, false),
            DataTypes.createStructField("row", DataTypes.IntegerType, false),
            DataTypes.createStructField("label", DataTypes.LongType, false),
            DataTypes.createStructField("member", DataTypes.LongType, false)
          });

  /**
   * Placements up to this many rows are broadcast to the items' partitions; larger ones are joined
   * by a shuffle on the id (a million rows of five numbers is tens of MB on the driver).
   */
  static final long BROADCAST_ROWS = 1L << 20;

  private LabelBatches() {}

  /**
   * The batches of {@code placed} (schema {@link #PLACED}, {@code count} rows) with the features of
   * {@code items} ({@code id, features}), {@code workers} partitions, each sorted by (batch key,
   * batch, row); every batch must have exactly {@code rows} rows.
   *
   * <p>With a {@code table} of the items' features (the same items), only the placement is shuffled
   * and each worker takes the rows' features from the broadcast table: the same DataSets, in the
   * same order, without moving every feature vector through a join and a shuffle each epoch; null
   * joins. With {@code augment} on, each row is then replaced by its view for (batch key, row)
   * ({@link TrainAugment}).
   */
  static JavaRDD<DataSet> of(
      Dataset<Row> placed,
      long count,
      Dataset<Row> items,
      int workers,
      int rows,
      Broadcast<FeatureTable> table,
      TrainAugment augment) {
    java.util.Objects.requireNonNull(augment, "augment (TrainAugment.OFF for none)");
    // column 4: the features (joined here) or, with a table, the item id to look them up by
    Dataset<Row> slots =
        table != null
            ? placed
            : items
                .select(col("id").as("member"), col("features"))
                .join(count <= BROADCAST_ROWS ? broadcast(placed) : placed, "member")
                .select(col("bkey"), col("batch"), col("row"), col("label"), col("features"));
    return slots
        .repartition(workers, col("batch"))
        .sortWithinPartitions(col("bkey"), col("batch"), col("row"))
        .queryExecution()
        .toRdd()
        .toJavaRDD()
        .mapPartitions(it -> new Batches(it, rows, table == null ? null : table.value(), augment));
  }

  /**
   * Consecutive rows of one batch → one DataSet (features, label column). The rows are Spark's
   * internal ones, which the iterator may reuse: each is read out as it arrives.
   */
  private static final class Batches implements Iterator<DataSet> {
    private final Iterator<InternalRow> rows;
    private final int size;
    // null: column 4 of a row is its features; else column 4 is the item id, looked up here
    private final FeatureTable table;
    private final TrainAugment augment;
    // the row read ahead: its batch key, batch, label and features or id (no batch once the input
    // is done)
    private long key;
    private int batch = -1;
    private long label;
    private float[] features;
    private long member;

    Batches(Iterator<InternalRow> rows, int size, FeatureTable table, TrainAugment augment) {
      this.rows = rows;
      this.size = size;
      this.table = table;
      this.augment = augment;
      advance();
    }

    private void advance() {
      if (!rows.hasNext()) {
        batch = -1;
        return;
      }
      InternalRow r = rows.next();
      key = r.getLong(0);
      batch = r.getInt(1);
      label = r.getLong(3);
      if (table == null) {
        features = r.getArray(4).toFloatArray();
      } else {
        member = r.getLong(4);
      }
    }

    @Override
    public boolean hasNext() {
      return batch >= 0;
    }

    @Override
    public DataSet next() {
      int current = batch;
      int dim = table == null ? features.length : table.dim();
      float[] x = new float[size * dim];
      float[] y = new float[size];
      int n = 0;
      while (batch == current) {
        if (n == size) {
          throw new IllegalStateException("batch " + current + " has more than " + size + " rows");
        }
        if (table == null) {
          System.arraycopy(features, 0, x, n * dim, dim);
        } else {
          table.copy(member, x, n * dim);
        }
        augment.apply(x, n * dim, key, n);
        y[n] = label;
        n++;
        advance();
      }
      if (n != size) {
        throw new IllegalStateException(
            "batch " + current + " has " + n + " rows, expected " + size);
      }
      return new DataSet(
          Nd4j.create(x, new long[] {size, dim}, 'c'),
          Nd4j.create(y, new long[] {size, 1}, 'c').castTo(DataType.FLOAT));
    }
  }
}
