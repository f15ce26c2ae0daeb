package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.util.Seeds;
import io.hardneg.spark.config.ConfigException;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.config.Settings;
import io.hardneg.spark.io.InputException;
import io.hardneg.spark.io.InputSpec;
import io.hardneg.spark.io.TableSource;
import io.hardneg.spark.run.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hardneg train} in pair mode on a tiny synthetic set without labels: 40 groups of 5 noisy
 * copies of a random centre, each group chained by known pairs (m0,m1), (m1,m2), ...
 */
class PairTrainTest {
  static final long SEED = 42;
  static final double EVAL_FRACTION = 0.3;
  static final int GROUPS = 40;
  static final int PER_GROUP = 5;
  @TempDir static Path tmp;
  static Path items;
  static Path pairsFile;
  static Path out;
  static TrainJob.Summary summary;

  /** Directed pairs (anchor, positive) as given. */
  static Set<List<Long>> given = new HashSet<>();

  /** Known positives of an id, in either direction. */
  static Map<Long, Set<Long>> known = new HashMap<>();

  static List<Long> ids = new ArrayList<>();

  static final double VALIDATION_FRACTION = 0.1;

  static boolean isEval(long id) {
    return Seeds.unit(Seeds.of(SEED, -1, id)) < EVAL_FRACTION;
  }

  /** In the validation split, when {@code id} is on the training side. */
  static boolean validationDraw(long id) {
    return Seeds.unit(Seeds.of(SEED, -2, id)) < VALIDATION_FRACTION;
  }

  /** Trains: neither held out for evaluation nor in the validation split. */
  static boolean trains(long id) {
    return !isEval(id) && !validationDraw(id);
  }

  static Settings settings(Path outDir) {
    return new Settings()
        .set("input.format", "parquet", "test")
        .set("input.path", items.toString(), "test")
        .set("mining.pairs.path", pairsFile.toString(), "test")
        .set("mining.pairs.format", "csv", "test")
        .set("split.evalFraction", String.valueOf(EVAL_FRACTION), "test")
        .set("eval.validation.fraction", String.valueOf(VALIDATION_FRACTION), "test")
        .set("output", outDir.toString(), "test")
        .set("rounds", "2", "test")
        .set("model.hidden", "16", "test")
        .set("model.embeddingDim", "8", "test")
        .set("mining.hardPerAnchor", "1", "test")
        .set("mining.semiHardPerAnchor", "1", "test")
        .set("train.epochsPerRound", "1", "test")
        .set("train.batchTriplets", "16", "test")
        .set("train.averagingFrequency", "5", "test")
        .set("spark.partitions", "3", "test");
  }

