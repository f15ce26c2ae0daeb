package io.hardneg.spark.io;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Known positive pairs on the driver, {@code (anchors[i], positives[i])}: the relevance of
 * pair-mode evaluation, over a table small enough to collect (the evaluation items' pairs).
 */
public record KnownPairs(long[] anchors, long[] positives) {
  public KnownPairs {
    if (anchors.length != positives.length) {
      throw new IllegalArgumentException(
          "pair columns differ in length: "
              + anchors.length
              + " anchors != "
              + positives.length
              + " positives");
    }
  }

  /** Collects {@code anchor_id, positive_id} rows, sorted so the order never varies. */
  public static KnownPairs collect(Dataset<Row> pairs) {
    List<Row> rows =
        pairs.select("anchor_id", "positive_id").sort("anchor_id", "positive_id").collectAsList();
    long[] a = new long[rows.size()];
    long[] p = new long[rows.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = rows.get(i).getLong(0);
      p[i] = rows.get(i).getLong(1);
    }
    return new KnownPairs(a, p);
  }

  /** Number of pairs. */
  public int size() {
    return anchors.length;
  }
}
