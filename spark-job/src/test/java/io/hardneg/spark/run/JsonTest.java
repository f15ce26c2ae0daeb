package io.hardneg.spark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.metrics.RetrievalMetrics;
import io.hardneg.core.search.SearchReport;
import io.hardneg.core.search.SearchReport.NearestNegativeRecall;
import io.hardneg.spark.result.MiningReport;
import io.hardneg.spark.result.PositivesReport;
import io.hardneg.spark.result.Retrieval;
import io.hardneg.spark.result.RoundMetrics;
import io.hardneg.spark.result.Timings;
import io.hardneg.spark.result.WorkerCount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The record writer keeps the result files' keys, nesting and order. */
class JsonTest {
  private static Retrieval classMode() {
    Map<Integer, Double> recall = new TreeMap<>(Map.of(1, 0.5, 2, 0.75, 16, 1.0));
    return new Retrieval(
        recall,
        0.5,
        0.4,
        0.3,
        Double.NaN,
        10,
        2,
        0.9,
        Map.of("7", new RetrievalMetrics.ClassResult(3, 3, 0.5, 0.4, 0.3)),
        null,
        null);
  }

  @Test
  void keysAreSnakeCaseWithDigitsAsWords() {
    assertEquals("recall_at_1", Json.key("recallAt1"));
    assertEquals("precision_at_1", Json.key("precisionAt1"));
    assertEquals("r_precision", Json.key("rPrecision"));
    assertEquals("map_at_r", Json.key("mapAtR"));
    assertEquals("d_an_minus_d_ap", Json.key("dAnMinusDAp"));
    assertEquals("anchors_without_semihard", Json.key("anchorsWithoutSemihard"));
    assertEquals("embed_s", Json.key("embedS"));
  }

  @Test
  void metricsJsonKeepsItsKeyOrderAndNanBecomesNull() {
    RoundMetrics m =
        new RoundMetrics(
            classMode(),
            3,
            List.of(1.0),
            List.of(2.0),
            null,
            5,
            15,
            1e-3,
            List.of(new WorkerCount("driver", "h", 42, 7)),
            "abcd",
            new Timings(1, 2, 3, 4, 10),
            new Retrieval(
                new TreeMap<>(Map.of(1, 0.6)), 0.6, 0.5, 0.4, null, 9, 0, 0.8, null, null, null));
    Map<String, Object> read = Json.read(Json.write(m));
    assertEquals(
        List.of(
            "recall_at_1",
            "recall_at_2",
            "recall_at_16",
            "precision_at_1",
            "r_precision",
            "map_at_r",
            "nmi",
            "queries",
            "queries_without_positive",
            "spread",
            "per_class",
            "round",
            "train_scores",
            "train_losses",
            "train_loss",
            "triplets",
            "train_rows",
            "learning_rate",
            "train_workers",
            "model",
            "timings",
            "validation"),
        new ArrayList<>(read.keySet()));
    assertEquals(
        List.of(
            "recall_at_1",
            "precision_at_1",
            "r_precision",
            "map_at_r",
            "queries",
            "queries_without_positive",
            "spread"),
        keys(read.get("validation")),
        "the validation block: the retrieval keys, no NMI, no per-class breakdown");
    assertTrue(read.containsKey("nmi") && read.get("nmi") == null, "NaN is written as null");
    assertTrue(read.containsKey("train_loss") && read.get("train_loss") == null);
    assertEquals(
        Map.of(
            "items", 3, "queries", 3, "precision_at_1", 0.5, "r_precision", 0.4, "map_at_r", 0.3),
        ((Map<?, ?>) read.get("per_class")).get("7"));
    assertEquals(
        List.of("executor", "host", "pid", "minibatches"),
        new ArrayList<>(((Map<?, ?>) ((List<?>) read.get("train_workers")).get(0)).keySet()));
    assertEquals(
        List.of("embed_s", "mine_s", "train_s", "evaluate_s", "round_s"),
        new ArrayList<>(((Map<?, ?>) read.get("timings")).keySet()));
  }

