package io.hardneg.core.search;

import io.hardneg.core.util.JsonShape.OmitNull;

/**
 * What a negative-search placement reports about itself: the {@code search} block of {@code
 * mining.json}. The components are the block's keys in order; each placement fills its own and the
 * others are left out:
 *
 * <ul>
 *   <li>{@code broadcast}: placement, base_vectors, distance_computations;
 *   <li>{@code tiled}: placement, then the list keys ({@link #withLists});
 *   <li>{@code ivf}: placement, nlist, nprobe, base_lists (when items spill into more than one
 *       list), kmeans_sample, the list keys, and nearest_negative_recall when a recall sample is
 *       measured ({@link #withRecall}).
 * </ul>
 *
 * @param placement {@code broadcast}, {@code tiled} or {@code ivf}
 * @param baseVectors base vectors every query is searched against (broadcast)
 * @param nlist lists the k-means trained (ivf)
 * @param nprobe lists each query visits (ivf)
 * @param baseLists lists each base vector lives in (ivf, when above 1: spilling)
 * @param kmeansSample items the k-means was fitted on (ivf)
 * @param listsNonempty lists holding at least one base vector
 * @param largestList base vectors in the largest list
 * @param meanList mean base vectors per non-empty list
 * @param listCap the cap lists are cut to
 * @param distanceComputations query–base distances the kernel computes
 * @param listsSplit lists whose base vectors were cut over several tasks
 * @param listsQuerySplit lists whose queries were cut over several tasks
 * @param largestTaskBases base vectors in the largest task
 * @param largestTaskQueries queries in the largest task
 * @param nearestNegativeRecall the measured recall of the nearest negative (ivf)
 */
public record SearchReport(
    String placement,
    @OmitNull Integer baseVectors,
    @OmitNull Integer nlist,
    @OmitNull Integer nprobe,
    @OmitNull Integer baseLists,
    @OmitNull Integer kmeansSample,
    @OmitNull Integer listsNonempty,
    @OmitNull Long largestList,
    @OmitNull Double meanList,
    @OmitNull Integer listCap,
    @OmitNull Long distanceComputations,
    @OmitNull Integer listsSplit,
    @OmitNull Integer listsQuerySplit,
    @OmitNull Long largestTaskBases,
    @OmitNull Long largestTaskQueries,
    @OmitNull NearestNegativeRecall nearestNegativeRecall) {

  /**
   * Share of a seeded sample of anchors whose nearest negative from the search is the exact one.
   *
   * @param sample anchors sampled
   * @param recall the share found (absent when nothing was sampled)
   */
  public record NearestNegativeRecall(int sample, @OmitNull Double recall) {}

  /** The broadcast placement: the whole base table against every query. */
  public static SearchReport broadcast(int baseVectors, long distanceComputations) {
    return new SearchReport(
        "broadcast",
        baseVectors,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        distanceComputations,
        null,
        null,
        null,
        null,
        null);
  }

  /** A list placement before its lists are described: only the placement's name. */
  public static SearchReport lists(String placement) {
    return new SearchReport(
        placement, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null);
  }

  /** The IVF placement's trained lists, before they are described (one list per base vector). */
  public static SearchReport ivf(int nlist, int nprobe, int kmeansSample) {
    return ivf(nlist, nprobe, 1, kmeansSample);
  }

  /** The IVF placement's trained lists, each base vector living in {@code baseLists} of them. */
  public static SearchReport ivf(int nlist, int nprobe, int baseLists, int kmeansSample) {
    return new SearchReport(
        "ivf",
        null,
        nlist,
        nprobe,
        baseLists > 1 ? baseLists : null,
        kmeansSample,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** This report with the list keys of a list placement ({@link ListSearch#describe}). */
  public SearchReport withLists(
      int listsNonempty,
      long largestList,
      double meanList,
      int listCap,
      long distanceComputations,
      int listsSplit,
      int listsQuerySplit,
      long largestTaskBases,
      long largestTaskQueries) {
    return new SearchReport(
        placement,
        baseVectors,
        nlist,
        nprobe,
        baseLists,
        kmeansSample,
        listsNonempty,
        largestList,
        meanList,
        listCap,
        distanceComputations,
        listsSplit,
        listsQuerySplit,
        largestTaskBases,
        largestTaskQueries,
        nearestNegativeRecall);
  }

  /** This report with the measured nearest-negative recall. */
  public SearchReport withRecall(NearestNegativeRecall recall) {
    return new SearchReport(
        placement,
        baseVectors,
        nlist,
        nprobe,
        baseLists,
        kmeansSample,
        listsNonempty,
        largestList,
        meanList,
        listCap,
        distanceComputations,
        listsSplit,
        listsQuerySplit,
        largestTaskBases,
        largestTaskQueries,
        recall);
  }
}
