package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.mining.MiningConfig;
import io.hardneg.core.mining.SemiHardFallback;
import io.hardneg.spark.io.IdxSource;
import io.hardneg.spark.stage.EmbedStage;
import io.hardneg.spark.stage.MineStage;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/** Mining depends on (seed, round, anchor id) only: not on partitioning or tiling. */
class MineStageTest {
  @TempDir Path tmp;

  private static List<String> mine(SparkSession spark, Dataset<Row> items, int partitions,
      int queryBlock) {
    Dataset<Row> emb = EmbedStage.embed(spark, items.repartition(partitions), null, 64);
    MineStage.Mined m = MineStage.mine(spark, emb,
        new MiningConfig(0.1, 1, 2, SemiHardFallback.NEAREST_BEYOND, 9),
        new KnnOptions(1, queryBlock, 100, DataType.FLOAT), 3, "raw");
    List<String> rows = m.triplets().orderBy("anchor", "negative").collectAsList().stream()
        .map(Row::toString).toList();
    assertEquals(m.stats().triplets(), rows.size());
    assertEquals(300, m.stats().anchors());
    m.release();
    return rows;
  }

  @Test
  void identicalTripletsWithOneThreeAndSevenPartitions() throws Exception {
    SparkSession spark = SharedSpark.get();
    Path[] data = TinyData.write(tmp, 300);
    Dataset<Row> items = IdxSource.load(spark, data[0].toString(), data[1].toString(), 2);
    List<String> one = mine(spark, items, 1, 1024);
    assertTrue(one.size() >= 300, "at least a hard negative per anchor: " + one.size());
    assertEquals(one, mine(spark, items, 3, 17));
    assertEquals(one, mine(spark, items, 7, 50));
  }
}
