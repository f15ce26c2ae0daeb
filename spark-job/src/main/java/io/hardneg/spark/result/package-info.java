/**
 * The typed results hardneg writes as JSON: a round's {@code metrics.json} ({@link
 * io.hardneg.spark.result.RoundMetrics}), {@code mining.json} ({@link
 * io.hardneg.spark.result.MiningReport}), {@code evaluation.json} and {@code baselines.json}. Every
 * file is written by {@link io.hardneg.spark.run.Json}, whose naming rule makes each record's
 * component list the file's key list, in order.
 */
package io.hardneg.spark.result;
