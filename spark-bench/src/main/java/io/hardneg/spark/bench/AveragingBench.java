package io.hardneg.spark.bench;

import io.hardneg.core.model.Architecture;
import io.hardneg.core.model.EmbeddingNetworks;
import io.hardneg.spark.SparkSessions;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.config.Settings;
import io.hardneg.spark.io.Schemas;
import io.hardneg.spark.stage.TrainStage;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Training throughput of the job's TRAIN stage itself: {@link TrainStage} on Spark, on random
 * 784-feature items (10 labels) — what {@link TrainStepBench}'s one-JVM step becomes inside the job
 * — in two modes: {@code triplets} (random triplets joined to their features, seeded shuffle,
 * DataSets of 128 triplets) and {@code pk} (the default: PK batches of 8 random classes × 16 items,
 * {@code train.pk.compose = random}, every item once per epoch), both with DL4J parameter averaging
 * through {@code OrderedAveragingMaster}. Prints one TSV row per architecture and mode: {@code
 * arch, mode, rows per second, seconds, rows per epoch, epochs, rows per CPU second} for the timed
 * epochs (the first, warm-up epoch is not counted; it also builds the pk mode's broadcast feature
 * table, which the job builds once per run and the timed epochs reuse, as the job's rounds do). The
 * last column divides by the CPU time of the whole process (every thread), which on a machine
 * shared with other jobs moves less than the wall time does.
 *
 * <pre>AveragingBench [MASTER=local[2]] [TRIPLETS=7680] [EPOCHS=2] [mlp,cnn] [triplets,pk]</pre>
 *
 * TRIPLETS is the triplets per epoch of triplets mode and the items of both (a pk epoch fits each
 * item once, a triplets epoch three rows per triplet).
 */
public final class AveragingBench {
  private AveragingBench() {}

  public static void main(String[] args) {
    String master = args.length > 0 ? args[0] : "local[2]";
    int triplets = args.length > 1 ? Integer.parseInt(args[1]) : 7680;
    int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    String[] archs = (args.length > 3 ? args[3] : "mlp,cnn").split(",");
    String[] modes = (args.length > 4 ? args[4] : "triplets,pk").split(",");
    SparkSession spark = SparkSessions.create(master, 4);
    int items = Math.max(3, triplets);
    Dataset<Row> itemTable = items(spark, items, 784).persist(StorageLevel.MEMORY_ONLY());
    Dataset<Row> tripletTable =
        triplets(spark, triplets, items).persist(StorageLevel.MEMORY_ONLY());
    itemTable.count();
    tripletTable.count();
    for (String a : archs) {
      for (String mode : modes) {
        Architecture arch = Architecture.parse(a);
        Settings s =
            new Settings()
                .set("model.architecture", arch.name().toLowerCase(Locale.ROOT), "bench")
                .set("model.hidden", arch == Architecture.CNN ? "128" : "256,128", "bench")
                .set("train.mode", mode, "bench")
                .set("train.batchTriplets", "128", "bench")
                .set("train.epochsPerRound", "1", "bench");
        if (!mode.equals("triplets")) {
          // random triplets carry no labels: pk batches of random classes need none
          s.set("train.pk.compose", "random", "bench");
        }
        JobConfig cfg = JobConfig.from(s);
        MultiLayerNetwork net = EmbeddingNetworks.build(cfg.modelSpec(784), cfg.lossFunction());
        TrainStage stage = new TrainStage(spark, net, cfg);
        stage.train(tripletTable, itemTable, 0); // warm-up epoch: JIT, native caches, plans
        stage.drainAveragingScores();
        long t0 = System.nanoTime();
        long cpu0 = processCpuNanos();
        for (int e = 1; e <= epochs; e++) {
          stage.train(tripletTable, itemTable, e);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        double cpuSecs = (processCpuNanos() - cpu0) / 1e9;
        long rows = stage.rowsFitted();
        System.out.printf(
            Locale.ROOT,
            "%s\t%s\t%.1f\t%.2f\t%d\t%d\t%.1f%n",
            a,
            cfg.train().mode().name().toLowerCase(Locale.ROOT),
            rows / secs,
            secs,
            rows / epochs,
            epochs,
            rows / cpuSecs);
        stage.close();
      }
    }
    spark.stop();
  }

  /** CPU time of this JVM, all threads. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Random items {@code id, label, features}: seeded Gaussian features, 10 labels. */
  static Dataset<Row> items(SparkSession spark, int n, int dim) {
    Random r = new Random(42);
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Float[] f = new Float[dim];
      for (int j = 0; j < dim; j++) {
        f[j] = (float) r.nextGaussian();
      }
      rows.add(RowFactory.create((long) i, (long) (i % 10), f));
    }
    return spark.createDataFrame(rows, Schemas.ITEMS).repartition(4);
  }

  /** Random triplets {@code anchor, positive, negative} over item ids, seeded. */
  static Dataset<Row> triplets(SparkSession spark, int n, int items) {
    Random r = new Random(43);
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      rows.add(
          RowFactory.create(
              (long) r.nextInt(items), (long) r.nextInt(items), (long) r.nextInt(items)));
    }
    StructType schema =
        new StructType()
            .add("anchor", DataTypes.LongType, false)
            .add("positive", DataTypes.LongType, false)
            .add("negative", DataTypes.LongType, false);
    return spark.createDataFrame(rows, schema).repartition(4);
  }
}
