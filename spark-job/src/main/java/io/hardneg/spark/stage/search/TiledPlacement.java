package io.hardneg.spark.stage.search;

import io.hardneg.core.search.SearchReport;
import io.hardneg.core.search.TileAssigner;
import io.hardneg.spark.config.TiledSearch;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Exact: items are hashed into base tiles ({@link TileAssigner}); each anchor is shuffled to every
 * tile, each tile searches its queries, partial top-k merge per anchor ({@code LocalSearch.tiled}
 * in one JVM).
 */
public record TiledPlacement(TiledSearch settings) implements SearchPlacement {
  @Override
  public SearchResult search(
      JavaSparkContext jsc, Dataset<Row> queries, Dataset<Row> bases, SearchRequest req) {
    return ListShuffle.run(
        jsc,
        queries,
        bases,
        new TileAssigner(settings.tiles(), req.seed()),
        settings.listCap(),
        req,
        SearchReport.lists("tiled"));
  }
}
