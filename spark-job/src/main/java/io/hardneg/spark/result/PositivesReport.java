package io.hardneg.spark.result;

import io.hardneg.core.util.JsonShape;

/**
 * How a mining pass chose its positives, the {@code positives} block of {@code mining.json}.
 *
 * @param policy {@code random} (the seeded class cycle), {@code hardest} or {@code pairs}
 * @param tasks for {@code random}: the range partitions the class cycle ran in
 * @param largestTask for {@code random}: the most rows one of those tasks held
 */
public record PositivesReport(
    String policy, @JsonShape.OmitNull Integer tasks, @JsonShape.OmitNull Long largestTask) {

  /** A policy that reports nothing but its name. */
  public static PositivesReport of(String policy) {
    return new PositivesReport(policy, null, null);
  }
}
