package io.hardneg.core.search;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.util.Seeds;

/**
 * Exact tiling: an item's home tile is {@code hash(seed, id) mod tiles}; every item probes every
 * tile, so every query meets every base vector.
 */
public record TileAssigner(int tiles, long seed) implements Assigner {
  public TileAssigner {
    if (tiles < 1) {
      throw new IllegalArgumentException("tiles must be >= 1, got " + tiles);
    }
  }

  @Override
  public int lists() {
    return tiles;
  }

  @Override
  public int[][] assign(LabeledVectors block) {
    int[][] out = new int[block.size()][tiles + 1];
    for (int i = 0; i < block.size(); i++) {
      out[i][0] = (int) Math.floorMod(Seeds.of(seed, 13, block.ids()[i]), (long) tiles);
      for (int t = 0; t < tiles; t++) {
        out[i][t + 1] = t;
      }
    }
    return out;
  }
}
