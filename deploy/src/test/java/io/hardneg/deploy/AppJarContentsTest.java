package io.hardneg.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The application jar that spark-submit ships holds the job and its libraries, never the benchmarks
 * (spark-bench, miner-bench) or the test fixtures: a build that packs one in fails here, in the
 * test phase after spark-job's package.
 */
class AppJarContentsTest {
  private static final List<String> BANNED_PREFIXES =
      List.of(
          "io/hardneg/spark/bench/",
          "io/hardneg/bench/",
          "io/hardneg/core/fixtures/",
          "org/openjdk/jmh/");

  @Test
  void holdsTheJobButNoBenchmarkOrFixtureClass() throws IOException {
    Path jar =
        Path.of(
            System.getProperty(
                "hardneg.appJar", "../spark-job/target/spark-job-0.1.0-SNAPSHOT-app.jar"));
    assertTrue(
        Files.isRegularFile(jar),
        "no application jar at "
            + jar.toAbsolutePath()
            + ": package spark-job first (mvn -pl spark-job -am package)");
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      assertTrue(
          zip.getEntry("io/hardneg/spark/Main.class") != null,
          jar + " is not the application jar: it lacks io.hardneg.spark.Main");
      List<String> banned =
          zip.stream()
              .map(ZipEntry::getName)
              .filter(n -> n.endsWith(".class"))
              .filter(
                  n ->
                      BANNED_PREFIXES.stream().anyMatch(n::startsWith)
                          || n.startsWith("io/hardneg/")
                              && n.matches(".*/[^/$]*Bench(mark)?[^/]*\\.class"))
              .collect(Collectors.toList());
      assertEquals(List.of(), banned, "benchmark or fixture classes in " + jar);
    }
  }
}