  @BeforeAll
  static void trainTwoRoundsOnPairs() throws Exception {
    SparkSession spark = SharedSpark.get();
    Random rnd = new Random(3);
    int dim = 8;
    List<Row> rows = new ArrayList<>();
    StringBuilder csv = new StringBuilder("anchor_id,positive_id\n");
    for (int g = 0; g < GROUPS; g++) {
      float[] centre = new float[dim];
      for (int j = 0; j < dim; j++) {
        centre[j] = (float) rnd.nextGaussian();
      }
      for (int m = 0; m < PER_GROUP; m++) {
        long id = 1000 + g * PER_GROUP + m;
        float[] f = new float[dim];
        for (int j = 0; j < dim; j++) {
          f[j] = centre[j] + 0.3f * (float) rnd.nextGaussian();
        }
        rows.add(RowFactory.create(id, f));
        ids.add(id);
        if (m > 0) {
          long a = id - 1;
          csv.append(a).append(',').append(id).append('\n');
          given.add(List.of(a, id));
          known.computeIfAbsent(a, k -> new HashSet<>()).add(id);
          known.computeIfAbsent(id, k -> new HashSet<>()).add(a);
        }
      }
    }
    // id and features only: no label column (allowed in pair mode)
    StructType schema = new StructType().add("id", "long").add("features", "array<float>");
    items = tmp.resolve("items.parquet");
    spark.createDataFrame(rows, schema).coalesce(2).write().parquet(items.toString());
    pairsFile = tmp.resolve("pairs.csv");
    Files.writeString(pairsFile, csv);
    out = tmp.resolve("run");
    summary =
        new TrainJob(
                spark,
                JobConfig.from(settings(out)),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .run();
  }

  @Test
  void bothRoundsCommitAndTripletsRespectTheKnownPairs() throws Exception {
    assertEquals(2, summary.rounds().size());
    SparkSession spark = SharedSpark.get();
    for (int r = 0; r < 2; r++) {
      Path round = out.resolve(String.format("round-%03d", r));
      assertTrue(Files.isRegularFile(round.resolve("_SUCCESS")), round + " committed");
      List<Row> triplets =
          spark
              .read()
              .parquet(round.resolve("triplets").toString())
              .select("anchor", "positive", "negative")
              .collectAsList();
      assertFalse(triplets.isEmpty(), "round " + r + " mined triplets");
      Set<Long> anchors = new HashSet<>();
      for (Row t : triplets) {
        long a = t.getLong(0);
        long p = t.getLong(1);
        long n = t.getLong(2);
        anchors.add(a);
        assertTrue(
            given.contains(List.of(a, p)), "positive " + p + " of " + a + " is a given pair");
        assertTrue(
            n != a && !known.get(a).contains(n),
            "negative " + n + " of " + a + " is no known positive");
        for (long x : new long[] {a, p, n}) {
          assertTrue(trains(x), "item " + x + " of triplet " + t + " is not a training item");
        }
      }
      // every training anchor with a training positive is mined (no guard rejects here)
      Set<Long> expected = new HashSet<>();
      for (List<Long> pr : given) {
        if (trains(pr.get(0)) && trains(pr.get(1))) {
          expected.add(pr.get(0));
        }
      }
      assertEquals(expected, anchors, "anchors of round " + r);
    }
    assertTrue(Files.isRegularFile(out.resolve("report.html")));
    String report = Files.readString(out.resolve("report.html"));
    assertTrue(report.contains("pair mode: relevant"), "report says how relevance is decided");
  }

  @Test
  @SuppressWarnings("unchecked")
  void evaluationCountsKnownPairsAmongEvaluationItems() throws Exception {
    long evalItems = ids.stream().filter(PairTrainTest::isEval).count();
    long evalPairs = given.stream().filter(p -> isEval(p.get(0)) && isEval(p.get(1))).count();
    long withPositive =
        ids.stream()
            .filter(PairTrainTest::isEval)
            .filter(id -> known.get(id).stream().anyMatch(PairTrainTest::isEval))
            .count();
    assertTrue(
        withPositive > 5 && withPositive < evalItems,
        withPositive + " of " + evalItems + " evaluation items have a known positive among them");
    List<Map<String, Object>> all = new ArrayList<>();
    Map<String, Object> baselines = Json.read(Files.readString(out.resolve("baselines.json")));
    all.add((Map<String, Object>) baselines.get("raw_pixels"));
    all.add((Map<String, Object>) baselines.get("untrained"));
    for (int r = 0; r < 2; r++) {
      all.add(
          Json.read(
              Files.readString(
                  out.resolve(String.format("round-%03d", r)).resolve("metrics.json"))));
    }
    for (Map<String, Object> m : all) {
      assertEquals("pairs", m.get("relevance"));
      assertEquals(evalPairs, ((Number) m.get("known_pairs")).longValue());
      assertEquals(withPositive, ((Number) m.get("queries")).longValue());
      assertEquals(
          evalItems - withPositive, ((Number) m.get("queries_without_positive")).longValue());
      assertFalse(m.containsKey("nmi") || m.containsKey("per_class"), "no classes: " + m);
      double r1 = ((Number) m.get("recall_at_1")).doubleValue();
      double r16 = ((Number) m.get("recall_at_16")).doubleValue();
      assertTrue(0 <= r1 && r1 <= r16 && r16 <= 1, m.toString());
    }
    // the validation split's relevance: the pairs with both ids in it
    long validationPairs =
        given.stream()
            .filter(
                p ->
                    !isEval(p.get(0))
                        && validationDraw(p.get(0))
                        && !isEval(p.get(1))
                        && validationDraw(p.get(1)))
            .count();
    assertTrue(validationPairs > 0);
    for (Map<String, Object> m : all.subList(2, 4)) {
      Map<?, ?> v = (Map<?, ?>) m.get("validation");
      assertEquals("pairs", v.get("relevance"));
      assertEquals(validationPairs, ((Number) v.get("known_pairs")).longValue());
    }
    // raw features: a known positive is a noisy copy of the same centre, so it is near
    assertTrue(((Number) all.get(0).get("recall_at_4")).doubleValue() > 0.8, all.get(0).toString());
  }

  @Test
  void aSeparateEvaluationSetIsScoredOnItsOwnPairs() throws Exception {
    SparkSession spark = SharedSpark.get();
    // 6 groups of 5 with their own ids 0..29 (they overlap nothing: the id spaces differ)
    Random rnd = new Random(9);
    List<Row> rows = new ArrayList<>();
    StringBuilder csv = new StringBuilder("anchor_id,positive_id\n");
    for (int g = 0; g < 6; g++) {
      float[] centre = new float[8];
      for (int j = 0; j < 8; j++) {
        centre[j] = (float) rnd.nextGaussian();
      }
      for (int m = 0; m < PER_GROUP; m++) {
        long id = g * PER_GROUP + m;
        float[] f = new float[8];
        for (int j = 0; j < 8; j++) {
          f[j] = centre[j] + 0.3f * (float) rnd.nextGaussian();
        }
        rows.add(RowFactory.create(id, f));
        if (m > 0) {
          csv.append(id - 1).append(',').append(id).append('\n');
        }
      }
    }
    Path evalItems = tmp.resolve("eval.parquet");
    spark
        .createDataFrame(rows, new StructType().add("id", "long").add("features", "array<float>"))
        .coalesce(1)
        .write()
        .parquet(evalItems.toString());
    Path evalPairs = tmp.resolve("eval-pairs.csv");
    Files.writeString(evalPairs, csv);

    // without eval.pairs.path the training pairs name no evaluation item: refused, named
    Settings shared =
        settings(tmp.resolve("own-eval-refused"))
            .set("rounds", "1", "test")
            .set("eval.input.path", evalItems.toString(), "test");
    InputException none =
        assertThrows(
            InputException.class,
            () ->
                new TrainJob(
                        spark,
                        JobConfig.from(shared),
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                    .run());
    assertTrue(
        none.getMessage().contains("no pair has both ids among the evaluation items"),
        none.getMessage());

    Path run = tmp.resolve("own-eval");
    Settings own =
        settings(run)
            .set("rounds", "1", "test")
            .set("eval.input.path", evalItems.toString(), "test")
            .set("eval.pairs.path", evalPairs.toString(), "test");
    new TrainJob(
            spark,
            JobConfig.from(own),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
        .run();
    Map<String, Object> m = Json.read(Files.readString(run.resolve("round-000/metrics.json")));
    assertEquals(6L * (PER_GROUP - 1), ((Number) m.get("known_pairs")).longValue());
    assertEquals(30L, ((Number) m.get("queries")).longValue(), "every item has a chain neighbour");
    assertEquals(0L, ((Number) m.get("queries_without_positive")).longValue());
    // all of the input is the training side: every given pair's anchor outside the validation
    // split is mined
    Set<Long> anchors = new HashSet<>();
    for (Row t :
        spark
            .read()
            .parquet(run.resolve("round-000/triplets").toString())
            .select("anchor")
            .collectAsList()) {
      anchors.add(t.getLong(0));
    }
    Set<Long> expected = new HashSet<>();
    given.stream()
        .filter(pr -> !validationDraw(pr.get(0)) && !validationDraw(pr.get(1)))
        .forEach(pr -> expected.add(pr.get(0)));
    assertEquals(expected, anchors);
  }

  @Test
  void evaluateScoresItsInputOnThePairs() throws Exception {
    // as evaluate prints it
    Map<String, Object> m =
        Json.read(
            Json.write(
                new EvaluateJob(
                        SharedSpark.get(),
                        JobConfig.from(settings(tmp.resolve("unused"))),
                        null,
                        null,
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                    .run()));
    assertEquals("pairs", m.get("relevance"));
    assertEquals((long) given.size(), ((Number) m.get("known_pairs")).longValue());
    assertEquals(
        (long) ids.size(),
        ((Number) m.get("queries")).longValue(),
        "every item has a chain neighbour");
    assertFalse(m.containsKey("nmi") || m.containsKey("per_class"), m.toString());
  }

  @Test
  void pkModeWithPairsIsAUsageErrorNamingBothKeys() {
    SharedSpark.get(); // the CLI reuses the running session
    for (String mode : new String[] {"pk", "mined"}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code =
          Main.run(
              new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8),
              "train",
              "--set",
              "input.format=parquet",
              "--set",
              "input.path=" + items,
              "--set",
              "mining.pairs.path=" + pairsFile,
              "--set",
              "mining.pairs.format=csv",
              "--set",
              "train.mode=" + mode,
              "--out",
              tmp.resolve(mode + "-run").toString());
      String msg = err.toString(StandardCharsets.UTF_8);
      assertEquals(Main.USAGE, code, msg);
      assertTrue(msg.contains("train.mode = " + mode) && msg.contains("mining.pairs.path"), msg);
      assertFalse(Files.exists(tmp.resolve(mode + "-run").resolve("run.json")), "nothing ran");
    }
  }

  @Test
  void evalPairsWithoutASeparateEvaluationSetIsAConfigError() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                JobConfig.from(
                    settings(tmp.resolve("x")).set("eval.pairs.path", "eval-pairs.csv", "test")));
    assertTrue(
        e.getMessage().contains("eval.pairs.path") && e.getMessage().contains("eval.input"),
        e.getMessage());
  }

  @Test
  void aMissingLabelColumnIsAllowedOnlyWhenLabelsAreOptional() throws Exception {
    SparkSession spark = SharedSpark.get();
    Path csv = tmp.resolve("nolabel.csv");
    Files.writeString(csv, "id,f1,f2\n7,0.5,1\n8,1,0.25\n9,0,1\n");
    InputSpec spec =
        new InputSpec(InputSpec.Format.CSV, csv.toString(), null, null, "id", "label", "");
    List<Row> got =
        TableSource.load(spark, spec, 2, TableSource.Labels.OPTIONAL).orderBy("id").collectAsList();
    assertEquals(3, got.size());
    for (Row r : got) {
      assertEquals(0L, r.getLong(1), "label of " + r);
      assertEquals(2, r.getSeq(2).length(), "features of " + r);
    }
    assertEquals(8L, got.get(1).getLong(0));
    InputException e =
        assertThrows(
            InputException.class,
            () -> TableSource.load(spark, spec, 2, TableSource.Labels.REQUIRED));
    assertTrue(e.getMessage().contains("no label column 'label'"), e.getMessage());
  }
}
