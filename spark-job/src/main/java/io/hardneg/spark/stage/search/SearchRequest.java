package io.hardneg.spark.stage.search;

import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.knn.Mask;
import java.io.Serializable;

/**
 * What one negative search asks for, whatever the placement.
 *
 * @param mask which base items a query may return (class mode: other labels; pair mode: not self,
 *     and not the anchor's {@code excluded} ids)
 * @param knn kernel tiling and precision (its k is replaced by the lists' k)
 * @param kHard nearest negatives kept per anchor
 * @param kBeyond nearest negatives beyond d(a,p) kept per anchor
 * @param seed the run's seed (tiles and IVF lists are seeded by it)
 * @param round the round (the IVF sample and centroids change with it)
 * @param partitions partitions of the shuffled results
 */
public record SearchRequest(
    Mask mask, KnnOptions knn, int kHard, int kBeyond, long seed, int round, int partitions)
    implements Serializable {}
