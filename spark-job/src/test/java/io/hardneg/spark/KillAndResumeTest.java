package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.config.Settings;
import io.hardneg.spark.run.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver is killed with SIGKILL in the middle of round 1 (its temporary round directory exists,
 * round 0 is committed); a rerun on the same output resumes after round 0 and ends with the same
 * model and metrics as an uninterrupted run with the same seed. Also checks that the killed run
 * never left a visible partial round and that {@code best.json} names the best round.
 */
class KillAndResumeTest {
  @TempDir Path tmp;

  private Settings settings(Path[] data, Path[] eval, Path out) {
    Settings s = TrainJobRoundTest.settings(data, out, 2);
    s.set("eval.input.images", eval[0].toString(), "test");
    s.set("eval.input.labels", eval[1].toString(), "test");
    s.set("train.epochsPerRound", "2", "test");
    return s;
  }

  @Test
  void aKilledDriverResumesToTheSameResultAsAnUninterruptedRun() throws Exception {
    Path[] data = TinyData.write(tmp.resolve("train"), 240, 0);
    Path[] eval = TinyData.write(tmp.resolve("eval"), 100, 240);
    Path whole = tmp.resolve("uninterrupted");
    TrainJob.Summary a =
        new TrainJob(SharedSpark.get(), JobConfig.from(settings(data, eval, whole)), quiet()).run();
    assertEquals(
        100L,
        ((Number) Json.read(Files.readString(whole.resolve("run.json"))).get("items_eval"))
            .longValue(),
        "the separate evaluation set is used whole");

    Path killed = tmp.resolve("killed");
    Process p = startDriver(settings(data, eval, killed));
    try {
      waitFor(() -> Files.exists(killed.resolve("round-000/_SUCCESS")) && tmpRound(killed), p);
      p.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    } finally {
      p.destroyForcibly();
    }
    assertFalse(Files.exists(killed.resolve("round-001")), "a partial round became visible");
    assertTrue(tmpRound(killed), "the kill did not land mid-round");

    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    TrainJob.Summary b =
        new TrainJob(
                SharedSpark.get(),
                JobConfig.from(settings(data, eval, killed)),
                new PrintStream(buf, true, StandardCharsets.UTF_8))
            .run();
    assertTrue(buf.toString(StandardCharsets.UTF_8).contains("resuming after committed round 0"));
    assertEquals(1, b.rounds().size());
    assertFalse(tmpRound(killed), "the rerun cleans the killed run's temporaries");
    // as written to metrics.json
    Map<String, Object> ma = Json.read(Json.write(a.rounds().get(1)));
    Map<String, Object> mb = Json.read(Json.write(b.rounds().get(0)));
    assertEquals(ma.get("model"), mb.get("model"), "final model parameters differ");
    for (String k :
        List.of("recall_at_1", "map_at_r", "r_precision", "triplets", "learning_rate")) {
      assertEquals(ma.get(k), mb.get(k), k);
    }
    assertEquals(ma.get("validation"), mb.get("validation"), "validation metrics");
    // best.json selects on the validation split (a share of the training input)
    Map<String, Object> best = Json.read(Files.readString(killed.resolve("best.json")));
    assertEquals("validation", best.get("selected_on"));
    int bestRound = ((Number) best.get("round")).intValue();
    double m0 = a.rounds().get(0).validation().mapAtR();
    double m1 = ((Number) ((Map<?, ?>) ma.get("validation")).get("map_at_r")).doubleValue();
    assertEquals(m1 > m0 ? 1 : 0, bestRound, "best.json: validation MAP@R " + m0 + " vs " + m1);
    assertEquals(
        Files.readString(whole.resolve("best.json")),
        Files.readString(killed.resolve("best.json")));
  }

  private static boolean tmpRound(Path out) {
    try (Stream<Path> s = Files.list(out)) {
      return s.anyMatch(f -> f.getFileName().toString().startsWith("_tmp-round-001"));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** The job in its own JVM (the test JVM's classpath and Java 17 flags), as a user runs it. */
  private Process startDriver(Settings s) throws Exception {
    Path conf = tmp.resolve("job.conf");
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, String> e : s.given().entrySet()) {
      text.append(e.getKey()).append(" = ").append(e.getValue()).append('\n');
    }
    Files.writeString(conf, text.toString());
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    for (String f : Files.readString(Path.of("..", "deploy", "bin", "jvm-flags")).split("\\s+")) {
      if (!f.isBlank() && !f.startsWith("#")) {
        cmd.add(f);
      }
    }
    cmd.add(
        "-Dorg.bytedeco.javacpp.cachedir="
            + System.getProperty("org.bytedeco.javacpp.cachedir", ""));
    cmd.add(
        "-Dorg.deeplearning4j.spark.time.TimeSource="
            + "org.deeplearning4j.spark.time.SystemClockTimeSource");
    cmd.add("-Dspark.ui.enabled=false");
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "train",
            "--conf",
            conf.toString(),
            "--master",
            "local[2]"));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("driver.log").toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  private void waitFor(java.util.function.BooleanSupplier cond, Process p) throws Exception {
    // a safety net for a hung child JVM, not a speed check: on a loaded 2-core machine the child's
    // start, data load and first round took over 180 s
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
    while (!cond.getAsBoolean()) {
      if (!p.isAlive()) {
        throw new AssertionError(
            "driver exited early ("
                + p.exitValue()
                + "):\n"
                + Files.readString(tmp.resolve("driver.log")));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "driver never reached round 1:\n" + Files.readString(tmp.resolve("driver.log")));
      }
      Thread.sleep(50);
    }
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }
}
