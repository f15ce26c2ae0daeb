package io.hardneg.spark.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.xxhash64;

import io.hardneg.core.sampling.PkPlan;
import io.hardneg.core.util.Seeds;
import io.hardneg.spark.config.JobConfig;
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
import org.nd4j.linalg.dataset.DataSet;

/**
 * PK batches for the {@code pk} training mode: the classes of each batch come from a {@link PkPlan}
 * built on the round's mined triplets (or at random: {@code train.pk.compose}), the items fill the
 * plan's slots, and each batch becomes one DataSet of exactly P·K rows (features, and the class
 * label as a one-column label array, built by {@link LabelBatches}) for a labels-in-batch loss that
 * mines inside the batch. Every choice is seeded by (seed, round, epoch): ranks of items within
 * their class by {@code xxhash64(seed, round, epoch, id)}, batch order by a hash of the batch
 * number.
 */
final class PkStage {
  private PkStage() {}

  /** Mined triplets per (anchor class, negative class). */
  static Map<Long, Map<Long, Long>> confusion(Dataset<Row> triplets) {
    Map<Long, Map<Long, Long>> c = new HashMap<>();
    for (Row r : triplets.groupBy("anchor_label", "negative_label").count().collectAsList()) {
      c.computeIfAbsent(r.getLong(0), x -> new HashMap<>()).put(r.getLong(1), r.getLong(2));
    }
    return c;
  }

  /**
   * The class confusions a pk plan is composed from: the round's mined ones ({@code confusions}),
   * or none at all ({@code random}), when {@link PkPlan} draws every batch's classes uniformly
   * (seeded by the epoch) — the in-batch-only baseline, whose batches ignore what was mined.
   */
  static Map<Long, Map<Long, Long>> confusion(JobConfig.PkCompose compose, Dataset<Row> triplets) {
    return compose == JobConfig.PkCompose.RANDOM ? Map.of() : confusion(triplets);
  }

  /**
   * One epoch's plan: P = {@code train.pk.classes}, K = {@code train.pk.perClass}, composed as
   * {@code train.pk.compose} says ({@link PkPlan#neighbourhoods} for {@code neighbourhoods}, else
   * {@link PkPlan#build} with the confusions {@link #confusion(JobConfig.PkCompose, Dataset)}
   * gave).
   */
  static PkPlan plan(
      JobConfig.TrainSettings train,
      Map<Long, Long> sizes,
      Map<Long, Map<Long, Long>> confusion,
      long epochSeed) {
    int p = train.pkClasses();
    int k = train.pkPerClass();
    return train.pkCompose() == JobConfig.PkCompose.NEIGHBOURHOODS
        ? PkPlan.neighbourhoods(sizes, confusion, p, k, epochSeed)
        : PkPlan.build(sizes, confusion, p, k, epochSeed);
  }

  /** Items per class. */
  static Map<Long, Long> sizes(Dataset<Row> items) {
    Map<Long, Long> m = new HashMap<>();
    for (Row r : items.groupBy("label").count().collectAsList()) {
      m.put(r.getLong(0), r.getLong(1));
    }
    return m;
  }

  /**
   * The epoch's batches, one partition per worker, in seeded order; the features from {@code table}
   * ({@link FeatureTable}), or joined when it is null ({@link LabelBatches}), each row then
   * replaced by its view when {@code augment} is on.
   */
  static JavaRDD<DataSet> batches(
      JavaSparkContext jsc,
      Dataset<Row> items,
      PkPlan plan,
      long epochSeed,
      int workers,
      Broadcast<FeatureTable> table,
      TrainAugment augment) {
    Broadcast<PkPlan> b = jsc.broadcast(plan);
    // ids and labels only: LabelBatches gives the placement its features
    Dataset<Row> ranked =
        items
            .select(col("id"), col("label"))
            .withColumn("key", xxhash64(lit(epochSeed), col("id")))
            .withColumn(
                "rank",
                row_number().over(Window.partitionBy(col("label")).orderBy(col("key"), col("id"))));
    Dataset<Row> placed =
        ranked.flatMap(new Slots(b, epochSeed), Encoders.row(LabelBatches.PLACED));
    return LabelBatches.of(
        placed, (long) plan.rows() * plan.batches(), items, workers, plan.rows(), table, augment);
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
      long id = r.getLong(0);
      long label = r.getLong(1);
      List<Row> out = new ArrayList<>();
      for (PkPlan.Slot s : plan.value().slotsOfItem(label, r.getInt(3) - 1L)) {
        out.add(RowFactory.create(Seeds.of(seed, s.batch(), -4), s.batch(), s.row(), label, id));
      }
      return out.iterator();
    }
  }
}
