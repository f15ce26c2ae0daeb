package io.hardneg.spark;

import static io.hardneg.spark.ReliabilityTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: a small tmpfs is mounted under the test's directory and the output of {@code
 * hardneg mine} and of a {@code train} round is put on it. The write fails with ENOSPC (Hadoop's
 * local file system raises it as {@code FSError}, an Error; inside a Spark task writing Parquet it
 * reaches the driver wrapped in a SparkException). Each run must end with exit 4 and one stderr
 * line naming the output and the full disk, leave no {@code _tmp-*} directory, publish nothing, and
 * leave the earlier committed output on the same disk byte for byte as it was. Mounting needs root
 * (CAP_SYS_ADMIN); elsewhere the test is skipped.
 */
class DiskFullTest {
  @TempDir Path tmp;

  @Test
  void mineOnAFullDiskIsExitFourNamingTheOutputAndLeavesNothing() throws Exception {
    Path[] data = TinyData.write(tmp.resolve("in"), 120);
    Path disk = mount(tmp.resolve("disk"), "4m");
    try {
      Path first = disk.resolve("mined-a");
      var ok = cli(mine(data, first));
      assertEquals(Main.OK, ok.code(), ok.err());
      Map<String, String> before = snapshot(first);
      fill(disk, 0);
      Path second = disk.resolve("mined-b");
      // the triplets are the first write: Parquet inside a Spark task (the executor's FSError)
      var o = cli(mine(data, second));
      assertFullDisk(o, second.toString());
      assertFalse(Files.exists(second), "nothing published");
      assertEquals(List.of("filler", "mined-a"), names(disk), "no _tmp-* left");
      assertEquals(before, snapshot(first), "the committed output is untouched");
    } finally {
      unmount(disk);
    }
  }

  @Test
  void aTrainRoundOnAFullDiskIsExitFourAndRoundZeroStaysCommitted() throws Exception {
    Path[] data = TinyData.write(tmp.resolve("in"), 240);
    Path disk = mount(tmp.resolve("disk"), "4m");
    try {
      Path run = disk.resolve("run");
      Settings one = TrainJobRoundTest.settings(data, run, 1);
      new TrainJob(SharedSpark.get(), JobConfig.from(one), quiet()).run();
      Map<String, String> before = snapshot(run);
      long model = Files.size(run.resolve("round-000/model.zip"));
      long triplets = du(run.resolve("round-000/triplets"));
      // room for the probe file and round 1's triplets (a Spark write), not for its model.zip
      // (written on the driver: Hadoop's FSError there)
      long room = triplets + 16 * 4096;
      assumeTrue(
          room < model,
          "model.zip ("
              + model
              + " B) must outgrow the triplets ("
              + triplets
              + " B) for the driver-side write to be the one that fails");
      fill(disk, room);
      List<String> args = new ArrayList<>(List.of("train", "--out", run.toString()));
      for (var e : TrainJobRoundTest.settings(data, run, 2).given().entrySet()) {
        if (!e.getKey().equals("output")) {
          args.addAll(List.of("--set", e.getKey() + "=" + e.getValue()));
        }
      }
      var o = cli(args.toArray(new String[0]));
      assertFullDisk(o, run.toString());
      assertTrue(o.err().contains("model.zip"), "the driver's write of model.zip: " + o.err());
      assertEquals(
          before,
          snapshot(run),
          "round 0 and the run files untouched, no _tmp-*, " + "no round-001");
    } finally {
      unmount(disk);
    }
  }

  private static void assertFullDisk(ReliabilityTest.Outcome o, String output) {
    assertEquals(Main.OUTPUT, o.code(), o.err());
    List<String> lines = o.err().strip().lines().toList();
    assertEquals(1, lines.size(), "one line: " + o.err());
    assertTrue(
        lines.get(0).startsWith("hardneg: output not writable")
            && lines.get(0).contains(output)
            && lines.get(0).contains("No space left on device"),
        "names the output and the full disk: " + o.err());
    System.out.println("disk full: " + lines.get(0)); // the line the user sees, for the record
  }

  private static String[] mine(Path[] data, Path out) {
    return new String[] {
      "mine",
      "--set",
      "input.images=" + data[0],
      "--set",
      "input.labels=" + data[1],
      "--set",
      "spark.partitions=3",
      "--out",
      out.toString()
    };
  }

  /** Mounts a tmpfs of {@code size} on {@code dir}; skips the test where that is not allowed. */
  private static Path mount(Path dir, String size) throws Exception {
    Files.createDirectories(dir);
    String why = exec("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
    assumeTrue(
        why == null,
        "a full disk is simulated by mounting a small tmpfs, which needs "
            + "root (CAP_SYS_ADMIN); mount said: "
            + why);
    return dir;
  }

  private static void unmount(Path dir) throws Exception {
    if (exec("umount", dir.toString()) != null) {
      exec("umount", "-l", dir.toString()); // a file Spark still holds open: detach lazily
    }
  }

  /** Runs a command; null when it exits 0, else its output. */
  private static String exec(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", cmd));
    return p.exitValue() == 0 ? null : out.strip() + " (exit " + p.exitValue() + ")";
  }

  /** Fills the disk with {@code disk/filler} until at most {@code leave} bytes are free. */
  private static void fill(Path disk, long leave) throws IOException {
    byte[] chunk = new byte[4096];
    try (OutputStream out = Files.newOutputStream(disk.resolve("filler"))) {
      while (Files.getFileStore(disk).getUsableSpace() > leave) {
        out.write(chunk);
        out.flush();
      }
    } catch (IOException e) {
      assertTrue(
          leave == 0 && String.valueOf(e.getMessage()).contains("No space left"), e.toString());
    }
  }

  /** Relative path → SHA-256 of every file under {@code dir}. */
  private static Map<String, String> snapshot(Path dir) throws Exception {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        m.put(
            dir.relativize(p).toString(),
            HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
      }
    }
    return m;
  }

  /** Bytes of the pages the files under {@code dir} take. */
  private static long du(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      long pages = 0;
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        pages += (Files.size(p) + 4095) / 4096;
      }
      return pages * 4096;
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }
}
