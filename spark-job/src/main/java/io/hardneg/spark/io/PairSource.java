package io.hardneg.spark.io;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Loads the known positive pairs of pair mode ({@code anchor_id, positive_id}, Parquet or CSV
 * with a header, any Hadoop FS path) and checks that every id names an item.
 */
public final class PairSource {
  private PairSource() {}

  /** The pairs as {@code anchor_id: long, positive_id: long}, validated against the items. */
  public static Dataset<Row> load(SparkSession spark, String path, String format,
      Dataset<Row> items) {
    Dataset<Row> raw;
    try {
      var reader = spark.read().format(format);
      if (format.equals("csv")) {
        reader = reader.option("header", "true").option("inferSchema", "true");
      }
      raw = reader.load(path);
    } catch (Exception e) {
      throw new InputException(path + ": cannot read pairs as " + format + ": "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
    }
    for (String c : new String[] {"anchor_id", "positive_id"}) {
      if (!java.util.Arrays.asList(raw.columns()).contains(c)) {
        throw new InputException(path + ": pairs need columns anchor_id and positive_id, found "
            + String.join(", ", raw.columns()));
      }
    }
    Dataset<Row> pairs = raw.select(col("anchor_id").cast("long"), col("positive_id").cast("long"))
        .persist(StorageLevel.MEMORY_AND_DISK());
    long n = pairs.count();
    if (n == 0) {
      throw new InputException(path + ": no pairs");
    }
    Dataset<Row> nulls = pairs.filter(col("anchor_id").isNull().or(col("positive_id").isNull()));
    if (!nulls.isEmpty()) {
      throw new InputException(path + ": " + nulls.count() + " pairs have a missing or "
          + "non-integral id");
    }
    Dataset<Row> ids = items.select(col("id"));
    for (String c : new String[] {"anchor_id", "positive_id"}) {
      Dataset<Row> unknown = pairs.join(ids, pairs.col(c).equalTo(ids.col("id")), "left_anti");
      if (!unknown.isEmpty()) {
        Row r = unknown.first();
        throw new InputException(path + ": " + unknown.count() + " pairs name an unknown item in "
            + c + ", first: (" + r.getLong(0) + ", " + r.getLong(1) + ")");
      }
    }
    return pairs;
  }

  /**
   * The pairs whose both ids name an item of {@code items} (the training split, the evaluation
   * split or set): a pair across the split serves neither side.
   */
  public static Dataset<Row> within(Dataset<Row> pairs, Dataset<Row> items) {
    Dataset<Row> a = items.select(col("id").as("within_a"));
    Dataset<Row> p = items.select(col("id").as("within_p"));
    return pairs.join(a, col("anchor_id").equalTo(col("within_a")), "left_semi")
        .join(p, col("positive_id").equalTo(col("within_p")), "left_semi");
  }
}
