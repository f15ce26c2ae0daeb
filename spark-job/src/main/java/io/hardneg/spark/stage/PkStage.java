package io.hardneg.spark.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.xxhash64;

import io.hardneg.core.sampling.PkPlan;
import io.hardneg.core.util.Seeds;
import io.hardneg.spark.io.Schemas;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PK batches for the {@code pk} training mode: the classes of each batch come from a {@link PkPlan}
 * built on the round's mined triplets, the items fill the plan's slots, and each batch becomes one
 * DataSet of exactly P·K rows (features, and the class label as a one-column label array) for a
 * labels-in-batch loss that mines inside the batch. Every choice is seeded by (seed, round, epoch):
 * ranks of items within their class by {@code xxhash64(seed, round, epoch, id)}, batch order by a
 * hash of the batch number.
 */
final class PkStage {
  private static final StructType SLOTS =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("bkey", DataTypes.LongType, false),
            DataTypes.createStructField("batch", DataTypes.IntegerType, false),
            DataTypes.createStructField("row", DataTypes.IntegerType, false),
            DataTypes.createStructField("label", DataTypes.LongType, false),
            DataTypes.createStructField(
                "features", DataTypes.createArrayType(DataTypes.FloatType), false)
          });

  private PkStage() {}

  /** Mined triplets per (anchor class, negative class). */
  static Map<Long, Map<Long, Long>> confusion(Dataset<Row> triplets) {
    Map<Long, Map<Long, Long>> c = new HashMap<>();
    for (Row r : triplets.groupBy("anchor_label", "negative_label").count().collectAsList()) {
      c.computeIfAbsent(r.getLong(0), x -> new HashMap<>()).put(r.getLong(1), r.getLong(2));
    }
    return c;
  }

  /** Items per class. */
  static Map<Long, Long> sizes(Dataset<Row> items) {
    Map<Long, Long> m = new HashMap<>();
    for (Row r : items.groupBy("label").count().collectAsList()) {
      m.put(r.getLong(0), r.getLong(1));
    }
    return m;
  }

  /** The epoch's batches, one partition per worker, in seeded order. */
  static JavaRDD<DataSet> batches(
      JavaSparkContext jsc, Dataset<Row> items, PkPlan plan, long epochSeed, int workers) {
    Broadcast<PkPlan> b = jsc.broadcast(plan);
    Dataset<Row> ranked =
        items
            .select(col("id"), col("label"), col("features"))
            .withColumn("key", xxhash64(lit(epochSeed), col("id")))
            .withColumn(
                "rank",
                row_number().over(Window.partitionBy(col("label")).orderBy(col("key"), col("id"))));
    Dataset<Row> slots = ranked.flatMap(new Slots(b, epochSeed), Encoders.row(SLOTS));
    return slots
        .repartition(workers, col("batch"))
        .sortWithinPartitions(col("bkey"), col("batch"), col("row"))
        .javaRDD()
        .mapPartitions(rows -> new Batches(rows, plan.rows()));
  }

  /** An item's slots in the plan ({@link PkPlan#slotsOfItem}), as rows keyed by batch. */
  private static final class Slots implements FlatMapFunction<Row, Row> {
    private final Broadcast<PkPlan> plan;
    private final long seed;

    Slots(Broadcast<PkPlan> plan, long seed) {
      this.plan = plan;
      this.seed = seed;
    }

    @Override
    public Iterator<Row> call(Row r) {
      long label = r.getLong(1);
      Object features = r.get(2);
      List<Row> out = new ArrayList<>();
      for (PkPlan.Slot s : plan.value().slotsOfItem(label, r.getInt(4) - 1L)) {
        out.add(
            RowFactory.create(Seeds.of(seed, s.batch(), -4), s.batch(), s.row(), label, features));
      }
      return out.iterator();
    }
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
          throw new IllegalStateException("PK batch " + batch + " has more than " + size + " rows");
        }
        Schemas.copyFloats(pending, 4, x, n * dim);
        y[n] = pending.getLong(3);
        n++;
        pending = rows.hasNext() ? rows.next() : null;
      }
      if (n != size) {
        throw new IllegalStateException(
            "PK batch " + batch + " has " + n + " rows, expected " + size);
      }
      return new DataSet(
          Nd4j.create(x, new long[] {size, dim}, 'c'),
          Nd4j.create(y, new long[] {size, 1}, 'c').castTo(DataType.FLOAT));
    }
  }
}
