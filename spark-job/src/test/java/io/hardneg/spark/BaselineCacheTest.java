package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.model.EmbeddingNetworks;
import io.hardneg.core.model.ModelId;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.config.Settings;
import io.hardneg.spark.io.TableSource;
import io.hardneg.spark.result.Baselines;
import io.hardneg.spark.run.Json;
import io.hardneg.spark.stage.BaselineStage;
import io.hardneg.spark.stage.SplitStage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The baselines are computed once per input, split, seed and initial network: a second run reads
 * the cache entry (and says so), a changed seed or input misses it, and {@code eval.baselines =
 * skip} leaves them out of a run whose report still builds.
 */
class BaselineCacheTest {
  @TempDir static Path tmp;
  static SparkSession spark;
  static Path[] data;

  @BeforeAll
  static void data() throws Exception {
    spark = SharedSpark.get();
    data = TinyData.write(tmp.resolve("in"), 300);
  }

  static Settings settings(Path[] in, Path out) {
    return new Settings()
        .set("input.images", in[0].toString(), "test")
        .set("input.labels", in[1].toString(), "test")
        .set("output", out.toString(), "test")
        .set("model.hidden", "16", "test")
        .set("model.embeddingDim", "8", "test")
        .set("spark.partitions", "2", "test");
  }

  /** What a run's baselines step gives for {@code s}. */
  static Baselines measure(Settings s) throws Exception {
    JobConfig cfg = JobConfig.from(s);
    Dataset<Row> items = TableSource.load(spark, cfg.input(), cfg.partitions());
    SplitStage.Sides sides = SplitStage.split(items, null, cfg);
    MultiLayerNetwork net = EmbeddingNetworks.build(cfg.modelSpec(28 * 28), cfg.lossFunction());
    Baselines b =
        BaselineStage.measure(
            spark,
            cfg,
            new org.apache.hadoop.fs.Path(cfg.output()),
            sides.test(),
            null,
            TrainJob.bytes(net),
            ModelId.of(net));
    sides.train().unpersist();
    sides.test().unpersist();
    if (sides.validation() != null) {
      sides.validation().unpersist();
    }
    return b;
  }

  static List<Path> entries(Path cache) throws Exception {
    if (!Files.isDirectory(cache)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(cache)) {
      return s.filter(p -> p.getFileName().toString().startsWith("baselines-")).sorted().toList();
    }
  }

  @Test
  void aSecondRunReadsTheCacheAndAChangedSeedOrInputMissesIt() throws Exception {
    Path cache = tmp.resolve("cache");
    Settings first =
        settings(data, tmp.resolve("a")).set("eval.baselines.cache", cache.toString(), "t");
    Baselines computed = measure(first);
    assertEquals(Baselines.COMPUTED, computed.source());
    List<Path> one = entries(cache);
    assertEquals(1, one.size(), one.toString());
    assertTrue(Files.isRegularFile(one.get(0).resolve("_SUCCESS")));
    assertTrue(Files.readString(one.get(0).resolve("key.txt")).contains("seed=42"));

    Baselines again =
        measure(
            settings(data, tmp.resolve("b")).set("eval.baselines.cache", cache.toString(), "t"));
    assertEquals(Baselines.CACHED, again.source());
    assertEquals(computed.cacheKey(), again.cacheKey());
    assertEquals(computed.rawPixels(), again.rawPixels());
    assertEquals(computed.untrained(), again.untrained());

    // the entry's file is what a hit returns: an edited value comes back as edited
    Path json = one.get(0).resolve("baselines.json");
    Map<String, Object> m = Json.read(Files.readString(json));
    @SuppressWarnings("unchecked")
    Map<String, Object> raw = (Map<String, Object>) m.get("raw_pixels");
    raw.put("map_at_r", 0.123);
    Files.writeString(json, Json.write(m));
    Files.delete(one.get(0).resolve(".baselines.json.crc")); // Hadoop's checksum of the old bytes
    Baselines edited =
        measure(
            settings(data, tmp.resolve("c")).set("eval.baselines.cache", cache.toString(), "t"));
    assertEquals(Baselines.CACHED, edited.source());
    assertEquals(0.123, edited.rawPixels().mapAtR());

    // a corrupt entry (its checksum no longer matches) is computed again and replaced
    Files.writeString(json, "{\"raw_pixels\": ");
    Baselines recomputed =
        measure(
            settings(data, tmp.resolve("c2")).set("eval.baselines.cache", cache.toString(), "t"));
    assertEquals(Baselines.COMPUTED, recomputed.source());
    assertEquals(computed.rawPixels(), recomputed.rawPixels());
    assertEquals(
        Baselines.CACHED,
        measure(
                settings(data, tmp.resolve("c3"))
                    .set("eval.baselines.cache", cache.toString(), "t"))
            .source());

    Baselines otherSeed =
        measure(
            settings(data, tmp.resolve("d"))
                .set("eval.baselines.cache", cache.toString(), "t")
                .set("seed", "7", "t"));
    assertEquals(Baselines.COMPUTED, otherSeed.source());
    assertNotEquals(computed.cacheKey(), otherSeed.cacheKey());

    // the same bytes rewritten later: another modification time, another input for the cache
    Files.setLastModifiedTime(
        data[1], FileTime.fromMillis(Files.getLastModifiedTime(data[1]).toMillis() + 5000));
    Baselines touched =
        measure(
            settings(data, tmp.resolve("e")).set("eval.baselines.cache", cache.toString(), "t"));
    assertEquals(Baselines.COMPUTED, touched.source());
    assertNotEquals(computed.cacheKey(), touched.cacheKey());
    // computed from the same rows: the same numbers as the first computation
    assertEquals(computed.rawPixels(), touched.rawPixels());
    assertEquals(computed.untrained(), touched.untrained());
    assertEquals(3, entries(cache).size());
  }

  @Test
  void theDefaultCacheLiesBesideTheRunAndOffWritesNone() throws Exception {
    Path parent = tmp.resolve("runs");
    Baselines b = measure(settings(data, parent.resolve("x")));
    assertEquals(1, entries(parent.resolve(".hardneg-cache")).size());
    Baselines off =
        measure(
            settings(data, tmp.resolve("offs").resolve("y"))
                .set("eval.baselines.cache", "off", "t"));
    assertEquals(Baselines.COMPUTED, off.source());
    assertNull(off.cacheKey());
    assertFalse(Files.exists(tmp.resolve("offs").resolve(".hardneg-cache")));
    assertEquals(b.rawPixels(), off.rawPixels());
  }

  @Test
  void skippedBaselinesLeaveNoFileAndTheReportStillBuilds() throws Exception {
    Path out = tmp.resolve("skip").resolve("run");
    Settings s =
        settings(data, out)
            .set("eval.baselines", "skip", "t")
            .set("rounds", "1", "t")
            .set("train.epochsPerRound", "1", "t")
            .set("train.batchTriplets", "16", "t");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    TrainJob.Summary summary =
        new TrainJob(spark, JobConfig.from(s), new PrintStream(buf, true, StandardCharsets.UTF_8))
            .run();
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertNull(summary.rawPixels());
    assertNull(summary.untrained());
    assertFalse(Files.exists(out.resolve("baselines.json")));
    assertFalse(Files.exists(out.getParent().resolve(".hardneg-cache")));
    assertTrue(printed.contains("baselines skipped"), printed);
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("round 0"), "the summary table lists the round");
    assertFalse(html.contains("raw pixels"), "no baseline row or line");
  }
}
