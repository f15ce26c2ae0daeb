package io.hardneg.spark.stage.search;

import io.hardneg.spark.config.BroadcastSearch;
import io.hardneg.spark.config.IvfSearchSettings;
import io.hardneg.spark.config.SearchSettings;
import io.hardneg.spark.config.TiledSearch;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * SEARCH: where the negative search of miner-core runs on Spark. For every query anchor (rows of
 * {@code id, label, emb, positive, d_ap, excluded}; only anchors with a d(a,p) are searched) its
 * nearest negatives and its nearest negatives beyond d(a,p), with the mask inside the kernel. A
 * placement only places and shuffles: the tasks, the list plan and the merge are miner-core's
 * ({@code io.hardneg.core.search}), and each placement gives the same candidates as its
 * single-machine runner there ({@code LocalSearch}, {@code IvfSearch}).
 */
public interface SearchPlacement {
  /** Searches {@code queries} against {@code bases} (pass one table twice for a self-search). */
  SearchResult search(
      JavaSparkContext jsc, Dataset<Row> queries, Dataset<Row> bases, SearchRequest request);

  /** The placement of the configured settings. */
  static SearchPlacement of(SearchSettings s) {
    if (s instanceof BroadcastSearch) {
      return new BroadcastPlacement();
    } else if (s instanceof TiledSearch t) {
      return new TiledPlacement(t);
    } else if (s instanceof IvfSearchSettings i) {
      return new IvfPlacement(i);
    }
    throw new IllegalArgumentException("unknown search settings " + s);
  }
}
