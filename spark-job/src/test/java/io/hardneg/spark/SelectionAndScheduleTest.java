package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.util.Seeds;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.config.Settings;
import io.hardneg.spark.run.Json;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileUtil;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model selection on the validation split and the per-round learning rate, read back from what the
 * run wrote: the validation rows (recomputed here from the seeded hash) never appear in a mined
 * triplet, {@code best.json} picks the best validation MAP@R and carries the test metrics, and
 * every round's rate (in {@code metrics.json} and in its saved model) follows the schedule, also
 * for a round redone after a resume.
 */
class SelectionAndScheduleTest {
  @TempDir Path tmp;

  private Settings settings(Path[] data, Path[] test, Path out, int rounds) {
    Settings s = TrainJobRoundTest.settings(data, out, rounds);
    s.set("eval.input.images", test[0].toString(), "test");
    s.set("eval.input.labels", test[1].toString(), "test");
    s.set("eval.validation.fraction", "0.25", "test");
    s.set("train.lr.schedule", "cosine", "test");
    s.set("train.lr.warmupRounds", "1", "test");
    s.set("train.lr.min", "0.0001", "test");
    return s;
  }

  @Test
  void byItemValidationNeverTrainsAndSelectsAndTheRateFollowsTheScheduleAfterAResume()
      throws Exception {
    Path[] data = TinyData.write(tmp.resolve("train"), 400, 0);
    Path[] test = TinyData.write(tmp.resolve("test"), 150, 400);
    Path out = tmp.resolve("run");
    JobConfig cfg = JobConfig.from(settings(data, test, out, 3));
    new TrainJob(SharedSpark.get(), cfg, quiet()).run();

    // the validation split, recomputed from its definition (ids of an idx input = positions)
    Set<Long> validation = new HashSet<>();
    for (long id = 0; id < 400; id++) {
      if (Seeds.unit(Seeds.of(42, -2, id)) < 0.25) {
        validation.add(id);
      }
    }
    Map<String, Object> run = Json.read(Files.readString(out.resolve("run.json")));
    assertEquals(validation.size(), ((Number) run.get("items_validation")).intValue());
    assertEquals(400 - validation.size(), ((Number) run.get("items_train")).intValue());
    assertEquals(150, ((Number) run.get("items_eval")).intValue(), "the test set is used whole");

    int bestRound = -1;
    double bestMap = Double.NEGATIVE_INFINITY;
    double[] want = {0.5e-3, 1e-3, 1e-4 + 0.9e-3 * 0.5}; // warm-up, peak, half-way down
    String[] models = new String[3];
    for (int r = 0; r < 3; r++) {
      Path round = out.resolve(String.format("round-%03d", r));
      for (Row t :
          SharedSpark.get().read().parquet(round.resolve("triplets").toString()).collectAsList()) {
        for (String c : List.of("anchor", "positive", "negative")) {
          assertFalse(validation.contains(t.getLong(t.fieldIndex(c))), c + " from validation");
        }
      }
      Map<String, Object> m = Json.read(Files.readString(round.resolve("metrics.json")));
      Map<?, ?> v = (Map<?, ?>) m.get("validation");
      assertEquals(
          validation.size(),
          ((Number) v.get("queries")).intValue()
              + ((Number) v.get("queries_without_positive")).intValue());
      assertFalse(v.containsKey("per_class"));
      double map = ((Number) v.get("map_at_r")).doubleValue();
      if (map > bestMap) {
        bestMap = map;
        bestRound = r;
      }
      assertEquals(want[r], ((Number) m.get("learning_rate")).doubleValue(), 1e-15, "round " + r);
      models[r] = (String) m.get("model");
      // the rate the network really trained with is in its saved configuration
      var net =
          ModelSerializer.restoreMultiLayerNetwork(
              new File(round.resolve("model.zip").toString()), false);
      double saved =
          ((BaseLayer) net.getLayerWiseConfigurations().getConf(0).getLayer())
              .getIUpdater()
              .getLearningRate(0, 0);
      assertEquals(cfg.train().lr().rate(r), saved, 0, "round " + r + "'s model");
    }
    Map<String, Object> best = Json.read(Files.readString(out.resolve("best.json")));
    assertEquals("validation", best.get("selected_on"));
    assertEquals(bestRound, ((Number) best.get("round")).intValue());
    assertEquals(bestMap, ((Number) best.get("map_at_r")).doubleValue(), 0);
    Map<String, Object> chosen =
        Json.read(
            Files.readString(out.resolve(String.format("round-%03d/metrics.json", bestRound))));
    Map<?, ?> testOfBest = (Map<?, ?>) best.get("test");
    for (String k : List.of("recall_at_1", "r_precision", "map_at_r")) {
      assertEquals(chosen.get(k), testOfBest.get(k), "best.json carries the test " + k);
    }

    // a driver lost after round 0: rounds 1 and 2 are redone from round 0's model, at the rates
    // and to the models of the uninterrupted run
    String bestBefore = Files.readString(out.resolve("best.json"));
    FileUtil.fullyDelete(out.resolve("round-001").toFile());
    FileUtil.fullyDelete(out.resolve("round-002").toFile());
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    TrainJob.Summary again =
        new TrainJob(
                SharedSpark.get(),
                JobConfig.from(settings(data, test, out, 3)),
                new PrintStream(buf, true, StandardCharsets.UTF_8))
            .run();
    assertTrue(buf.toString(StandardCharsets.UTF_8).contains("resuming after committed round 0"));
    for (int i = 0; i < 2; i++) {
      assertEquals(want[i + 1], again.rounds().get(i).learningRate(), 1e-15);
      assertEquals(models[i + 1], again.rounds().get(i).model(), "round " + (i + 1) + "'s model");
    }
    assertEquals(bestBefore, Files.readString(out.resolve("best.json")));
  }

  @Test
  void byClassTheValidationClassesAreNeverTrainedOn() throws Exception {
    Path[] data = TinyData.write(tmp.resolve("train"), 300, 0);
    Path[] test = TinyData.write(tmp.resolve("test"), 100, 300);
    Path out = tmp.resolve("run");
    Settings s = settings(data, test, out, 1);
    s.set("eval.validation.by", "class", "test");
    s.set("eval.validation.fraction", "0.3", "test");
    new TrainJob(SharedSpark.get(), JobConfig.from(s), quiet()).run();
    Set<Long> held = new HashSet<>();
    for (long label = 0; label < 10; label++) {
      if (Seeds.unit(Seeds.of(42, -3, label)) < 0.3) {
        held.add(label);
      }
    }
    assertFalse(held.isEmpty() || held.size() == 10, "seed 42 holds out some classes: " + held);
    List<Row> triplets =
        SharedSpark.get()
            .read()
            .parquet(out.resolve("round-000/triplets").toString())
            .collectAsList();
    assertFalse(triplets.isEmpty());
    for (Row t : triplets) {
      assertFalse(held.contains(t.getLong(t.fieldIndex("anchor_label"))), "anchor class");
      assertFalse(held.contains(t.getLong(t.fieldIndex("negative_label"))), "negative class");
    }
    Map<String, Object> m = Json.read(Files.readString(out.resolve("round-000/metrics.json")));
    assertTrue(((Number) ((Map<?, ?>) m.get("validation")).get("queries")).longValue() > 0);
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }
}
