package io.hardneg.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.spark.run.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Spark standalone cluster on 127.0.0.1 — a master and two workers, each its own JVM,
 * started by {@code deploy/bin/cluster} from the Maven-built Spark jars — and a two-round
 * training job submitted to it through {@code deploy/bin/submit} with the application jar.
 * Checks the committed outputs, that minibatches were fitted in two distinct executor JVMs
 * (neither the driver nor a daemon), and that stopping the cluster ends every process it
 * started: master, workers and the executors they launched.
 */
class StandaloneClusterIT {
  static Path work;
  static Path clusterDir;
  static Path run;
  static String masterUrl;
  static final List<Long> daemonPids = new ArrayList<>();
  static Launch.Result submit;

  @BeforeAll
  static void startClusterAndSubmit() throws Exception {
    Launch.appJar();
    work = Path.of(System.getProperty("hardneg.work", "target/it"))
        .resolve("standalone-" + System.currentTimeMillis()).toAbsolutePath();
    Files.createDirectories(work);
    clusterDir = work.resolve("cluster");
    run = work.resolve("run");
    Path[] data = TinyInput.write(work.resolve("in"), 600);
    Path conf = work.resolve("tiny.conf");
    Files.writeString(conf, TinyInput.jobConf(2) + "input.images = " + data[0] + "\n"
        + "input.labels = " + data[1] + "\n");

    Launch.Result start = Launch.run(work.resolve("cluster-start.log"), 180, Map.of(),
        Launch.script("cluster"), "start", "--workers", "2", "--cores", "1", "--memory", "1536m",
        "--dir", clusterDir.toString());
    // record what started before any assertion, so @AfterAll can check every PID
    if (Files.exists(clusterDir.resolve("pids"))) {
      for (String line : Files.readAllLines(clusterDir.resolve("pids"))) {
        daemonPids.add(Long.parseLong(line.split(" ")[1]));
      }
    }
    assertEquals(0, start.exitCode(), "cluster start failed:\n" + start.output());
    masterUrl = start.lastLine();
    assertTrue(masterUrl.matches("spark://127\\.0\\.0\\.1:\\d+"), "master URL: " + masterUrl);
    assertEquals(3, daemonPids.size(), "master + 2 workers: " + daemonPids);

    submit = Launch.run(work.resolve("submit.log"), 420,
        Map.of("HARDNEG_DRIVER_MEMORY", "1g"),
        Launch.script("submit"), "--master", masterUrl,
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.driver.bindAddress=127.0.0.1",
        // no delay scheduling: a free core on the other executor takes the next task
        "--conf", "spark.locality.wait=0",
        "--total-executor-cores", "2", "--executor-cores", "1", "--executor-memory", "1g",
        "train", "--conf", conf.toString(), "--out", run.toString());
  }

