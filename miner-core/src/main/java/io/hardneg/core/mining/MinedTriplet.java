package io.hardneg.core.mining;

/**
 * One mined triplet, by item id: what a triplet row of the Spark job holds, apart from the round
 * and the model.
 *
 * @param anchor id of the anchor
 * @param positive id of the positive
 * @param negative id of the negative
 * @param anchorLabel label of the anchor
 * @param negativeLabel label of the negative
 * @param dAp exact Euclidean distance anchor–positive
 * @param dAn exact Euclidean distance anchor–negative
 * @param negRank rank of the negative among all the anchor's negatives, 0 = nearest
 * @param kind the rule that chose the negative
 */
public record MinedTriplet(
    long anchor,
    long positive,
    long negative,
    long anchorLabel,
    long negativeLabel,
    double dAp,
    double dAn,
    long negRank,
    MinedKind kind) {}
