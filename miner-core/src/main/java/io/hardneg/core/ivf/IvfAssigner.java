package io.hardneg.core.ivf;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.search.Assigner;

/**
 * IVF lists: an item lives as a base vector in its {@code lists} nearest centroids (home = the
 * nearest; more than one is spilling) and visits the {@code nprobe} nearest as a query.
 *
 * <p>Why spill: on clustered data the nearest negative of an anchor is a point of another cluster
 * whose own offset points towards the anchor's cluster, so its second or third nearest centroid is
 * often the anchor's own list, while its home can rank far down the anchor's probe order. Living in
 * a few lists puts such boundary points where the anchor looks; a query meets a base vector when
 * one of its probes is one of the base vector's lists.
 *
 * @param baseLists lists each item lives in as a base vector (1 = home only)
 */
public record IvfAssigner(float[] centroids, int dim, int nprobe, int baseLists)
    implements Assigner {
  public IvfAssigner {
    if (nprobe < 1 || baseLists < 1) {
      throw new IllegalArgumentException(
          "IVF needs nprobe >= 1 and baseLists >= 1, got " + nprobe + " and " + baseLists);
    }
  }

  /** One list per base vector (no spilling). */
  public IvfAssigner(float[] centroids, int dim, int nprobe) {
    this(centroids, dim, nprobe, 1);
  }

  @Override
  public int lists() {
    return centroids.length / dim;
  }

  @Override
  public int spill() {
    return Math.min(baseLists, lists()) - 1;
  }

  @Override
  public int[][] assign(LabeledVectors block) {
    int homes = spill() + 1;
    int probes = Math.min(nprobe, lists());
    int[][] near =
        SphericalKMeans.nearest(
            block.values(), block.size(), dim, centroids, lists(), Math.max(probes, homes), null);
    int[][] out = new int[block.size()][];
    for (int i = 0; i < near.length; i++) {
      out[i] = new int[homes + probes];
      System.arraycopy(near[i], 0, out[i], 0, homes);
      System.arraycopy(near[i], 0, out[i], homes, probes);
    }
    return out;
  }
}
