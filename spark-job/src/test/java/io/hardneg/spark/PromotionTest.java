package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.spark.run.Json;
import io.hardneg.spark.run.Promotion;
import io.hardneg.spark.run.Promotion.Metric;
import io.hardneg.spark.run.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Promotion of scheduled runs to the {@code current} pointer, on the local Hadoop FileSystem. */
class PromotionTest {
  static final Configuration CONF = new Configuration();
  @TempDir Path root;

  /** A run directory with committed rounds whose recall@1 / map@R are given. */
  String run(String id, double... recalls) throws Exception {
    Path dir = root.resolve("runs").resolve(id);
    RunDirectory rd = new RunDirectory(CONF, dir.toString());
    rd.prepare();
    for (int r = 0; r < recalls.length; r++) {
      org.apache.hadoop.fs.Path tmp = rd.beginRound(r);
      rd.writeText(
          new org.apache.hadoop.fs.Path(tmp, "metrics.json"),
          Json.write(Map.of("round", r, "recall_at_1", recalls[r], "map_at_r", 1 - recalls[r])));
      rd.writeBytes(new org.apache.hadoop.fs.Path(tmp, "model.zip"), new byte[] {(byte) r});
      rd.commitRound(tmp, r);
    }
    return rd.root().toString();
  }

  Promotion promotion() throws Exception {
    return new Promotion(CONF, root.toString());
  }

  @Test
  void theFirstRunIsPromotedAndThePointerNamesItsLastRound() throws Exception {
    String a = run("a", 0.5, 0.6);
    Promotion p = promotion();
    assertNull(p.current());
    Promotion.Decision d = p.decide(a, Metric.RECALL_AT_1, 0);
    assertTrue(d.promoted(), d.reason());
    Promotion.Pointer cur = p.current();
    assertEquals(a, cur.run());
    assertEquals(1, cur.round());
    assertEquals(0.6, cur.value());
    assertEquals(a + "/round-001/model.zip", cur.model());
    Map<String, Object> rec = Json.read(Files.readString(root.resolve("runs/a/promotion.json")));
    assertEquals(true, rec.get("promoted"));
  }

  @Test
  void onlyAStrictlyBetterRunMovesThePointerAndNoModelIsDeleted() throws Exception {
    Promotion p = promotion();
    String a = run("a", 0.70);
    String worse = run("b", 0.69);
    String equal = run("c", 0.70);
    String better = run("d", 0.60, 0.71);
    assertTrue(p.decide(a, Metric.RECALL_AT_1, 0).promoted());
    Promotion.Decision dw = p.decide(worse, Metric.RECALL_AT_1, 0);
    assertFalse(dw.promoted(), dw.reason());
    assertEquals(0.70, dw.previousValue());
    assertFalse(p.decide(equal, Metric.RECALL_AT_1, 0).promoted(), "a tie keeps the current");
    assertEquals(a, p.current().run());
    Promotion.Decision db = p.decide(better, Metric.RECALL_AT_1, 0);
    assertTrue(db.promoted(), db.reason());
    assertEquals(better, p.current().run());
    assertEquals(1, p.current().round(), "the run's last round");
    for (String id : List.of("a", "b", "c", "d")) {
      assertTrue(Files.isRegularFile(root.resolve("runs/" + id + "/round-000/model.zip")), id);
      assertTrue(Files.isRegularFile(root.resolve("runs/" + id + "/promotion.json")), id);
    }
    Map<String, Object> rec = Json.read(Files.readString(root.resolve("runs/b/promotion.json")));
    assertEquals(false, rec.get("promoted"));
    assertEquals(0.69, ((Number) rec.get("value")).doubleValue());
    try (Stream<Path> top = Files.list(root)) {
      assertEquals(
          List.of("current", "runs"),
          top.map(x -> x.getFileName().toString()).sorted().toList(),
          "no temporaries left");
    }
  }

  @Test
  void theGainThresholdAndTheChosenMetricDecide() throws Exception {
    Promotion p = promotion();
    String a = run("a", 0.70);
    String b = run("b", 0.705);
    assertTrue(p.decide(a, Metric.RECALL_AT_1, 0).promoted());
    assertFalse(p.decide(b, Metric.RECALL_AT_1, 0.01).promoted(), "gain 0.005 < 0.01");
    // map_at_r = 1 - recall in these runs: a (0.30) beats b (0.295) on it
    String c = run("c", 0.69);
    Promotion.Decision d = p.decide(c, Metric.MAP_AT_R, 0);
    assertTrue(d.promoted(), "map@R 0.31 > 0.30: " + d.reason());
    assertEquals(0.30, d.previousValue(), 1e-12, "current re-read on the chosen metric");
  }

  @Test
  void aRunWithoutACommittedRoundCannotBePromoted() throws Exception {
    String empty = run("empty");
    Path uncommitted = root.resolve("runs/empty/round-000");
    Files.createDirectories(uncommitted);
    Files.writeString(uncommitted.resolve("metrics.json"), "{\"recall_at_1\": 0.99}");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> promotion().decide(empty, Metric.RECALL_AT_1, 0));
    assertTrue(e.getMessage().contains("no committed round"), e.getMessage());
    assertNull(promotion().current());
  }

  @Test
  void nextRunResumesTheNewestUndecidedRunElseStartsANewOne() throws Exception {
    Promotion p = promotion();
    Instant t = Instant.parse("2026-11-29T03:00:00Z");
    assertEquals(
        root.resolve("runs/20261129-030000").toUri().getPath().replaceAll("/$", ""),
        new org.apache.hadoop.fs.Path(p.nextRun(t).toUri()).toUri().getPath());
    String a = run("20261127-030000", 0.5);
    run("20261128-030000");
    assertTrue(p.nextRun(t).toString().endsWith("runs/20261128-030000"), "interrupted run resumes");
    p.decide(a, Metric.RECALL_AT_1, 0);
    Files.writeString(root.resolve("runs/20261128-030000/promotion.json"), "{}");
    assertTrue(p.nextRun(t).toString().endsWith("runs/20261129-030000"), "all decided: new run");
  }
}
