package io.hardneg.spark.config;

import io.hardneg.core.ivf.IvfSearch;

/**
 * Approximate search: inverted lists from spherical k-means, every item lives in its {@code
 * baseLists} nearest lists and every anchor visits its {@code nprobe} nearest lists.
 *
 * @param nlist IVF lists; 0 = about 4·√N
 * @param nprobe lists each anchor visits
 * @param listCap most base vectors (and queries) one task holds: bigger lists are split
 * @param kmeansSample points the centroids are fitted on (a seeded sample)
 * @param kmeansIterations Lloyd iterations
 * @param recallSample anchors whose approximate nearest negative is checked against an exact search
 *     each round (0 = off)
 * @param baseLists lists each item lives in as a base vector: 1 = its nearest; more spills it into
 *     its next nearest lists, so that an anchor meets the boundary points of neighbouring lists
 */
public record IvfSearchSettings(
    int nlist,
    int nprobe,
    int listCap,
    int kmeansSample,
    int kmeansIterations,
    int recallSample,
    int baseLists)
    implements SearchSettings {
  public IvfSearchSettings {
    if (nlist < 0
        || nprobe < 1
        || baseLists < 1
        || listCap < 1
        || kmeansSample < 1
        || kmeansIterations < 0
        || recallSample < 0) {
      throw new IllegalArgumentException(
          "search settings out of range: nlist="
              + nlist
              + " nprobe="
              + nprobe
              + " listCap="
              + listCap
              + " kmeansSample="
              + kmeansSample
              + " kmeansIterations="
              + kmeansIterations
              + " recallSample="
              + recallSample
              + " baseLists="
              + baseLists);
    }
    if (nlist > 0 && nprobe > nlist) {
      throw new IllegalArgumentException("nprobe " + nprobe + " > nlist " + nlist);
    }
  }

  @Override
  public String label() {
    return "ivf";
  }

  /** The list count for {@code n} items: {@code nlist}, or about 4·√n (at least nprobe). */
  public int listsFor(long n) {
    return IvfSearch.listsFor(n, nlist, nprobe);
  }
}
