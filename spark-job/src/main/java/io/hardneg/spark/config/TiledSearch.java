package io.hardneg.spark.config;

/**
 * Exact search; items are hashed into {@code tiles} base tiles, every anchor visits all tiles
 * through a shuffle.
 *
 * @param tiles base tiles
 * @param listCap most base vectors (and queries) one task holds: bigger tiles are split
 */
public record TiledSearch(int tiles, int listCap) implements SearchSettings {
  public TiledSearch {
    if (tiles < 1 || listCap < 1) {
      throw new IllegalArgumentException(
          "search settings out of range: listCap=" + listCap + " tiles=" + tiles);
    }
  }

  @Override
  public String label() {
    return "tiled";
  }
}
