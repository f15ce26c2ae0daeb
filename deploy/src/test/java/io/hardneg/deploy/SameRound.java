package io.hardneg.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.spark.run.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The cluster tests' check that a run which lost executors produced what an undisturbed run did:
 * round 0's model id, losses, metrics and triplet count, the model's coefficients and updater state
 * byte for byte, and the same triplet rows. Both runs are read through a Hadoop {@link FileSystem},
 * the local one or HDFS.
 */
final class SameRound {
  private SameRound() {}

  /** Asserts that run {@code got} has the same round 0 as run {@code want} ({@code when}: why). */
  static void assertSame(FileSystem fs, String want, String got, String when) throws IOException {
    Map<String, Object> w = metrics(fs, want);
    Map<String, Object> g = metrics(fs, got);
    for (String key :
        List.of("model", "train_losses", "train_loss", "recall_at_1", "map_at_r", "triplets")) {
      assertEquals(w.get(key), g.get(key), key + " " + when);
    }
    for (String entry : List.of("coefficients.bin", "updaterState.bin")) {
      assertArrayEquals(
          zipEntry(fs, want + "/round-000/model.zip", entry),
          zipEntry(fs, got + "/round-000/model.zip", entry),
          entry + " differs " + when);
    }
    SparkSession spark =
        SparkSession.builder()
            .master("local[1]")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .getOrCreate();
    try {
      List<String> wantRows = sortedRows(spark, fs, want);
      assertTrue(wantRows.size() > 100, "undisturbed triplets: " + wantRows.size());
      assertEquals(wantRows, sortedRows(spark, fs, got), "triplets " + when);
    } finally {
      spark.stop();
    }
  }

  /** Round 0's metrics.json of a run. */
  static Map<String, Object> metrics(FileSystem fs, String run) throws IOException {
    try (InputStream in = fs.open(new Path(run + "/round-000/metrics.json"))) {
      return Json.read(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  static byte[] zipEntry(FileSystem fs, String zip, String name) throws IOException {
    try (ZipInputStream in = new ZipInputStream(fs.open(new Path(zip)))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.getName().equals(name)) {
          return in.readAllBytes();
        }
      }
    }
    assertNotNull(null, zip + " has no " + name);
    return null;
  }

  private static List<String> sortedRows(SparkSession spark, FileSystem fs, String run) {
    return spark
        .read()
        .parquet(fs.makeQualified(new Path(run + "/round-000/triplets")).toString())
        .collectAsList()
        .stream()
        .map(Object::toString)
        .sorted()
        .toList();
  }
}
