package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console of a real {@code hardneg mine} whose failure arises inside a Spark task (a CSV row
 * wider than the parser's limit: Spark's executor logs the task's stack trace, the driver aborts
 * the job): run in its own JVM with the shipped {@code conf/log4j2.properties}, as {@code
 * deploy/bin/hardneg} starts it, because the test JVM's logging is configured otherwise. Without
 * {@code --stacktrace} stderr holds the one {@code hardneg:} line and no stack trace or Spark ERROR
 * line, and the log file ({@code -Dhardneg.logFile}) holds the traces; with it the trace is on the
 * console too. Both runs go at once (each is a ~20 s JVM start).
 */
class QuietConsoleTest {
  @TempDir Path tmp;

  @Test
  void aFailureInsideASparkTaskIsOneConsoleLineAndItsTraceGoesToTheLogFile() throws Exception {
    Path wide = tmp.resolve("too-wide.csv");
    Files.writeString(wide, "id,label,f0,f1\n1,0,0.5,1\n2,1" + ",1".repeat(20_500) + "\n");
    Process quiet = start("quiet", wide);
    Process loud = start("loud", wide, "--stacktrace");
    try {
      assertTrue(quiet.waitFor(240, TimeUnit.SECONDS), "quiet driver did not finish");
      assertTrue(loud.waitFor(240, TimeUnit.SECONDS), "--stacktrace driver did not finish");
    } finally {
      quiet.destroyForcibly();
      loud.destroyForcibly();
    }

    String err = Files.readString(tmp.resolve("quiet.err"));
    assertEquals(Main.BAD_INPUT, quiet.exitValue(), err);
    List<String> hardneg = err.lines().filter(l -> l.startsWith("hardneg:")).toList();
    assertEquals(1, hardneg.size(), err);
    assertTrue(
        hardneg.get(0).contains("too-wide.csv") && hardneg.get(0).contains("CSV parser's limits"),
        err);
    for (String l : err.lines().toList()) {
      assertTrue(
          !l.contains("\tat ")
              && !l.contains("Exception in")
              && !l.startsWith("Caused by")
              && !l.matches("\\d\\d:\\d\\d:\\d\\d ERROR .*"),
          "no trace, no ERROR line: " + l + "\nin:\n" + err);
    }
    String log = Files.readString(tmp.resolve("quiet.log"));
    assertTrue(
        log.contains("ERROR Executor: Exception in task")
            && log.contains("\tat ")
            && log.contains("TextParsingException"),
        "Spark's task trace in the log file");
    assertTrue(
        log.contains("ERROR failure: bad input: ") && log.contains("SparkException"),
        "the failure's own trace in the log file");

    String loudErr = Files.readString(tmp.resolve("loud.err"));
    assertEquals(Main.BAD_INPUT, loud.exitValue(), loudErr);
    assertEquals(1, loudErr.lines().filter(l -> l.startsWith("hardneg:")).count(), loudErr);
    assertTrue(
        loudErr.contains("\tat ") && loudErr.contains("TextParsingException"),
        "--stacktrace prints the trace: " + loudErr);
    String loudLog = Files.readString(tmp.resolve("loud.log"));
    assertEquals(
        1,
        loudLog.lines().filter(l -> l.contains("ERROR failure: bad input")).count(),
        "the log file gets the failure with --stacktrace too");
    assertTrue(!loudErr.contains("ERROR failure:"), "the failure logger stays off the console");
  }

  /** {@code hardneg mine} on {@code csv} in a JVM started as {@code deploy/bin/hardneg} does. */
  private Process start(String name, Path csv, String... more) throws Exception {
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
    cmd.add("-Dspark.ui.enabled=false");
    cmd.add(
        "-Dlog4j2.configurationFile="
            + Path.of("..", "conf", "log4j2.properties").toAbsolutePath());
    cmd.add("-Dhardneg.logFile=" + tmp.resolve(name + ".log"));
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "mine",
            "--set",
            "input.format=csv",
            "--set",
            "input.path=" + csv,
            "--set",
            "input.featuresColumn=all",
            "--out",
            tmp.resolve(name).toString(),
            "--master",
            "local[2]"));
    cmd.addAll(List.of(more));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(tmp.resolve(name + ".out").toFile())
            .redirectError(tmp.resolve(name + ".err").toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }
}
