package io.hardneg.spark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hardneg.spark.SharedSpark;
import io.hardneg.spark.result.HardnessCounts;
import io.hardneg.spark.run.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RoundTablesTest {

  /** A sample row (anchor, positive, negative, labels, d_ap, d_an, rank, kind). */
  static Row row(long anchor, float dap, float dan) {
    return RowFactory.create(anchor, anchor + 1000, anchor + 2000, 1L, 2L, dap, dan, 0, "semihard");
  }

  @Test
  void gridSpansTheHardnessRangeAtEvenlySpacedRanks() {
    List<Row> sample = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      // violation d_an - d_ap = (i - 50) / 100: row i has rank i
      sample.add(row(i, 0.5f, 0.5f + (i - 50) / 100f));
    }
    Collections.shuffle(sample, new Random(3));
    List<Row> got = RoundTables.pickForGrid(sample);
    // ranks round(i * 99 / 7), i = 0..7
    long[] want = {0, 14, 28, 42, 57, 71, 85, 99};
    assertEquals(want.length, got.size());
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got.get(i).getLong(0), "pick " + i);
    }
    // fewer than the grid: all of them, hardest first
    List<Row> few = RoundTables.pickForGrid(List.of(row(1, 0.5f, 0.9f), row(2, 0.5f, 0.4f)));
    assertEquals(List.of(2L, 1L), few.stream().map(r -> r.getLong(0)).toList());
  }

  @Test
  void hardnessUsesTheMinersSemiHardBoundariesExactly() {
    StructType schema =
        new StructType()
            .add("d_ap", DataTypes.FloatType, false)
            .add("d_an", DataTypes.FloatType, false);
    // margin 0.25 and d(a,p) 0.5: every value below is exact in float and double
    List<Row> rows =
        List.of(
            RowFactory.create(0.5f, 0.25f), // nearer than the positive: hard
            RowFactory.create(0.5f, 0.5f), // exactly at d(a,p): not semi-hard (strict), hard
            RowFactory.create(0.5f, 0.625f), // inside: semi-hard
            RowFactory.create(0.5f, 0.75f), // exactly at d(a,p) + margin: semi-hard (inclusive)
            RowFactory.create(0.5f, Math.nextUp(0.75f))); // just beyond the margin: easy
    HardnessCounts h = RoundTables.hardness(SharedSpark.get().createDataFrame(rows, schema), 0.25);
    assertEquals(new HardnessCounts(0.25, 2L, 2L, 1L), h);
    assertEquals(
        List.of("margin", "hard", "semihard", "easy"),
        List.copyOf(Json.read(Json.write(h)).keySet()));
  }
}
