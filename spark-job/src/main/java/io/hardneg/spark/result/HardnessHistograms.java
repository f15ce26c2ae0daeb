package io.hardneg.spark.result;

/**
 * The hardness of mined triplets ({@code mining.json} → {@code histograms}).
 *
 * @param dAp {@code d(a,p)} over [0, 2]
 * @param dAn {@code d(a,n)} over [0, 2]
 * @param dAnMinusDAp {@code d(a,n) − d(a,p)} over [−2, 2]
 */
public record HardnessHistograms(Histogram dAp, Histogram dAn, Histogram dAnMinusDAp) {}
