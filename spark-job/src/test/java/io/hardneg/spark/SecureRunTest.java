package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hardneg mine} in its own driver JVM with Spark's security switched on: RPC authentication
 * ({@code spark.authenticate}, a secret generated per application in local mode), AES-based RPC
 * encryption ({@code spark.network.crypto.enabled}), encryption of shuffle and spill files ({@code
 * spark.io.encryption.enabled}) and Kryo with {@code registrationRequired}. It must finish and mine
 * exactly the triplets of the same job on the shared (unsecured) session. A second driver JVM
 * because a SparkContext's security settings are fixed at start and the test JVM holds one context.
 */
class SecureRunTest {
  @TempDir Path tmp;

  @Test
  void miningWithAuthenticationAndEncryptionOnEqualsThePlainRun() throws Exception {
    Path[] data = TinyData.write(tmp.resolve("in"), 120);
    String[] job = {
      "mine",
      "--set",
      "input.images=" + data[0],
      "--set",
      "input.labels=" + data[1],
      "--set",
      "mining.search=tiled",
      "--set",
      "mining.tiles=3",
      "--set",
      "spark.partitions=3"
    };
    Path plain = tmp.resolve("plain");
    List<String> a = new ArrayList<>(List.of(job));
    a.addAll(List.of("--out", plain.toString()));
    SharedSpark.get();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(
        Main.OK,
        Main.run(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            a.toArray(new String[0])),
        err.toString(StandardCharsets.UTF_8));

    Path secure = tmp.resolve("secure");
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
    // Spark's SecurityManager says at INFO whether authentication is on
    Path log4j = tmp.resolve("log4j2-security.properties");
    Files.writeString(
        log4j,
        String.join(
            "\n",
            "rootLogger.level = warn",
            "rootLogger.appenderRef.stdout.ref = console",
            "appender.console.type = Console",
            "appender.console.name = console",
            "appender.console.layout.type = PatternLayout",
            "appender.console.layout.pattern = %c{1}: %m%n",
            "logger.security.name = org.apache.spark.SecurityManager",
            "logger.security.level = info",
            ""));
    cmd.add("-Dlog4j2.configurationFile=" + log4j);
    // SparkConf reads spark.* system properties: the settings of conf/spark-defaults.conf's
    // security section
    cmd.add("-Dspark.authenticate=true");
    cmd.add("-Dspark.network.crypto.enabled=true");
    cmd.add("-Dspark.io.encryption.enabled=true");
    cmd.add("-Dspark.kryo.registrationRequired=true");
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(job));
    cmd.addAll(List.of("--out", secure.toString(), "--master", "local[2]"));
    Path log = tmp.resolve("secure-driver.log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    try {
      assertTrue(p.waitFor(240, TimeUnit.SECONDS), "secure driver did not finish");
    } finally {
      p.destroyForcibly();
    }
    String out = Files.readString(log);
    assertEquals(Main.OK, p.exitValue(), out);
    assertTrue(out.contains("authentication enabled"), "Spark's SecurityManager line: " + out);
    var spark = SharedSpark.get();
    List<String> want =
        spark
            .read()
            .parquet(plain.resolve("triplets").toString())
            .drop("model")
            .orderBy("anchor", "positive", "negative")
            .collectAsList()
            .stream()
            .map(Row::toString)
            .toList();
    List<String> got =
        spark
            .read()
            .parquet(secure.resolve("triplets").toString())
            .drop("model")
            .orderBy("anchor", "positive", "negative")
            .collectAsList()
            .stream()
            .map(Row::toString)
            .toList();
    assertTrue(want.size() > 100, "too few triplets to compare: " + want.size());
    assertEquals(want, got);
  }
}
