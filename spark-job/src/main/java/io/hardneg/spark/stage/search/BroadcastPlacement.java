package io.hardneg.spark.stage.search;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.search.AnchorCandidates;
import io.hardneg.core.search.ListSearch;
import io.hardneg.core.search.SearchReport;
import io.hardneg.spark.io.Tables;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Exact: the base table, sorted by id, is broadcast and every partition searches its anchors
 * against all of it; no shuffle ({@code LocalSearch.exact} in one JVM). A task reads its queries a
 * block at a time ({@link EntryRows#chunks}), so it holds one block of them next to the broadcast,
 * not its whole partition; each query's candidates do not depend on the block it is in.
 */
public final class BroadcastPlacement implements SearchPlacement {
  private final int block;

  /** Queries read in blocks of {@link EntryRows#BLOCK}. */
  public BroadcastPlacement() {
    this(EntryRows.BLOCK);
  }

  /** Queries read in blocks of {@code block} entries (tests use small ones). */
  BroadcastPlacement(int block) {
    this.block = block;
  }

  @Override
  public SearchResult search(
      JavaSparkContext jsc, Dataset<Row> queries, Dataset<Row> bases, SearchRequest req) {
    LabeledVectors base = Tables.collect(bases.select("id", "label", "emb"));
    Broadcast<LabeledVectors> table = jsc.broadcast(base);
    JavaRDD<AnchorCandidates> out =
        EntryRows.chunks(queries, block)
            .flatMap(
                entries ->
                    ListSearch.searchQueries(
                            entries,
                            table.value(),
                            req.mask(),
                            req.knn(),
                            req.kHard(),
                            req.kBeyond())
                        .iterator());
    SearchReport report =
        SearchReport.broadcast(
            base.size(), queries.filter("positive is not null").count() * (long) base.size());
    return new SearchResult(out, report, List.of(table::destroy));
  }
}
