package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.data.VectorMath;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.config.Settings;
import io.hardneg.spark.io.Schemas;
import io.hardneg.spark.run.Json;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Two tiny rounds through real Spark local[2] and DL4J; every output is checked. */
class TrainJobRoundTest {
  static final double MARGIN = 0.2;
  @TempDir static Path tmp;
  static Path out;
  static TrainJob.Summary summary;
  static String printed;
  static SparkSession spark;

  static Settings settings(Path[] data, Path outDir, int rounds) {
    return new Settings()
        .set("input.images", data[0].toString(), "test")
        .set("input.labels", data[1].toString(), "test")
        .set("output", outDir.toString(), "test")
        .set("rounds", String.valueOf(rounds), "test")
        .set("model.hidden", "32", "test")
        .set("model.embeddingDim", "16", "test")
        .set("mining.margin", String.valueOf(MARGIN), "test")
        .set("mining.hardPerAnchor", "1", "test")
        .set("mining.semiHardPerAnchor", "1", "test")
        .set("mining.semiHardFallback", "nearest-beyond", "test")
        .set("train.epochsPerRound", "1", "test")
        .set("train.batchTriplets", "16", "test")
        .set("train.averagingFrequency", "5", "test")
        .set("spark.partitions", "3", "test");
  }

  @BeforeAll
  static void runTwoRounds() throws Exception {
    spark = SharedSpark.get();
    Path[] data = TinyData.write(tmp.resolve("in"), 600);
    out = tmp.resolve("run");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    summary =
        new TrainJob(
                spark,
                JobConfig.from(settings(data, out, 2)),
                new PrintStream(buf, true, StandardCharsets.UTF_8))
            .run();
    printed = buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void everyOutputFileIsThereAndSuccessIsWrittenLast() throws Exception {
    assertTrue(Files.isRegularFile(out.resolve("run.json")));
    assertTrue(Files.isRegularFile(out.resolve("baselines.json")));
    for (int r = 0; r < 2; r++) {
      Path round = out.resolve(String.format("round-%03d", r));
      for (String f : List.of("model.zip", "mining.json", "metrics.json", "_SUCCESS")) {
        assertTrue(Files.isRegularFile(round.resolve(f)), round + "/" + f);
      }
      assertTrue(Files.isDirectory(round.resolve("triplets")));
      long success = Files.getLastModifiedTime(round.resolve("_SUCCESS")).toMillis();
      try (Stream<Path> all = Files.walk(round)) {
        // Hadoop's .crc sidecar files are closed after their data file: not outputs
        for (Path p :
            all.filter(Files::isRegularFile)
                .filter(p -> !p.getFileName().toString().startsWith("."))
                .toList()) {
          assertTrue(Files.getLastModifiedTime(p).toMillis() <= success, p + " after _SUCCESS");
        }
      }
      Map<String, Object> metrics = Json.read(Files.readString(round.resolve("metrics.json")));
      double r1 = ((Number) metrics.get("recall_at_1")).doubleValue();
      assertTrue(r1 > 0.1 && r1 <= 1, "recall " + r1);
      Map<String, Object> mining = Json.read(Files.readString(round.resolve("mining.json")));
      assertTrue(((Number) mining.get("triplets")).longValue() > 0);
    }
    try (Stream<Path> top = Files.list(out)) {
      assertFalse(
          top.anyMatch(p -> p.getFileName().toString().startsWith("_tmp-")),
          "temporaries left behind");
    }
    assertTrue(printed.contains("Recall@1 raw pixels"), printed);
    assertTrue(printed.contains("round 1: Recall@1"), printed);
    Map<String, Object> run = Json.read(Files.readString(out.resolve("run.json")));
    assertEquals(42, ((Number) run.get("seed")).intValue());
  }

  @Test
  void aRerunResumesAfterTheLastCommittedRound() throws Exception {
    Path[] data = TinyData.write(tmp.resolve("in2"), 600);
    Path r0 = out.resolve("round-000/_SUCCESS");
    long before = Files.getLastModifiedTime(r0).toMillis();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    TrainJob.Summary again =
        new TrainJob(
                spark,
                JobConfig.from(settings(data, out, 3)),
                new PrintStream(buf, true, StandardCharsets.UTF_8))
            .run();
    String text = buf.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("resuming after committed round 1"), text);
    assertEquals(1, again.rounds().size(), "only round 2 runs");
    assertEquals(2, ((Number) again.rounds().get(0).round()).intValue());
    assertTrue(Files.isRegularFile(out.resolve("round-002/_SUCCESS")));
    assertEquals(before, Files.getLastModifiedTime(r0).toMillis(), "committed rounds untouched");
  }

