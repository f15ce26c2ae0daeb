package io.hardneg.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.spark.run.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerReport;
import org.apache.hadoop.yarn.api.records.SignalContainerCommand;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spark on a real YARN (see {@link MiniHadoop}: a ResourceManager and two NodeManagers launching
 * containers as processes, beside HDFS). The input and both run directories are on HDFS. First
 * {@code deploy/yarn/submit-cluster-mode.sh} submits a one-round training job in cluster deploy
 * mode (the driver in the ApplicationMaster's container) with the application jar; then the same
 * job runs in client deploy mode through {@code deploy/bin/submit}, and once its round is under way
 * (embeddings computed, mining and training ahead) one executor container is killed through YARN
 * (the ResourceManager's forceful-shutdown signal, SIGKILL to the container's processes). The
 * disturbed round must equal the undisturbed one: the same triplets row for row, the same model
 * parameters and updater state, the same metrics.
 *
 * <p>The containers run the Maven-built Spark jars where they are ({@code spark.yarn.jars} with
 * {@code local:} paths: every NodeManager is on this machine), with this JVM's Java as JAVA_HOME.
 */
class YarnIT {
  static final String CLOCK =
      "-Dorg.deeplearning4j.spark.time.TimeSource="
          + "org.deeplearning4j.spark.time.SystemClockTimeSource";
  static final Pattern LOST_EXECUTOR = Pattern.compile("Lost executor \\d+");

  static Path work;
  static MiniHadoop hadoop;
  static YarnClient yarn;
  static Path jobConf;
  static Launch.Result cluster;
  static Launch.Result client;
  static String clusterAppId = "";
  static String killed = "";

  /** The undisturbed (cluster-mode) and the disturbed (client-mode) run directories. */
  static final String CLUSTER_RUN = "/runs/cluster";

  static final String CLIENT_RUN = "/runs/client-killed";

  @BeforeAll
  static void startYarnAndRunBothModes() throws Exception {
    Launch.appJar();
    Launch.requireResolvableHostname();
    work =
        Path.of(System.getProperty("hardneg.work", "target/it"))
            .resolve("yarn-" + System.currentTimeMillis())
            .toAbsolutePath();
    Files.createDirectories(work);
    long t0 = System.nanoTime();
    hadoop = new MiniHadoop(work);
    yarn = YarnClient.createYarnClient();
    yarn.init(hadoop.clientConf());
    yarn.start();
    System.out.printf("YarnIT: HDFS and YARN up in %.1f s%n", (System.nanoTime() - t0) / 1e9);

    Path[] local = TinyInput.write(work.resolve("in"), 500);
    var fs = hadoop.fs;
    fs.mkdirs(new org.apache.hadoop.fs.Path("/data"));
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(local[0].toString()),
        new org.apache.hadoop.fs.Path("/data/images"));
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(local[1].toString()),
        new org.apache.hadoop.fs.Path("/data/labels"));
    jobConf = work.resolve("yarn-job.conf");
    Files.writeString(
        jobConf,
        TinyInput.jobConf(1)
            + "train.lr.schedule = constant\n"
            + "input.images = "
            + hadoop.hdfs
            + "/data/images\n"
            + "input.labels = "
            + hadoop.hdfs
            + "/data/labels\n");

    long t1 = System.nanoTime();
    cluster =
        Launch.run(
            work.resolve("submit-cluster.log"),
            600, // about 2 minutes on an idle 2-core machine; far more beside other builds
            Map.of(
                "HADOOP_CONF_DIR", hadoop.confDir.toString(),
                "HARDNEG_JOB_CONF", jobConf.toString(),
                "HARDNEG_OUT", hadoop.hdfs + CLUSTER_RUN),
            command(Launch.ROOT.resolve("deploy/yarn/submit-cluster-mode.sh").toString()));
    for (ApplicationReport r : yarn.getApplications()) {
      clusterAppId = r.getApplicationId().toString(); // the only application so far
    }
    System.out.printf("YarnIT: cluster mode took %.1f s%n", (System.nanoTime() - t1) / 1e9);

    long t2 = System.nanoTime();
    client = runClientModeAndKillAnExecutor();
    System.out.printf(
        "YarnIT: client mode with %s took %.1f s%n", killed, (System.nanoTime() - t2) / 1e9);
  }

  /** The script and the Spark options that size the job for the mini cluster. */
  static String[] command(String script, String... more) throws IOException {
    String javaHome = System.getProperty("java.home");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                script,
                "--conf",
                "spark.yarn.jars=local:" + sparkJars() + "/*",
                "--conf",
                "spark.yarn.appMasterEnv.JAVA_HOME=" + javaHome,
                "--conf",
                "spark.executorEnv.JAVA_HOME=" + javaHome,
                "--conf",
                "spark.yarn.appMasterEnv.SPARK_LOCAL_IP=127.0.0.1",
                "--conf",
                "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1",
                "--conf",
                "spark.yarn.submit.file.replication=1",
                "--conf",
                "spark.yarn.maxAppAttempts=1",
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.locality.wait=0",
                // both executors before the first task (containers start slowly on 2 cores)
                "--conf",
                "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf",
                "spark.scheduler.maxRegisteredResourcesWaitingTime=120s",
                "--num-executors",
                "2",
                "--executor-cores",
                "1",
                "--executor-memory",
                "1g",
                "--conf",
                "spark.executor.memoryOverhead=512m",
                "--conf",
                "spark.executor.extraJavaOptions=" + CLOCK + " --add-modules=jdk.incubator.vector",
                "--driver-memory",
                "1g",
                "--conf",
                "spark.driver.memoryOverhead=512m",
                "--conf",
                "spark.driver.extraJavaOptions=" + CLOCK + " --add-modules=jdk.incubator.vector"));
    cmd.addAll(List.of(more));
    return cmd.toArray(String[]::new);
  }

  /** A directory of links to the Spark jars (deploy/target/spark-classpath.txt). */
  static Path sparkJars() throws IOException {
    Path dir = work.resolve("spark-jars");
    if (Files.isDirectory(dir)) {
      return dir;
    }
    Files.createDirectories(dir);
    String cp = Files.readString(Path.of(System.getProperty("hardneg.sparkClasspath"))).strip();
    for (String jar : cp.split(":")) {
      Path j = Path.of(jar);
      Files.createSymbolicLink(dir.resolve(j.getFileName()), j);
    }
    return dir;
  }

  /**
   * Client mode through deploy/bin/submit; once the driver has logged the end of EMBED, one
   * executor container (not the ApplicationMaster's) is killed through the ResourceManager.
   */
  static Launch.Result runClientModeAndKillAnExecutor() throws Exception {
    Path log = work.resolve("submit-client.log");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                command(
                    Launch.script("submit"),
                    "--master",
                    "yarn",
                    "--deploy-mode",
                    "client",
                    "--name",
                    "hardneg-client",
                    "--conf",
                    "spark.driver.host=127.0.0.1",
                    "--conf",
                    "spark.driver.bindAddress=127.0.0.1")));
    cmd.addAll(
        List.of(
            "train",
            "--conf",
            jobConf.toString(),
            "--out",
            hadoop.hdfs + CLIENT_RUN,
            "--stacktrace"));
    Process driver =
        Launch.start(
            log,
            Map.of("HADOOP_CONF_DIR", hadoop.confDir.toString(), "HARDNEG_DRIVER_MEMORY", "1g"),
            cmd.toArray(String[]::new));
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(480);
      while (driver.isAlive() && System.nanoTime() < deadline) {
        if (Files.readString(log).contains("round 0 (1/1) EMBED")) {
          assertFalse(
              hadoop.fs.exists(new org.apache.hadoop.fs.Path(CLIENT_RUN + "/round-000/_SUCCESS")),
              "not mid-round");
          killed = killOneExecutorContainer();
          break;
        }
        Thread.sleep(200);
      }
      assertTrue(driver.waitFor(600, TimeUnit.SECONDS), "client-mode job hung");
    } finally {
      Launch.kill(driver);
    }
    return new Launch.Result(driver.exitValue(), Files.readString(log), log);
  }

  /** Signals FORCEFUL_SHUTDOWN to an executor container; waits until its processes are gone. */
  static String killOneExecutorContainer() throws Exception {
    ApplicationReport app =
        yarn.getApplications(EnumSet.of(YarnApplicationState.RUNNING)).stream()
            .filter(r -> r.getName().equals("hardneg-client"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("the client-mode application is not running"));
    ApplicationAttemptId attempt = app.getCurrentApplicationAttemptId();
    ContainerId am = yarn.getApplicationAttemptReport(attempt).getAMContainerId();
    List<ContainerReport> executors =
        yarn.getContainers(attempt).stream().filter(c -> !c.getContainerId().equals(am)).toList();
    assertEquals(2, executors.size(), "executor containers: " + executors);
    ContainerId victim = executors.get(0).getContainerId();
    List<ProcessHandle> jvms = processesOf(victim);
    assertFalse(jvms.isEmpty(), "no process of " + victim + " under the NodeManagers");
    yarn.signalToContainer(victim, SignalContainerCommand.FORCEFUL_SHUTDOWN);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (jvms.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertFalse(jvms.stream().anyMatch(ProcessHandle::isAlive), victim + " still running");
    return "container " + victim + " (pids " + jvms.stream().map(ProcessHandle::pid).toList() + ")";
  }

  /** The processes (launch script, executor JVM) of a container: descendants of this JVM. */
  static List<ProcessHandle> processesOf(ContainerId id) {
    String name = id.toString();
    return ProcessHandle.current()
        .descendants()
        .filter(
            h -> h.info().arguments().map(a -> String.join(" ", a).contains(name)).orElse(false))
        .toList();
  }

  @AfterAll
  static void stop() throws Exception {
    if (yarn != null) {
      yarn.stop();
    }
    if (hadoop != null) {
      hadoop.close();
    }
  }

  @Test
  void clusterModeCommitsTheRoundOnHdfsWithTwoExecutors() throws Exception {
    assertEquals(
        0,
        cluster.exitCode(),
        // a supplier: the logs are read only on failure (YARN may be deleting finished
        // containers' directories while they are walked)
        () ->
            "cluster mode failed:\n"
                + Launch.tail(cluster.log())
                + hadoop.containerLogs(clusterAppId));
    var round = new org.apache.hadoop.fs.Path(CLUSTER_RUN + "/round-000");
    for (String f : List.of("model.zip", "metrics.json", "mining.json", "_SUCCESS")) {
      assertTrue(hadoop.fs.isFile(new org.apache.hadoop.fs.Path(round, f)), round + "/" + f);
    }
    Map<String, Object> run = Json.read(read(CLUSTER_RUN + "/run.json"));
    assertEquals("yarn", run.get("spark_master"), run.toString());
    assertTrue(String.valueOf(run.get("input")).contains(hadoop.hdfs + "/data/images"), "" + run);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> workers =
        (List<Map<String, Object>>) metrics(CLUSTER_RUN).get("train_workers");
    Set<Object> executors = new HashSet<>();
    for (Map<String, Object> w : workers) {
      assertNotEquals("driver", w.get("executor"), "fitted on the driver: " + w);
      executors.add(w.get("executor"));
    }
    assertEquals(2, executors.size(), "training in both executor containers: " + workers);
  }

  @Test
  void anExecutorContainerKilledMidRoundChangesNoTripletAndNoParameter() throws Exception {
    assertEquals(
        0, cluster.exitCode(), "the undisturbed run failed: " + Launch.tail(cluster.log()));
    assertFalse(killed.isEmpty(), "no executor was killed:\n" + Launch.tail(client.log()));
    assertEquals(0, client.exitCode(), "client mode failed:\n" + Launch.tail(client.log()));
    assertTrue(
        LOST_EXECUTOR.matcher(client.output()).find(),
        "Spark did not notice the lost " + killed + ":\n" + Launch.tail(client.log()));
    assertTrue(client.output().contains("round 0: Recall@1"), Launch.tail(client.log()));
    System.out.println("YarnIT: killed " + killed);

    SameRound.assertSame(hadoop.fs, CLUSTER_RUN, CLIENT_RUN, "after the executor loss");
  }

  static Map<String, Object> metrics(String run) throws IOException {
    return SameRound.metrics(hadoop.fs, run);
  }

  static String read(String path) throws IOException {
    try (InputStream in = hadoop.fs.open(new org.apache.hadoop.fs.Path(path))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