  @Test
  void pairModeLeavesOutClassKeysAndNamesItsRelevance() {
    Retrieval r =
        new Retrieval(
            new TreeMap<>(Map.of(1, 0.5)), 0.5, 0.4, 0.3, null, 10, 0, 0.9, null, "pairs", 12L);
    Map<String, Object> read = Json.read(Json.write(r));
    assertEquals(
        List.of(
            "recall_at_1",
            "precision_at_1",
            "r_precision",
            "map_at_r",
            "queries",
            "queries_without_positive",
            "spread",
            "relevance",
            "known_pairs"),
        new ArrayList<>(read.keySet()));
    assertNull(read.get("nmi"));
  }

  private static List<String> keys(Object json) {
    return new ArrayList<>(((Map<?, ?>) json).keySet().stream().map(String::valueOf).toList());
  }

  /** The {@code search} block of a {@code mining.json} holding {@code report}. */
  private static Map<?, ?> searchBlock(SearchReport report) {
    MiningReport m =
        new MiningReport(
            1,
            "raw",
            "class",
            report,
            new PositivesReport("random", 4, 3L),
            10,
            8,
            Map.of("hard", 8L),
            0,
            2,
            1,
            new MiningReport.Rejected(0, 0, 0),
            0.2,
            "nearest-beyond",
            null,
            1.5);
    Map<String, Object> read = Json.read(Json.write(m));
    assertEquals(
        List.of(
            "round",
            "model",
            "mode",
            "search",
            "positives",
            "anchors",
            "triplets",
            "by_kind",
            "anchors_without_positive",
            "anchors_without_negative",
            "anchors_without_semihard",
            "rejected",
            "margin",
            "semihard_fallback",
            "histograms",
            "seconds"),
        keys(read));
    assertEquals(Map.of("policy", "random", "tasks", 4, "largest_task", 3), read.get("positives"));
    assertEquals(List.of("policy", "tasks", "largest_task"), keys(read.get("positives")));
    assertEquals(Map.of("policy", "pairs"), Json.read(Json.write(PositivesReport.of("pairs"))));
    return (Map<?, ?>) read.get("search");
  }

  @Test
  void miningJsonSearchBlockKeepsEachPlacementsKeysAndOrder() {
    Map<?, ?> broadcast = searchBlock(SearchReport.broadcast(100, 9_900));
    assertEquals(List.of("placement", "base_vectors", "distance_computations"), keys(broadcast));
    assertEquals(
        Map.of("placement", "broadcast", "base_vectors", 100, "distance_computations", 9_900),
        broadcast);

    List<String> listKeys =
        List.of(
            "lists_nonempty",
            "largest_list",
            "mean_list",
            "list_cap",
            "distance_computations",
            "lists_split",
            "lists_query_split",
            "largest_task_bases",
            "largest_task_queries");
    Map<?, ?> tiled =
        searchBlock(SearchReport.lists("tiled").withLists(4, 30, 25.0, 40, 5_000, 1, 0, 30, 50));
    List<String> tiledKeys = new ArrayList<>(List.of("placement"));
    tiledKeys.addAll(listKeys);
    assertEquals(tiledKeys, keys(tiled));
    assertEquals("tiled", tiled.get("placement"));
    assertEquals(25.0, tiled.get("mean_list"));
    assertEquals(5_000, tiled.get("distance_computations"));

    SearchReport ivf =
        SearchReport.ivf(16, 2, 200).withLists(16, 12, 6.25, 50, 2_000, 0, 0, 12, 40);
    List<String> ivfKeys =
        new ArrayList<>(List.of("placement", "nlist", "nprobe", "kmeans_sample"));
    ivfKeys.addAll(listKeys);
    assertEquals(ivfKeys, keys(searchBlock(ivf)), "no recall sample: no recall key");
    Map<?, ?> measured = searchBlock(ivf.withRecall(new NearestNegativeRecall(100, 0.75)));
    ivfKeys.add("nearest_negative_recall");
    assertEquals(ivfKeys, keys(measured));
    assertEquals(
        List.of(16, 2, 200),
        List.of(measured.get("nlist"), measured.get("nprobe"), measured.get("kmeans_sample")));
    assertEquals(Map.of("sample", 100, "recall", 0.75), measured.get("nearest_negative_recall"));
    // nothing sampled: the sample size alone
    assertEquals(
        Map.of("sample", 0),
        searchBlock(ivf.withRecall(new NearestNegativeRecall(0, null)))
            .get("nearest_negative_recall"));
  }
}
