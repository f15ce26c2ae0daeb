package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hardneg.core.mining.MiningStats;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.execution.columnar.DefaultCachedBatch;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Cached blocks as another executor reads them: Spark serializes the block with the job's Kryo
 * (registration required). Local mode never reads a cached block remotely, so only the standalone
 * cluster showed these failing; here they round-trip with the job's configuration.
 */
class CachedBlockKryoTest {
  static final ClassTag<Object> ANY = ClassTag$.MODULE$.apply(Object.class);

  static SerializerInstance kryo() {
    return new KryoSerializer(SharedSpark.get().sparkContext().getConf()).newInstance();
  }

  @SuppressWarnings("unchecked")
  static <T> T roundTrip(SerializerInstance k, T value) {
    return (T) k.deserialize(k.serialize(value, ANY), ANY);
  }

  @Test
  void aPersistedDataFramesColumnarBatchCrossesTheWire() {
    // the statistics of a (long, long, array<float>, string) batch: bounds, nulls, count, size
    GenericInternalRow stats =
        new GenericInternalRow(
            new Object[] {
              0L,
              599L,
              0,
              300,
              2400L,
              null,
              null,
              0,
              300,
              9600L,
              UTF8String.fromString("hard"),
              UTF8String.fromString("semihard"),
              0,
              300,
              4000L
            });
    DefaultCachedBatch batch =
        new DefaultCachedBatch(300, new byte[][] {{1, 2, 3}, {4}, {}}, stats);
    DefaultCachedBatch back = roundTrip(kryo(), batch);
    assertEquals(300, back.numRows());
    assertEquals(3, back.buffers().length);
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(batch.buffers()[i], back.buffers()[i]);
    }
    assertEquals(stats, back.stats());
  }

  @Test
  void aGroupByKeyBufferSpilledToDiskCrossesTheWire() {
    // ExternalAppendOnlyMap spills groupByKey's CompactBuffers (and their ClassTag field) with
    // Kryo once a large shuffle runs out of memory, as the negative search's merge did at 4M
    org.apache.spark.util.collection.CompactBuffer<Object> buffer =
        new org.apache.spark.util.collection.CompactBuffer<>(ANY);
    for (long i = 0; i < 5; i++) {
      buffer.$plus$eq(Long.valueOf(i * i));
    }
    org.apache.spark.util.collection.CompactBuffer<Object> back = roundTrip(kryo(), buffer);
    assertEquals(5, back.size());
    for (int i = 0; i < 5; i++) {
      assertEquals((long) i * i, back.apply(i));
    }
  }

  @Test
  void theMiningStagesRowsCrossTheWire() {
    List<Row> rows = new ArrayList<>();
    rows.add(RowFactory.create(0, 1L, 2L, 3L, 0L, 1L, 0.25f, 0.5f, 1, "hard", "f00d"));
    rows.add(RowFactory.create(0, 4L, 5L, 6L, 1L, 2L, 0.125f, 0.75f, 2, "semihard", "f00d"));
    Tuple2<MiningStats, List<Row>> part = new Tuple2<>(new MiningStats(), rows);
    Tuple2<MiningStats, List<Row>> back = roundTrip(kryo(), part);
    assertEquals(rows, back._2());
  }
}
