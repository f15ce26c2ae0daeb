package io.hardneg.spark.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

/**
 * TRAIN's packing of (fa, fp, fn) rows into DataSets: whole triplets in the a,p,n row layout,
 * {@code batch} triplets each and a shorter last one, from Spark's internal rows, which an iterator
 * may reuse (the test hands out one row object, overwritten each time, as Spark's do).
 */
class TripletBatchesTest {
  private static final int DIM = 2;

  @Test
  void packsWholeTripletsInTheAnchorPositiveNegativeLayoutWithAShorterLastBatch() {
    List<DataSet> out = new ArrayList<>();
    new TrainStage.TripletBatches(new ReusedRows(5), 2).forEachRemaining(out::add);

    assertEquals(3, out.size());
    assertArrayEquals(new long[] {6, DIM}, out.get(0).getFeatures().shape());
    assertArrayEquals(new long[] {6, 1}, out.get(0).getLabels().shape());
    assertArrayEquals(new long[] {3, DIM}, out.get(2).getFeatures().shape());
    // triplet t, member j (0 = a, 1 = p, 2 = n), feature k holds 100 t + 10 j + k
    assertArrayEquals(
        new float[] {0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121},
        out.get(0).getFeatures().ravel().toFloatVector());
    assertArrayEquals(
        new float[] {200, 201, 210, 211, 220, 221, 300, 301, 310, 311, 320, 321},
        out.get(1).getFeatures().ravel().toFloatVector());
    assertArrayEquals(
        new float[] {400, 401, 410, 411, 420, 421},
        out.get(2).getFeatures().ravel().toFloatVector());
  }

  @Test
  void anEmptyPartitionHasNoBatch() {
    assertFalse(new TrainStage.TripletBatches(new ReusedRows(0), 4).hasNext());
  }

  /** {@code n} triplet rows through one row object that each {@code next()} overwrites. */
  private static final class ReusedRows implements Iterator<InternalRow> {
    private final int n;
    private final GenericInternalRow row = new GenericInternalRow(3);
    private int t;

    ReusedRows(int n) {
      this.n = n;
    }

    @Override
    public boolean hasNext() {
      return t < n;
    }

    @Override
    public InternalRow next() {
      for (int j = 0; j < 3; j++) {
        float[] f = new float[DIM];
        for (int k = 0; k < DIM; k++) {
          f[k] = 100 * t + 10 * j + k;
        }
        row.update(j, UnsafeArrayData.fromPrimitiveArray(f));
      }
      t++;
      return row;
    }
  }
}
