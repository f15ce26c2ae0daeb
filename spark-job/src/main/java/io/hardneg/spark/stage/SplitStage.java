package io.hardneg.spark.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.udf;

import io.hardneg.core.util.Seeds;
import io.hardneg.spark.config.JobConfig;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * The three sides of a training run, each row's side a pure function of (seed, id) or (seed,
 * label), never of partitioning:
 *
 * <ul>
 *   <li><b>test</b>: {@code eval.input.*}, else the items with {@code hash(seed, id) <
 *       split.evalFraction}; reported every round, never used to pick a round;
 *   <li><b>validation</b>: of the rest (the training side), the items with {@code hash'(seed, id) <
 *       eval.validation.fraction} (by item) or the classes with {@code hash''(seed, label) <
 *       fraction} (by class: classes never trained on); selects the best round;
 *   <li><b>train</b>: the training side less the validation split; the only rows EMBED, MINE and
 *       TRAIN see.
 * </ul>
 *
 * The three hashes use different stream numbers of {@link Seeds#of}, so the validation draw is
 * independent of the held-out draw.
 */
public final class SplitStage {
  private static final long HELD_OUT = -1;
  private static final long VALIDATION_ITEM = -2;
  private static final long VALIDATION_CLASS = -3;

  private SplitStage() {}

  /**
   * The sides, persisted (the caller unpersists them).
   *
   * @param train rows that train
   * @param validation rows that select the best round; null when the split is off
   * @param test rows that are reported
   */
  public record Sides(Dataset<Row> train, Dataset<Row> validation, Dataset<Row> test) {}

  /**
   * Splits {@code items} (rows {@code id, label, features}); {@code separateTest} is the loaded
   * {@code eval.input.*} or null.
   */
  public static Sides split(Dataset<Row> items, Dataset<Row> separateTest, JobConfig cfg) {
    long seed = cfg.seed();
    Dataset<Row> test;
    Dataset<Row> trainSide;
    if (separateTest != null) {
      test = separateTest;
      trainSide = items;
    } else {
      double evalFraction = cfg.evalFraction();
      Column isTest = drawn(seed, HELD_OUT, evalFraction, "id");
      test = items.filter(isTest);
      trainSide = items.filter(not(isTest));
    }
    Dataset<Row> validation = null;
    Dataset<Row> train = trainSide;
    JobConfig.Validation v = cfg.validation();
    if (v.enabled()) {
      Column isValidation = inValidation(seed, v);
      validation = trainSide.filter(isValidation).persist(StorageLevel.MEMORY_AND_DISK());
      train = trainSide.filter(not(isValidation));
    }
    return new Sides(
        train.persist(StorageLevel.MEMORY_AND_DISK()),
        validation,
        test.persist(StorageLevel.MEMORY_AND_DISK()));
  }

  /** Whether a row of the training side belongs to the validation split. */
  static Column inValidation(long seed, JobConfig.Validation v) {
    return v.by() == JobConfig.By.CLASS
        ? drawn(seed, VALIDATION_CLASS, v.fraction(), "label")
        : drawn(seed, VALIDATION_ITEM, v.fraction(), "id");
  }

  /**
   * Whether the row's {@code key} column draws below {@code fraction} from {@code hash(seed, salt,
   * key)}. A column function of the key, not a typed filter: that would turn every row, its feature
   * vector boxed float by float, into a Row first.
   */
  private static Column drawn(long seed, long salt, double fraction, String key) {
    UDF1<Long, Boolean> below = k -> Seeds.unit(Seeds.of(seed, salt, k)) < fraction;
    return udf(below, DataTypes.BooleanType).apply(col(key));
  }
}
