package io.hardneg.core.mining;

/**
 * One mined triplet, by row index into the tables it was mined from.
 *
 * @param anchor row of the anchor (in the anchor table)
 * @param positive row of the positive (in the base table)
 * @param negative row of the negative (in the base table)
 * @param dAp exact Euclidean distance anchor–positive
 * @param dAn exact Euclidean distance anchor–negative
 * @param negRank rank of the negative among all the anchor's negatives, 0 = nearest
 * @param kind the rule that chose the negative
 */
public record MinedTriplet(int anchor, int positive, int negative, double dAp, double dAn,
    long negRank, MinedKind kind) {}
