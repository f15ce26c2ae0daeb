package io.hardneg.spark.result;

import io.hardneg.core.mining.Hardness;

/**
 * A round's triplets per {@link Hardness} class under the mining model ({@code hardness.json} of
 * the round's tables); the components are the classes' labels, in the enum's order.
 *
 * @param margin the mining margin the classes are drawn with
 * @param hard triplets with {@code d(a,n) <= d(a,p)}
 * @param semihard triplets with {@code d(a,p) < d(a,n) <= d(a,p) + margin}
 * @param easy triplets with {@code d(a,n) > d(a,p) + margin}
 */
public record HardnessCounts(double margin, long hard, long semihard, long easy) {}
