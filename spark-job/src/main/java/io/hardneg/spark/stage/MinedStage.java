package io.hardneg.spark.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.xxhash64;

import io.hardneg.core.util.Seeds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Batches for the {@code mined} training mode (ANCE's idea inside a labels-in-batch loss): each
 * batch holds P anchors, each as a block of K rows — the anchor, its positive, and K − 2 of the
 * negatives the round's MINE stage found for it across the whole dataset (so they already passed
 * the miner's rules and false-negative guards). The in-batch miner and loss then choose among the
 * globally hardest candidates instead of whatever a random batch happens to hold.
 *
 * <p>An anchor's unit is an (anchor, positive) pair of the triplets table with the set of its mined
 * negatives. Units are taken in a seeded rotation ({@code xxhash64(epochSeed, anchor, positive)}),
 * round-robin: every unit once before any twice, and when the epoch has fewer blocks than units
 * some wait for the next epoch. A unit's negatives are ordered by {@code Seeds.of(epochSeed,
 * anchor, negative)}; its n-th appearance takes negatives {@code n·(K−2), n·(K−2)+1, ...} of that
 * order, cyclically, so a unit with fewer than K − 2 negatives repeats them. The epoch has as many
 * batches as a pk epoch over the same items ({@link #batchesFor}), so the two modes fit the same
 * number of rows. Every choice is seeded by (seed, round, epoch): a rerun or a retried task builds
 * the same batches.
 */
final class MinedStage {
  private MinedStage() {}

  /**
   * Batches of a pk epoch over items of these class sizes: {@code ceil(N / rows)} (at least 1), N
   * the items of classes with two or more (the classes PK batches can use).
   */
  static int batchesFor(Map<Long, Long> sizes, int rows) {
    long n = sizes.values().stream().filter(v -> v >= 2).mapToLong(Long::longValue).sum();
    return (int) Math.max(1, (n + rows - 1) / rows);
  }

  /** The anchor units of a triplets table, each with its rank in the seeded rotation (1-based). */
  static Dataset<Row> units(Dataset<Row> triplets, long epochSeed) {
    return triplets
        .groupBy(col("anchor"), col("positive"), col("anchor_label"))
        .agg(collect_set(struct(col("negative"), col("negative_label"))).as("negatives"))
        .withColumn("key", xxhash64(lit(epochSeed), col("anchor"), col("positive")))
        .withColumn(
            "rank", row_number().over(Window.orderBy(col("key"), col("anchor"), col("positive"))));
  }

  /**
   * The epoch's batches: {@code batches} DataSets of exactly P·K rows, one partition per worker, in
   * seeded order.
   *
   * @param triplets the round's mined triplets
   * @param items training items ({@code id, label, features})
   * @param p anchors per batch
   * @param k rows per anchor (3 or more)
   * @param table the items' features broadcast ({@link FeatureTable}), or null to join them
   * @param augment what each row fits of its item ({@link TrainAugment})
   */
  static JavaRDD<DataSet> batches(
      Dataset<Row> triplets,
      Dataset<Row> items,
      int p,
      int k,
      int batches,
      long epochSeed,
      int workers,
      Broadcast<FeatureTable> table,
      TrainAugment augment) {
    Dataset<Row> units = units(triplets, epochSeed);
    long count = units.count();
    if (count == 0) {
      throw new IllegalStateException(
          "train.mode = mined: the round mined no triplets, so there are no anchors to batch");
    }
    Dataset<Row> placed =
        units.flatMap(
            new Blocks(count, p, k, batches, epochSeed), Encoders.row(LabelBatches.PLACED));
    return LabelBatches.of(placed, (long) batches * p * k, items, workers, p * k, table, augment);
  }

  /** A unit's blocks in the epoch, as rows placed by (batch, row). */
  private static final class Blocks implements FlatMapFunction<Row, Row> {
    private final long units;
    private final int p;
    private final int k;
    private final int batches;
    private final long seed;

    Blocks(long units, int p, int k, int batches, long seed) {
      this.units = units;
      this.p = p;
      this.k = k;
      this.batches = batches;
      this.seed = seed;
    }

    @Override
    public Iterator<Row> call(Row r) {
      long anchor = r.getLong(r.fieldIndex("anchor"));
      long positive = r.getLong(r.fieldIndex("positive"));
      long label = r.getLong(r.fieldIndex("anchor_label"));
      List<Row> negs = new ArrayList<>(r.getList(r.fieldIndex("negatives")));
      negs.sort(
          Comparator.comparingLong((Row n) -> Seeds.of(seed, anchor, n.getLong(0)))
              .thenComparingLong(n -> n.getLong(0)));
      long rank = r.getInt(r.fieldIndex("rank")) - 1L;
      long blocks = (long) batches * p;
      List<Row> out = new ArrayList<>();
      for (long s = rank; s < blocks; s += units) {
        long pass = s / units;
        int b = (int) (s / p);
        int first = (int) (s % p) * k;
        long bkey = Seeds.of(seed, b, -4);
        out.add(RowFactory.create(bkey, b, first, label, anchor));
        out.add(RowFactory.create(bkey, b, first + 1, label, positive));
        for (int j = 0; j < k - 2; j++) {
          Row n = negs.get((int) ((pass * (k - 2) + j) % negs.size()));
          out.add(RowFactory.create(bkey, b, first + 2 + j, n.getLong(1), n.getLong(0)));
        }
      }
      return out.iterator();
    }
  }
}