  @AfterAll
  static void stopEverythingByPid() throws Exception {
    if (clusterDir == null) {
      return;
    }
    List<Long> all = new ArrayList<>(daemonPids);
    all.addAll(executorPids());
    Launch.Result stop = Launch.run(work.resolve("cluster-stop.log"), 60, Map.of(),
        Launch.script("cluster"), "stop", "--dir", clusterDir.toString());
    List<Long> left = new ArrayList<>();
    for (long pid : all) {
      for (int i = 0; i < 40 && Launch.alive(pid); i++) {
        Thread.sleep(250);
      }
      if (Launch.alive(pid)) {
        left.add(pid);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    // each executor's work directory holds a copy of the 150 MB application jar; logs stay
    try (Stream<Path> files = Files.walk(clusterDir)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".jar") && Files.isRegularFile(f)
          && !Files.isSymbolicLink(f)).toList()) {
        Files.delete(p);
      }
    }
    assertEquals(0, stop.exitCode(), stop.output());
    assertTrue(left.isEmpty(), "still running after cluster stop: " + left + "\n" + stop.output());
    assertFalse(Files.exists(clusterDir.resolve("pids")), "pid file removed after stop");
  }

  @Test
  void theJobCommitsBothRoundsOnTheCluster() throws Exception {
    assertEquals(0, submit.exitCode(), "submit failed:\n" + Launch.tail(submit.log()));
    assertTrue(submit.output().contains("round 1: Recall@1"), submit.output());
    for (int r = 0; r < 2; r++) {
      Path round = run.resolve(String.format("round-%03d", r));
      for (String f : List.of("model.zip", "metrics.json", "mining.json", "_SUCCESS")) {
        assertTrue(Files.isRegularFile(round.resolve(f)), round + "/" + f);
      }
      Map<String, Object> m = Json.read(Files.readString(round.resolve("metrics.json")));
      double r1 = ((Number) m.get("recall_at_1")).doubleValue();
      assertTrue(r1 > 0.1 && r1 <= 1, "recall@1 " + r1);
      assertTrue(((Number) m.get("triplets")).longValue() > 0, "triplets in round " + r);
    }
    try (Stream<Path> top = Files.list(run)) {
      assertFalse(top.anyMatch(p -> p.getFileName().toString().startsWith("_tmp-")),
          "temporaries left behind");
    }
    Map<String, Object> runJson = Json.read(Files.readString(run.resolve("run.json")));
    assertEquals(masterUrl, runJson.get("spark_master"));
  }

  @Test
  void trainingRanInBothExecutorJvms() throws Exception {
    assertEquals(0, submit.exitCode(), "submit failed:\n" + Launch.tail(submit.log()));
    for (int r = 0; r < 2; r++) {
      List<Map<String, Object>> workers = trainWorkers(r);
      Set<String> executors = new HashSet<>();
      Set<Long> pids = new HashSet<>();
      for (Map<String, Object> w : workers) {
        assertTrue(((Number) w.get("minibatches")).longValue() > 0, w.toString());
        assertNotEquals("driver", w.get("executor"), "fitted on the driver: " + w);
        executors.add((String) w.get("executor"));
        pids.add(((Number) w.get("pid")).longValue());
      }
      assertEquals(2, executors.size(), "round " + r + " executors: " + workers);
      assertEquals(2, pids.size(), "round " + r + " executor JVMs: " + workers);
      for (long pid : pids) {
        assertFalse(daemonPids.contains(pid), "executor pid " + pid + " is a daemon");
        assertNotEquals(ProcessHandle.current().pid(), pid);
      }
    }
    assertEquals(executorPids(0), executorPids(1), "the same two executors in both rounds");
  }

  /**
   * Issue 8: one executor JVM is killed (SIGKILL) as soon as round 0's EMBED stage is done, so
   * the MINE stage runs while Spark loses the executor, its running tasks and its cached
   * embedding blocks; the worker launches a replacement. The job must commit, and round 0's
   * triplets must equal those of the undisturbed run above (same seed, same input).
   */
  @Test
  void anExecutorKilledDuringMiningChangesNoTriplet() throws Exception {
    assertEquals(0, submit.exitCode(), "submit failed:\n" + Launch.tail(submit.log()));
    Path lost = work.resolve("run-executor-lost");
    Path log = work.resolve("submit-executor-lost.log");
    Path conf = work.resolve("tiny.conf");
    ProcessBuilder pb = new ProcessBuilder(Launch.script("submit"), "--master", masterUrl,
        "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.driver.bindAddress=127.0.0.1", "--conf", "spark.locality.wait=0",
        "--total-executor-cores", "2", "--executor-cores", "1", "--executor-memory", "1g",
        "train", "--conf", conf.toString(), "--set", "rounds=1", "--out", lost.toString())
        .directory(Launch.ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("HARDNEG_DRIVER_MEMORY", "1g");
    Process driver = pb.start();
    long killed = -1;
    try {
      long deadline = System.nanoTime() + 300_000_000_000L;
      while (killed < 0 && driver.isAlive() && System.nanoTime() < deadline) {
        if (Files.readString(log).contains("round 0 (1/1) EMBED")) {
          List<ProcessHandle> executors = daemonPids.stream().skip(1)
              .flatMap(pid -> ProcessHandle.of(pid).stream())
              .flatMap(ProcessHandle::descendants)
              .filter(h -> h.info().arguments().map(a -> String.join(" ", a)
                  .contains("CoarseGrainedExecutorBackend")).orElse(false))
              .toList();
          assertFalse(executors.isEmpty(), "no executor JVM found under the workers");
          assertFalse(Files.exists(lost.resolve("round-000/_SUCCESS")), "not mid-round");
          killed = executors.get(0).pid();
          executors.get(0).destroyForcibly(); // SIGKILL: the JVM dies without a word
        } else {
          Thread.sleep(200);
        }
      }
      assertTrue(killed > 0, "EMBED never finished:\n" + Launch.tail(log));
      assertTrue(driver.waitFor(300, java.util.concurrent.TimeUnit.SECONDS), "job hung");
    } finally {
      driver.descendants().forEach(ProcessHandle::destroyForcibly);
      driver.destroyForcibly();
    }
    String out = Files.readString(log);
    assertEquals(0, driver.exitValue(), Launch.tail(log));
    assertTrue(out.contains("Lost executor") || out.contains("ExecutorLostFailure")
        || out.contains("Executor lost"), "Spark did not notice the lost executor " + killed
        + ":\n" + Launch.tail(log));
    assertTrue(Files.exists(lost.resolve("round-000/_SUCCESS")));
    org.apache.spark.sql.SparkSession spark = org.apache.spark.sql.SparkSession.builder()
        .master("local[1]").config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
    try {
      List<String> want = sortedRows(spark, run.resolve("round-000/triplets"));
      List<String> got = sortedRows(spark, lost.resolve("round-000/triplets"));
      assertTrue(want.size() > 100, "undisturbed triplets: " + want.size());
      assertEquals(want, got, "triplets after an executor loss");
    } finally {
      spark.stop();
    }
  }

  private static List<String> sortedRows(org.apache.spark.sql.SparkSession spark, Path p) {
    return spark.read().parquet(p.toString()).collectAsList().stream().map(Object::toString)
        .sorted().toList();
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> trainWorkers(int round) throws Exception {
    Path metrics = run.resolve(String.format("round-%03d/metrics.json", round));
    if (!Files.isRegularFile(metrics)) {
      return List.of();
    }
    return (List<Map<String, Object>>) Json.read(Files.readString(metrics)).get("train_workers");
  }

  static Set<Long> executorPids(int round) throws Exception {
    Set<Long> pids = new HashSet<>();
    for (Map<String, Object> w : trainWorkers(round)) {
      pids.add(((Number) w.get("pid")).longValue());
    }
    return pids;
  }

  static Set<Long> executorPids() throws Exception {
    Set<Long> pids = executorPids(0);
    pids.addAll(executorPids(1));
    return pids;
  }
}
