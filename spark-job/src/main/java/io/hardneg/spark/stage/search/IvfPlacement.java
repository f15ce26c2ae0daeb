package io.hardneg.spark.stage.search;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.ivf.IvfAssigner;
import io.hardneg.core.ivf.IvfSearch;
import io.hardneg.core.search.SearchReport;
import io.hardneg.spark.config.IvfSearchSettings;
import io.hardneg.spark.io.Tables;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * Approximate: spherical k-means on a seeded sample of the base vectors gives the lists; each item
 * is a base of its {@code baseLists} nearest lists and a query of its {@code nprobe} nearest
 * ({@link IvfAssigner}), lists are cut to the cap and shuffled ({@link ListShuffle}). The sample is
 * the items with the smallest {@link IvfSearch#sampleKey} (hash of seed, round and id): the driver
 * collects a prefix of that order by a threshold and keeps its lowest keys, so the centroids never
 * depend on partitioning ({@code IvfSearch.runner} in one JVM).
 */
public record IvfPlacement(IvfSearchSettings settings) implements SearchPlacement {
  @Override
  public SearchResult search(
      JavaSparkContext jsc, Dataset<Row> queries, Dataset<Row> bases, SearchRequest req) {
    long n = bases.count();
    int lists = settings.listsFor(n);
    int size = IvfSearch.sampleSize(n, lists, settings.kmeansSample());
    LabeledVectors sample =
        IvfSearch.sample(collectPrefix(bases, n, size, req), size, req.seed(), req.round());
    IvfSearch.Trained t =
        IvfSearch.fit(sample, lists, settings.kmeansIterations(), req.seed(), req.round());
    SearchReport head =
        SearchReport.ivf(
            t.lists(),
            Math.min(settings.nprobe(), t.lists()),
            Math.min(settings.baseLists(), t.lists()),
            t.sample());
    return ListShuffle.run(
        jsc,
        queries,
        bases,
        new IvfAssigner(t.centroids(), t.dim(), settings.nprobe(), settings.baseLists()),
        settings.listCap(),
        req,
        head);
  }

  /**
   * At least {@code size} items, all of whose sample keys are below those of the items left out: a
   * threshold on the key's rank, raised until enough pass (a prefix of the key order).
   */
  private static LabeledVectors collectPrefix(
      Dataset<Row> bases, long n, int size, SearchRequest req) {
    double threshold = Math.min(1.0, 1.25 * size / Math.max(1, n) + 1e-6);
    while (true) {
      double t = threshold;
      long seed = req.seed();
      int round = req.round();
      // a column function of the id: a typed filter would turn every row into a Row first
      UDF1<Long, Boolean> below =
          id -> IvfSearch.sampleRank(IvfSearch.sampleKey(seed, round, id)) < t;
      LabeledVectors rows =
          Tables.collectInternal(
              bases
                  .select("id", "label", "emb")
                  .filter(udf(below, DataTypes.BooleanType).apply(col("id"))),
              "k-means sample");
      if (rows.size() >= size || t >= 1.0) {
        return rows;
      }
      threshold = Math.min(1.0, 2 * threshold);
    }
  }
}
