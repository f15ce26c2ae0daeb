package io.hardneg.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.spark.run.Json;
import io.hardneg.spark.run.RunDirectory;
import java.io.IOException;
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
 * submitted with the application jar through {@code deploy/bin/submit} (Spark local mode, its
 * own JVM). The job is run for one round and then rerun for two, so the second run resumes from
 * the round committed on HDFS. The run directory's commit protocol is also exercised directly
 * against HDFS: hidden temporaries, rounds without {@code _SUCCESS}, the replacing rename.
 */
class HdfsIT {
  static MiniDFSCluster dfs;
  static FileSystem fs;
  static String base;
  static java.nio.file.Path work;
  static Launch.Result first;
  static Launch.Result second;

  @BeforeAll
  static void startHdfsAndRunTheJobTwice() throws Exception {
    Launch.appJar();
    work = java.nio.file.Path.of(System.getProperty("hardneg.work", "target/it"))
        .resolve("hdfs-" + System.currentTimeMillis()).toAbsolutePath();
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
    Files.writeString(conf1, TinyInput.jobConf(1) + "input.images = " + base + "/data/images\n"
        + "input.labels = " + base + "/data/labels\n" + "output = " + base + "/runs/r1\n");
    first = submit("first.log", conf1, "rounds=1");
    second = submit("second.log", conf1, "rounds=2");
  }

  static Launch.Result submit(String log, java.nio.file.Path conf, String rounds)
      throws Exception {
    return Launch.run(work.resolve(log), 300, Map.of("HARDNEG_DRIVER_MEMORY", "1500m"),
        Launch.script("submit"), "--master", "local[2]",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.driver.bindAddress=127.0.0.1",
        "train", "--conf", conf.toString(), "--set", rounds);
  }

  @AfterAll
  static void stopHdfs() {
    if (dfs != null) {
      dfs.shutdown(true);
    }
  }

  @Test
  void theJobReadsAndCommitsOnHdfsAndTheRerunResumes() throws Exception {
    assertEquals(0, first.exitCode(), "first run failed:\n" + Launch.tail(first.log()));
    assertEquals(0, second.exitCode(), "second run failed:\n" + Launch.tail(second.log()));
    assertTrue(first.output().contains("outputs: " + base + "/runs/r1"), first.output());
    assertTrue(second.output().contains("resuming after committed round 0 in " + base
        + "/runs/r1"), second.output());
    assertFalse(second.output().contains("round 0: Recall@1"), "round 0 is not redone");
    Path root = new Path("/runs/r1");
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
    assertEquals("{\"round\":1}", read(new Path(dir.round(1), "metrics.json")),
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

  static String read(Path p) throws IOException {
    try (var in = fs.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
