package io.hardneg.spark.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import io.hardneg.core.mining.PositiveCycle;
import io.hardneg.core.mining.PositiveRule;
import io.hardneg.spark.io.Schemas;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Class mode, policy {@code random}, placed so that no task holds a class: every row is range
 * partitioned and sorted by (label, {@link PositiveRule#orderKey}, id), so each task holds a
 * contiguous stretch of about N / tasks rows of the global order, however large a class is; one job
 * reads each partition's {@link PositiveCycle.EdgeBuilder edge} (six numbers) back to the driver,
 * {@link PositiveCycle#stitch} joins them, and a second pass over the same partitions gives every
 * row its successor ({@link PositiveCycle.Walker}), streaming. The result is {@link
 * PositiveRule#successors} exactly, whatever the range bounds.
 *
 * <p>Both passes read the one shuffled RDD made here: its partitioner (the sampled range bounds) is
 * fixed once, so a lost shuffle block or a retried task recomputes the same partition, and the
 * edges the driver stitched stay those of the partitions the second pass walks.
 */
public final class ClassCycleStage {
  /** {@code id, label, emb, positive (null for a class of one), excluded (null)}. */
  static final StructType CHOSEN =
      Schemas.EMBEDDINGS
          .add("positive", DataTypes.LongType, true)
          .add("excluded", DataTypes.createArrayType(DataTypes.LongType, false), true);

  /**
   * Rows with their positive, and the row count of each task of the cycle (what the largest task
   * holds is the point of this placement).
   */
  public record Cycled(Dataset<Row> chosen, long[] taskRows) {
    /** The most rows one task of the cycle held. */
    public long largestTask() {
      long m = 0;
      for (long r : taskRows) {
        m = Math.max(m, r);
      }
      return m;
    }
  }

  private ClassCycleStage() {}

  /**
   * Each row's seeded successor within its class. Runs one Spark job (the shuffle and the edges);
   * the rows with their positive are computed lazily from the same shuffle.
   *
   * @param tasks range partitions of the sort (at least one)
   */
  public static Cycled successors(
      SparkSession spark, Dataset<Row> embeddings, long seed, int round, int tasks) {
    UDF1<Long, Long> key = id -> PositiveRule.orderKey(seed, round, id);
    // one RDD for both passes: see the class comment
    JavaRDD<InternalRow> sorted =
        embeddings
            .select(
                col("id"),
                col("label"),
                col("emb"),
                udf(key, DataTypes.LongType).apply(col("id")).as("order_key"))
            .repartitionByRange(Math.max(1, tasks), col("label"), col("order_key"), col("id"))
            .sortWithinPartitions(col("label"), col("order_key"), col("id"))
            // Spark's internal rows: the first pass reads two longs per row, and a Row would have
            // boxed every float of the vector first
            .queryExecution()
            .toRdd()
            .toJavaRDD();
    List<long[]> found =
        sorted
            .mapPartitionsWithIndex(
                (s, rows) -> {
                  PositiveCycle.EdgeBuilder b = new PositiveCycle.EdgeBuilder();
                  rows.forEachRemaining(r -> b.add(r.getLong(1), r.getLong(0)));
                  long[] e = b.edge();
                  long[] indexed = new long[e.length + 1];
                  indexed[0] = s;
                  System.arraycopy(e, 0, indexed, 1, e.length);
                  return List.of(indexed).iterator();
                },
                true)
            .collect();
    int n = sorted.getNumPartitions();
    long[][] edges = new long[n][];
    long[] taskRows = new long[n];
    for (long[] f : found) {
      int s = (int) f[0];
      edges[s] = java.util.Arrays.copyOfRange(f, 1, f.length);
      taskRows[s] = edges[s][0];
    }
    long[][] stitched = PositiveCycle.stitch(edges);
    JavaRDD<Row> chosen =
        sorted.mapPartitionsWithIndex(
            (s, rows) -> new Successors(rows, new PositiveCycle.Walker(stitched[s])), true);
    return new Cycled(spark.createDataFrame(chosen, CHOSEN), taskRows);
  }

  /**
   * A partition's rows, sorted, each with its successor: emitted one row behind the input. The
   * input rows are Spark's internal ones, which the iterator may reuse, so the row held back is
   * read out as it arrives.
   */
  private static final class Successors implements Iterator<Row> {
    private final Iterator<InternalRow> rows;
    private final PositiveCycle.Walker walker;
    private boolean held;
    private long id;
    private long label;
    private float[] emb;

    Successors(Iterator<InternalRow> rows, PositiveCycle.Walker walker) {
      this.rows = rows;
      this.walker = walker;
      if (rows.hasNext()) {
        enter(rows.next());
      }
    }

    private void enter(InternalRow r) {
      held = true;
      id = r.getLong(0);
      label = r.getLong(1);
      emb = r.getArray(2).toFloatArray();
      walker.enter(label, id);
    }

    @Override
    public boolean hasNext() {
      return held;
    }

    @Override
    public Row next() {
      if (!held) {
        throw new NoSuchElementException();
      }
      long rowId = id;
      long rowLabel = label;
      float[] rowEmb = emb;
      long positive;
      if (rows.hasNext()) {
        InternalRow following = rows.next();
        positive = walker.successor(following.getLong(1), following.getLong(0));
        enter(following);
      } else {
        positive = walker.lastSuccessor();
        held = false;
      }
      // its own successor: the item is alone in its class
      return RowFactory.create(rowId, rowLabel, rowEmb, positive == rowId ? null : positive, null);
    }
  }
}
