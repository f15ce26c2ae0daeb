package io.hardneg.spark.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;

import io.hardneg.spark.result.HardnessHistograms;
import io.hardneg.spark.result.Histogram;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Hardness histograms of mined triplets, computed by Spark (nothing per-row reaches the driver):
 * {@code d(a,p)} and {@code d(a,n)} over [0, 2] and {@code d(a,n) − d(a,p)} over [−2, 2], 40 equal
 * bins each; values outside are clamped into the end bins.
 */
public final class Histograms {
  static final int BINS = 40;

  private Histograms() {}

  /** {@code {d_ap: {...}, d_an: {...}, d_an_minus_d_ap: {...}}}, each with edges and counts. */
  public static HardnessHistograms of(Dataset<Row> triplets) {
    return new HardnessHistograms(
        histogram(triplets, col("d_ap"), 0, 2),
        histogram(triplets, col("d_an"), 0, 2),
        histogram(triplets, col("d_an").minus(col("d_ap")), -2, 2));
  }

  static Histogram histogram(Dataset<Row> t, Column value, double lo, double hi) {
    double width = (hi - lo) / BINS;
    Column bin =
        least(
            lit(BINS - 1),
            greatest(lit(0), floor(value.minus(lit(lo)).divide(lit(width))).cast("int")));
    long[] counts = new long[BINS];
    for (Row r : t.select(bin.as("bin")).groupBy("bin").count().collectAsList()) {
      counts[r.getInt(0)] = r.getLong(1);
    }
    List<Double> edges = new ArrayList<>();
    for (int i = 0; i <= BINS; i++) {
      edges.add(lo + i * width);
    }
    List<Long> c = new ArrayList<>();
    for (long x : counts) {
      c.add(x);
    }
    return new Histogram(edges, c);
  }
}
