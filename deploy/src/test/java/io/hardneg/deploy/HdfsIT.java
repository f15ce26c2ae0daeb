package io.hardneg.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.spark.run.Json;
import io.hardneg.spark.run.Promotion;
import io.hardneg.spark.run.RunDirectory;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real HDFS (a NameNode and a DataNode from {@code hadoop-client-minicluster} 3.3.4, Spark
 * 3.5.9's Hadoop version, on 127.0.0.1) holding both the input and the run directory of a job
 * submitted with the application jar (Spark local mode, its own JVM). First a scheduled run is
 * "interrupted" after one round (submitted with rounds=1 into a run directory under the retraining
 * root); then {@code deploy/schedule/retrain.sh} picks that undecided run, resumes it from the
 * round committed on HDFS, trains round 1 and promotes it to the {@code current} pointer. The run
 * directory's commit protocol and the pointer's atomic replacement are also exercised directly
 * against HDFS.
 */
class HdfsIT {
  static MiniDFSCluster dfs;
  static FileSystem fs;
  static String base;
  static java.nio.file.Path work;
  static Launch.Result first;
  static Launch.Result second;

  @BeforeAll
  static void startHdfsAndRunAScheduledJob() throws Exception {
    Launch.appJar();
    Launch.requireResolvableHostname();
    work =
        java.nio.file.Path.of(System.getProperty("hardneg.work", "target/it"))
            .resolve("hdfs-" + System.currentTimeMillis())
            .toAbsolutePath();
    Files.createDirectories(work);
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, work.resolve("dfs").toString());
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    dfs.waitActive();
    fs = dfs.getFileSystem();
    base = "hdfs://127.0.0.1:" + dfs.getNameNodePort();

    java.nio.file.Path[] local = TinyInput.write(work.resolve("in"), 500);
    fs.mkdirs(new Path("/data"));
    fs.copyFromLocalFile(new Path(local[0].toString()), new Path("/data/images"));
    fs.copyFromLocalFile(new Path(local[1].toString()), new Path("/data/labels"));
    java.nio.file.Path conf1 = work.resolve("job.conf");
    Files.writeString(
        conf1,
        // the default training mode (pk, with class labels) through spark-submit and HDFS
        TinyInput.jobConf(2, "auto")
            + "input.images = "
            + base
            + "/data/images\n"
            + "input.labels = "
            + base
            + "/data/labels\n");
    String sparkOpts =
        "--master local[2] --conf spark.ui.enabled=false"
            + " --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1";
    first =
        Launch.run(
            work.resolve("first.log"),
            300,
            Map.of("HARDNEG_DRIVER_MEMORY", "1500m"),
            "bash",
            "-c",
            Launch.script("submit")
                + " "
                + sparkOpts
                + " train --conf "
                + conf1
                + " --set rounds=1 --out "
                + base
                + RUN);
    second =
        Launch.run(
            work.resolve("second.log"),
            300,
            Map.of(
                "HARDNEG_DRIVER_MEMORY",
                "1500m",
                "HARDNEG_RETRAIN_ROOT",
                base + "/retrain",
                "HARDNEG_RETRAIN_CONF",
                conf1.toString(),
                "HARDNEG_SUBMIT_OPTS",
                sparkOpts,
                "HARDNEG_RETRAIN_LOCK",
                work.resolve("retrain.lock").toString()),
            Launch.ROOT.resolve("deploy/schedule/retrain.sh").toString());
  }

  /** The interrupted scheduled run. */
  static final String RUN = "/retrain/runs/20260101-030000";

  @AfterAll
  static void stopHdfs() {
    if (dfs != null) {
      dfs.shutdown(true);
    }
  }

  @Test
  void aScheduledRunResumesOnHdfsCommitsAndIsPromoted() throws Exception {
    assertEquals(0, first.exitCode(), "first run failed:\n" + Launch.tail(first.log()));
    assertEquals(0, second.exitCode(), "retrain.sh failed:\n" + Launch.tail(second.log()));
    assertTrue(first.output().contains("outputs: " + base + RUN), first.output());
    assertTrue(
        second.output().contains("resuming after committed round 0 in " + base + RUN),
        second.output());
    assertFalse(second.output().contains("round 0: Recall@1"), "round 0 is not redone");
    assertTrue(second.output().contains("PROMOTED " + base + RUN + " round 1"), second.output());
    Map<String, Object> current = Json.read(read(new Path("/retrain/current")));
    assertEquals(base + RUN, current.get("run"));
    assertEquals(1, ((Number) current.get("round")).intValue());
    assertTrue(
        fs.isFile(new Path(URI.create(String.valueOf(current.get("model"))).getPath())),
        current.toString());
    assertTrue(fs.isFile(new Path(RUN, "promotion.json")));
    Path root = new Path(RUN);
    for (int r = 0; r < 2; r++) {
      Path round = new Path(root, String.format("round-%03d", r));
      for (String f : List.of("model.zip", "metrics.json", "mining.json", "_SUCCESS")) {
        assertTrue(fs.isFile(new Path(round, f)), round + "/" + f + " on HDFS");
      }
      FileStatus[] parts = fs.globStatus(new Path(round, "triplets/part-*.parquet"));
      assertTrue(parts.length > 0, "parquet triplets in " + round);
      Map<String, Object> m = Json.read(read(new Path(round, "metrics.json")));
      assertEquals(r, ((Number) m.get("round")).intValue());
      assertTrue(((Number) m.get("triplets")).longValue() > 0);
    }
    for (FileStatus s : fs.listStatus(root)) {
      assertFalse(s.getPath().getName().startsWith("_tmp-"), "temporary left: " + s.getPath());
    }
    Map<String, Object> run = Json.read(read(new Path(root, "run.json")));
    assertTrue(String.valueOf(run.get("input")).contains(base + "/data/images"), run.toString());
  }

  @Test
  void theRoundCommitProtocolHoldsOnHdfs() throws Exception {
    RunDirectory dir = new RunDirectory(dfs.getConfiguration(0), base + "/protocol");
    dir.prepare();
    assertEquals(-1, dir.lastCommittedRound());
    Path tmp = dir.beginRound(0);
    assertTrue(tmp.getName().startsWith("_tmp-round-000-"), tmp.toString());
    dir.writeText(new Path(tmp, "metrics.json"), "{}");
    assertEquals(-1, dir.lastCommittedRound(), "a temporary is not a round");
    Path committed = dir.commitRound(tmp, 0);
    assertEquals(dir.round(0), committed);
    assertFalse(fs.exists(tmp), "the temporary was renamed, not copied");
    assertTrue(fs.isFile(new Path(committed, RunDirectory.SUCCESS)));
    assertEquals(0, dir.lastCommittedRound());

    // a crash between mkdir and commit: round-001 without _SUCCESS and a temporary
    fs.mkdirs(dir.round(1));
    fs.create(new Path(dir.round(1), "metrics.json")).close();
    Path leftover = dir.beginRound(1);
    assertEquals(0, dir.lastCommittedRound(), "a round without _SUCCESS does not exist");
    dir.prepare();
    assertFalse(fs.exists(leftover), "prepare removes temporaries");
    Path again = dir.beginRound(1);
    dir.writeText(new Path(again, "metrics.json"), "{\"round\":1}");
    dir.commitRound(again, 1);
    assertEquals(1, dir.lastCommittedRound());
    assertEquals(
        "{\"round\":1}",
        read(new Path(dir.round(1), "metrics.json")),
        "the commit replaced the uncommitted leftover");

    dir.writeAtomically("run.json", "first");
    dir.writeAtomically("run.json", "second");
    assertEquals("second", read(new Path(dir.root(), "run.json")));
    List<String> names = new ArrayList<>();
    for (FileStatus s : fs.listStatus(dir.root())) {
      names.add(s.getPath().getName());
    }
    assertEquals(List.of("round-000", "round-001", "run.json"), names.stream().sorted().toList());
  }

  /**
   * Disk full (docs/reliability.md): an HDFS space quota on a run directory with one committed
   * round. The next round's write fails with a message naming the file and the quota; the committed
   * round is untouched and still the last one, and a rerun's prepare removes the failed temporary.
   */
  @Test
  void aFullDiskFailsTheRoundWriteAndLeavesEarlierRoundsIntact() throws Exception {
    RunDirectory dir = new RunDirectory(dfs.getConfiguration(0), base + "/full");
    dir.prepare();
    byte[] model = new byte[4096];
    new java.util.Random(3).nextBytes(model);
    Path tmp0 = dir.beginRound(0);
    dir.writeBytes(new Path(tmp0, "model.zip"), model);
    dir.commitRound(tmp0, 0);
    // quota = what is used now: the next block HDFS allocates exceeds it
    long used = fs.getContentSummary(new Path("/full")).getSpaceConsumed();
    ((org.apache.hadoop.hdfs.DistributedFileSystem) fs)
        .setQuota(
            new Path("/full"),
            org.apache.hadoop.hdfs.protocol.HdfsConstants.QUOTA_DONT_SET,
            used + 1024);
    try {
      Path tmp1 = dir.beginRound(1);
      io.hardneg.spark.run.OutputException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              io.hardneg.spark.run.OutputException.class,
              () -> dir.writeBytes(new Path(tmp1, "model.zip"), model));
      assertTrue(
          e.getMessage().contains("model.zip") && e.getMessage().contains("uota"), e.getMessage());
      assertEquals(0, dir.lastCommittedRound(), "the failed round is not visible");
      assertFalse(fs.exists(dir.round(1)));
      assertTrue(fs.isFile(new Path(dir.round(0), RunDirectory.SUCCESS)));
      try (var in = fs.open(new Path(dir.round(0), "model.zip"))) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(
            model, in.readAllBytes(), "round 0 intact");
      }
    } finally {
      ((org.apache.hadoop.hdfs.DistributedFileSystem) fs)
          .setQuota(
              new Path("/full"),
              org.apache.hadoop.hdfs.protocol.HdfsConstants.QUOTA_DONT_SET,
              org.apache.hadoop.hdfs.protocol.HdfsConstants.QUOTA_RESET);
    }
    dir.prepare();
    for (FileStatus s : fs.listStatus(dir.root())) {
      assertFalse(s.getPath().getName().startsWith("_tmp-"), "left: " + s.getPath());
    }
  }

  @Test
  void thePointerIsReplacedAtomicallyOnHdfs() throws Exception {
    String root = base + "/promote";
    String a = fakeRun(root + "/runs/a", 0.5);
    String b = fakeRun(root + "/runs/b", 0.4);
    String c = fakeRun(root + "/runs/c", 0.6);
    Promotion p = new Promotion(dfs.getConfiguration(0), root);
    assertTrue(p.decide(a, Promotion.Metric.RECALL_AT_1, 0).promoted());
    assertFalse(p.decide(b, Promotion.Metric.RECALL_AT_1, 0).promoted());
    assertEquals(a, p.current().run());
    // HDFS's plain rename refuses an existing target: this needs the overwriting rename2
    assertTrue(p.decide(c, Promotion.Metric.RECALL_AT_1, 0).promoted());
    assertEquals(c, p.current().run());
    List<String> names = new ArrayList<>();
    for (FileStatus s : fs.listStatus(new Path(root))) {
      names.add(s.getPath().getName());
    }
    assertEquals(List.of("current", "runs"), names.stream().sorted().toList());
    assertTrue(fs.isFile(new Path(a.substring(base.length()) + "/round-000/metrics.json")));
  }

  static String fakeRun(String dir, double recall) throws IOException {
    RunDirectory rd = new RunDirectory(dfs.getConfiguration(0), dir);
    rd.prepare();
    Path tmp = rd.beginRound(0);
    rd.writeText(new Path(tmp, "metrics.json"), Json.write(Map.of("recall_at_1", recall)));
    rd.commitRound(tmp, 0);
    return rd.root().toString();
  }

  static String read(Path p) throws IOException {
    try (var in = fs.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
