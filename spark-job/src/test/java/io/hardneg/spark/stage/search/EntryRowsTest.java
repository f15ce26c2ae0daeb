package io.hardneg.spark.stage.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hardneg.core.search.VectorEntry;
import io.hardneg.spark.SharedSpark;
import io.hardneg.spark.io.Schemas;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** {@link EntryRows#chunks}: the partition's rows, in order, in blocks of at most the size. */
class EntryRowsTest {
  @Test
  void chunksCoverEveryPartitionInOrderInBoundedBlocks() {
    SparkSession spark = SharedSpark.get();
    List<Row> rows = new ArrayList<>();
    for (long id = 0; id < 23; id++) {
      rows.add(RowFactory.create(id, id % 4, new Float[] {(float) id, (float) -id}));
    }
    // cached: a round-robin repartition recomputed may order a partition's rows otherwise, and
    // the blocks and the oracle below must read the same partitions
    Dataset<Row> table = spark.createDataFrame(rows, Schemas.EMBEDDINGS).repartition(2).cache();
    table.count();
    // per block: its partition, then its ids (negated - 1 when the vector read out is not the
    // row's)
    List<long[]> blocks =
        EntryRows.chunks(table, 5)
            .mapPartitionsWithIndex(
                (p, it) -> {
                  List<long[]> out = new ArrayList<>();
                  it.forEachRemaining(
                      block -> {
                        long[] b = new long[block.size() + 1];
                        b[0] = p;
                        for (int k = 0; k < block.size(); k++) {
                          VectorEntry e = block.get(k);
                          b[k + 1] = e.emb()[1] == -e.id() ? e.id() : -1 - e.id();
                        }
                        out.add(b);
                      });
                  return out.iterator();
                },
                true)
            .collect();
    // the oracle: Spark's own partitions of the table, in order
    List<long[]> whole =
        table
            .select("id")
            .javaRDD()
            .mapPartitions(
                it -> {
                  List<Long> ids = new ArrayList<>();
                  it.forEachRemaining(row -> ids.add(row.getLong(0)));
                  return List.of(ids.stream().mapToLong(Long::longValue).toArray()).iterator();
                })
            .collect();
    int total = 0;
    for (int p = 0; p < whole.size(); p++) {
      List<Long> expected = java.util.Arrays.stream(whole.get(p)).boxed().toList();
      List<Long> got = new ArrayList<>();
      final long part = p;
      List<long[]> mine = blocks.stream().filter(b -> b[0] == part).toList();
      for (int b = 0; b < mine.size(); b++) {
        // every block full but the partition's last one, none empty
        int size = mine.get(b).length - 1;
        assertEquals(b < mine.size() - 1 ? 5 : (expected.size() - 1) % 5 + 1, size);
        for (int k = 1; k <= size; k++) {
          got.add(mine.get(b)[k]);
        }
      }
      assertEquals(expected, got, "partition " + p + " (a negative id: its vector was misread)");
      total += got.size();
    }
    assertEquals(23, total);
    table.unpersist();
    assertThrows(IllegalArgumentException.class, () -> EntryRows.chunks(table, 0));
  }

  @Test
  void anEmptyPartitionGivesNoBlockAndAFullLastBlockIsNotFollowedByAnEmptyOne() {
    SparkSession spark = SharedSpark.get();
    // a range slices 10 ids over 2 partitions as 5 + 5: blocks of 5 fit exactly
    Dataset<Row> exact = table(spark.range(0, 10, 1, 2));
    assertEquals(List.of(5, 5), EntryRows.chunks(exact, 5).map(b -> b.size()).collect());
    assertEquals(List.of(3, 2, 3, 2), EntryRows.chunks(exact, 3).map(b -> b.size()).collect());
    // 3 ids over 5 partitions: 0, 1, 0, 1, 1 rows; the empty ones give no block
    Dataset<Row> sparse = table(spark.range(0, 3, 1, 5));
    assertEquals(5, sparse.javaRDD().getNumPartitions());
    List<long[]> ids =
        EntryRows.chunks(sparse, 4)
            .map(b -> b.stream().mapToLong(VectorEntry::id).toArray())
            .collect();
    assertEquals(3, ids.size());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(new long[] {i}, ids.get(i));
    }
  }

  private static Dataset<Row> table(Dataset<Long> ids) {
    return ids.selectExpr(
        "id", "id % 4 AS label", "array(CAST(id AS FLOAT), CAST(-id AS FLOAT)) AS emb");
  }
}
