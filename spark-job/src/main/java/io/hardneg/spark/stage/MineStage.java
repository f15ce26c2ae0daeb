package io.hardneg.spark.stage;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.mining.MinedTriplet;
import io.hardneg.core.mining.MiningConfig;
import io.hardneg.core.mining.MiningStats;
import io.hardneg.core.mining.PositiveSampler;
import io.hardneg.core.mining.TripletMiner;
import io.hardneg.spark.io.Schemas;
import io.hardneg.spark.io.Tables;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * MINE, exact search in the <em>broadcast</em> placement (DESIGN §2): the embedding table is
 * broadcast, every partition of anchors runs the label-masked blocked GEMM search against all of
 * it and applies the mining rules. Results depend only on (seed, round, anchor id), never on
 * partitioning or task attempts.
 */
public final class MineStage {
  private MineStage() {}

  /** Triplets (schema {@link Schemas#TRIPLETS}, persisted) and the merged counters. */
  public record Mined(Dataset<Row> triplets, MiningStats stats, JavaRDD<?> cached,
      Broadcast<?> table) {
    /** Drops the cached results and the broadcast table (kept until then for recomputation). */
    public void release() {
      triplets.unpersist();
      cached.unpersist();
      }
  }

  /**
   * Mines every row of {@code embeddings} against all of them.
   *
   * @param modelHash written in the {@code model} column
   */
  public static Mined mine(SparkSession spark, Dataset<Row> embeddings, MiningConfig mining,
      KnnOptions knn, int round, String modelHash) {
    LabeledVectors base = Tables.collect(embeddings);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<LabeledVectors> table = jsc.broadcast(base);
    JavaRDD<Tuple2<MiningStats, List<Row>>> parts = embeddings.javaRDD().mapPartitions(rows -> {
      List<Row> buffered = new ArrayList<>();
      rows.forEachRemaining(buffered::add);
      LabeledVectors all = table.value();
      LabeledVectors anchors = Tables.fromRows(buffered.iterator(), buffered.size(), "anchors");
      if (anchors.size() == 0) {
        return List.of(new Tuple2<>(new MiningStats(), List.<Row>of())).iterator();
      }
      TripletMiner.Result r = new TripletMiner(mining, knn)
          .mine(anchors, all, new PositiveSampler(all), round);
      List<Row> out = new ArrayList<>(r.triplets().size());
      for (MinedTriplet t : r.triplets()) {
        out.add(RowFactory.create(round, anchors.ids()[t.anchor()], all.ids()[t.positive()],
            all.ids()[t.negative()], anchors.labels()[t.anchor()], all.labels()[t.negative()],
            (float) t.dAp(), (float) t.dAn(), (int) Math.min(Integer.MAX_VALUE, t.negRank()),
            t.kind().label(), modelHash));
      }
      Iterator<Tuple2<MiningStats, List<Row>>> one = List.of(new Tuple2<>(r.stats(), out)).iterator();
      return one;
    });
    parts.persist(StorageLevel.MEMORY_AND_DISK());
    MiningStats stats = parts.map(Tuple2::_1).fold(new MiningStats(), MiningStats::merge);
    Dataset<Row> triplets = spark.createDataFrame(parts.flatMap(t -> t._2().iterator()),
        Schemas.TRIPLETS).persist(StorageLevel.MEMORY_AND_DISK());
    return new Mined(triplets, stats, parts, table);
  }
}
