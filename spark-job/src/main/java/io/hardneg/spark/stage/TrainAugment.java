package io.hardneg.spark.stage;

import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.array_min;
import static org.apache.spark.sql.functions.col;

import io.hardneg.core.data.NearDuplicateViews;
import io.hardneg.spark.config.ConfigException;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.io.InputException;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Training-time augmentation of the rows of labels-in-batch minibatches ({@code train.augment}):
 * with {@code views}, every row a pk or mined batch holds is a fresh near-duplicate view of its
 * item ({@link NearDuplicateViews} at the many-class generator's default strength). A view is drawn
 * from (batch key, row) alone — the batch key is a function of (seed, round, epoch, batch) — so a
 * retried task or a rerun fits the same pixels, and an item seen in two batches is seen as two
 * views. EMBED, MINE and EVALUATE never see views: the mined neighbourhoods are those of the items.
 */
public final class TrainAugment implements Serializable {
  private static final long serialVersionUID = 1L;

  /** No augmentation: batches fit the items' features as they are. */
  static final TrainAugment OFF = new TrainAugment(0);

  private final int side;

  private TrainAugment(int side) {
    this.side = side;
  }

  /**
   * What {@code config}'s {@code train.augment} makes of the batches built from {@code items}
   * ({@code id, label, features}, {@code dim} features each), checked before any training: with
   * {@code views} the features must be square grey images ({@link ConfigException} naming the width
   * otherwise) with values in [0, 1], as the IDX reader scales pixels ({@link InputException}
   * naming the input, the first such item id and its values otherwise; one Spark aggregation).
   */
  public static TrainAugment forInput(JobConfig config, Dataset<Row> items, int dim) {
    if (config.train().augment() == JobConfig.Augment.OFF) {
      return OFF;
    }
    String rule =
        "train.augment = views fits views of square grey images with values in [0, 1] (as the IDX"
            + " reader scales pixels)";
    String input = config.input().describe();
    int side = squareSide(dim);
    if (side < 2) {
      throw new ConfigException(
          rule + ": the training input " + input + " has " + dim + " features, not a square image");
    }
    List<Row> bad =
        items
            .select(col("id"), array_min(col("features")), array_max(col("features")))
            .toDF("id", "lo", "hi")
            .filter(col("lo").lt(0).or(col("hi").gt(1)))
            .orderBy(col("id"))
            .limit(1)
            .collectAsList();
    if (!bad.isEmpty()) {
      Row b = bad.get(0);
      throw new InputException(
          input
              + ": item id "
              + b.getLong(0)
              + " has feature values from "
              + b.get(1)
              + " to "
              + b.get(2)
              + "; "
              + rule);
    }
    return views(side);
  }

  /** Views of {@code side × side} grey images with values in [0, 1] ({@link #forInput} checks). */
  static TrainAugment views(int side) {
    if (side < 2) {
      throw new IllegalArgumentException("image side must be >= 2, got " + side);
    }
    return new TrainAugment(side);
  }

  /** The side of a square image of {@code dim} pixels, or -1 when {@code dim} is not a square. */
  static int squareSide(int dim) {
    int s = (int) Math.round(Math.sqrt(dim));
    return s * s == dim ? s : -1;
  }

  /** Whether rows are changed at all. */
  public boolean on() {
    return side > 0;
  }

  /**
   * Replaces the image at {@code x[offset .. offset + side²)} by its view for row {@code row} of
   * the batch whose seeded key is {@code batchKey}; nothing when off.
   */
  void apply(float[] x, int offset, long batchKey, int row) {
    if (side == 0) {
      return;
    }
    int n = side * side;
    float[] src = new float[n];
    System.arraycopy(x, offset, src, 0, n);
    float[] v =
        NearDuplicateViews.view(src, side, NearDuplicateViews.Strength.DEFAULT, batchKey, row, 0);
    System.arraycopy(v, 0, x, offset, n);
  }
}
