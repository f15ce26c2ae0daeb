package io.hardneg.core.ivf;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.search.Assigner;

/** IVF lists: home = the nearest centroid; probes = the {@code nprobe} nearest centroids. */
public record IvfAssigner(float[] centroids, int dim, int nprobe) implements Assigner {
  @Override
  public int lists() {
    return centroids.length / dim;
  }

  @Override
  public int[][] assign(LabeledVectors block) {
    int[][] near =
        SphericalKMeans.nearest(
            block.values(), block.size(), dim, centroids, lists(), nprobe, null);
    int[][] out = new int[block.size()][];
    for (int i = 0; i < near.length; i++) {
      out[i] = new int[near[i].length + 1];
      out[i][0] = near[i][0];
      System.arraycopy(near[i], 0, out[i], 1, near[i].length);
    }
    return out;
  }
}
