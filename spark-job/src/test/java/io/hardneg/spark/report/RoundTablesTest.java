package io.hardneg.spark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class RoundTablesTest {

  /** A sample row (anchor, positive, negative, labels, d_ap, d_an, rank, kind). */
  static Row row(long anchor, float dap, float dan) {
    return RowFactory.create(anchor, anchor + 1000, anchor + 2000, 1L, 2L, dap, dan, 0,
        "semihard");
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
}