  @Test
  void tripletsHaveTheContractSchema() {
    Dataset<Row> t = spark.read().parquet(out.resolve("round-000/triplets").toString());
    assertEquals(Schemas.TRIPLETS.size(), t.schema().size());
    for (StructField f : Schemas.TRIPLETS.fields()) {
      StructField g = t.schema().apply(f.name());
      assertEquals(f.dataType(), g.dataType(), f.name());
    }
    assertTrue(t.count() > 0);
  }

  @Test
  void triplestObeyTheMiningRuleAgainstRecomputedDistances() throws Exception {
    // round 1 mined with round 0's model: recompute its embeddings outside Spark
    MultiLayerNetwork net =
        ModelSerializer.restoreMultiLayerNetwork(
            new File(out.resolve("round-000/model.zip").toString()), false);
    Dataset<Row> t = spark.read().parquet(out.resolve("round-001/triplets").toString());
    List<Row> triplets = t.collectAsList();
    Map<String, Object> metrics0 =
        Json.read(Files.readString(out.resolve("round-000/metrics.json")));
    Path[] data = TinyData.write(tmp.resolve("check"), 600);
    io.hardneg.core.data.LabeledVectors items;
    try (var im = Files.newInputStream(data[0]);
        var lb = Files.newInputStream(data[1])) {
      items =
          io.hardneg.core.data.IdxReader.toLabeledVectors(
              io.hardneg.core.data.IdxReader.read(im, "im"),
              io.hardneg.core.data.IdxReader.read(lb, "lb"),
              "im",
              "lb");
    }
    INDArray emb = net.output(Nd4j.create(items.values(), new long[] {items.size(), 784}, 'c'));
    float[] e = emb.dup('c').data().asFloat();
    int d = (int) emb.size(1);
    Map<Long, Integer> row = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      row.put(items.ids()[i], i);
    }
    java.util.Set<Long> trainIds = new java.util.HashSet<>();
    for (Row r : triplets) {
      trainIds.add(r.getLong(r.fieldIndex("anchor")));
    }
    int checked = 0;
    for (Row r : triplets) {
      assertEquals(1, r.getInt(r.fieldIndex("round")));
      assertEquals(metrics0.get("model"), r.getString(r.fieldIndex("model")));
      int a = row.get(r.getLong(r.fieldIndex("anchor")));
      int p = row.get(r.getLong(r.fieldIndex("positive")));
      int n = row.get(r.getLong(r.fieldIndex("negative")));
      assertTrue(
          trainIds.contains(items.ids()[p]) && trainIds.contains(items.ids()[n]),
          "positives and negatives come from the training split");
      assertEquals(items.labels()[a], items.labels()[p]);
      assertTrue(items.labels()[a] != items.labels()[n]);
      assertEquals(items.labels()[n], r.getLong(r.fieldIndex("negative_label")));
      double dap = VectorMath.distance(e, a, e, p, d);
      double dan = VectorMath.distance(e, a, e, n, d);
      assertEquals(dap, r.getFloat(r.fieldIndex("d_ap")), 1e-4);
      assertEquals(dan, r.getFloat(r.fieldIndex("d_an")), 1e-4);
      double minNeg = Double.MAX_VALUE;
      for (int j = 0; j < items.size(); j++) {
        if (trainIds.contains(items.ids()[j]) && items.labels()[j] != items.labels()[a]) {
          minNeg = Math.min(minNeg, VectorMath.distance(e, a, e, j, d));
        }
      }
      String kind = r.getString(r.fieldIndex("kind"));
      switch (kind) {
        case "hard" -> assertEquals(minNeg, dan, 1e-4, "hard = nearest negative");
        case "semihard" ->
            assertTrue(dap < dan + 1e-5 && dan <= dap + MARGIN + 1e-5, "semi-hard rule: " + r);
        case "beyond" -> assertTrue(dan > dap - 1e-5, "nearest-beyond: " + r);
        default -> throw new AssertionError("unknown kind " + kind);
      }
      checked++;
    }
    assertTrue(checked > 400, "checked " + checked);
  }
}
