package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.spark.io.Schemas;
import io.hardneg.spark.run.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hardneg mine} through the CLI: triplets, mining.json with histograms, _SUCCESS. */
class MineJobTest {
  @TempDir Path tmp;

  @Test
  void mineWritesTripletsAndStatisticsAndRefusesToOverwrite() throws Exception {
    SharedSpark.get();
    Path[] data = TinyData.write(tmp.resolve("in"), 200);
    Path out = tmp.resolve("mined");
    String[] args = {
      "mine",
      "--set",
      "input.images=" + data[0],
      "--set",
      "input.labels=" + data[1],
      "--set",
      "mining.search=ivf",
      "--set",
      "mining.ivf.nlist=4",
      "--set",
      "mining.ivf.nprobe=2",
      "--set",
      "mining.recallSample=50",
      "--out",
      out.toString()
    };
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code =
        Main.run(
            new PrintStream(o, true, StandardCharsets.UTF_8),
            new PrintStream(e, true, StandardCharsets.UTF_8),
            args);
    assertEquals(Main.OK, code, e.toString(StandardCharsets.UTF_8));
    assertTrue(Files.isRegularFile(out.resolve("_SUCCESS")));
    Map<String, Object> m = Json.read(Files.readString(out.resolve("mining.json")));
    assertEquals(200, ((Number) m.get("anchors")).intValue());
    assertEquals("raw", m.get("model"));
    @SuppressWarnings("unchecked")
    Map<String, Object> hist = (Map<String, Object>) m.get("histograms");
    @SuppressWarnings("unchecked")
    List<Number> counts = (List<Number>) ((Map<String, Object>) hist.get("d_an")).get("counts");
    long total = counts.stream().mapToLong(Number::longValue).sum();
    assertEquals(((Number) m.get("triplets")).longValue(), total, "histogram covers every triplet");
    @SuppressWarnings("unchecked")
    Map<String, Object> search = (Map<String, Object>) m.get("search");
    assertEquals("ivf", search.get("placement"));
    Dataset<Row> t = SharedSpark.get().read().parquet(out.resolve("triplets").toString());
    assertEquals(Schemas.TRIPLETS.size(), t.schema().size());
    assertEquals(total, t.count());
    try (var files = Files.list(out)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith("_tmp-")));
    }
    try (var files = Files.list(tmp)) {
      assertTrue(
          files.noneMatch(p -> p.getFileName().toString().startsWith("_tmp-")),
          "the temporary beside the output was renamed away");
    }
    // a second run into the same directory is refused (a usage error: choose another --out),
    // the first output stays intact
    ByteArrayOutputStream e2 = new ByteArrayOutputStream();
    assertEquals(
        Main.USAGE,
        Main.run(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(e2, true, StandardCharsets.UTF_8),
            args));
    assertTrue(e2.toString(StandardCharsets.UTF_8).contains("already holds"), e2.toString());
    assertEquals(
        total, SharedSpark.get().read().parquet(out.resolve("triplets").toString()).count());
  }

  private static String[] mine(Path[] data, Path out, String... more) {
    List<String> a =
        new java.util.ArrayList<>(
            List.of(
                "mine",
                "--set",
                "input.images=" + data[0],
                "--set",
                "input.labels=" + data[1],
                "--out",
                out.toString()));
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  private static int run(ByteArrayOutputStream err, String... args) {
    return Main.run(
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        args);
  }

  /**
   * The state an earlier, multi-rename publish left when killed between its renames: triplets and
   * mining.json in the output but no _SUCCESS. The rerun refuses naming it and writes nothing into
   * it (it used to nest a second copy as triplets/triplets/); once the leftover is removed the same
   * command publishes.
   */
  @Test
  void anOutputLeftBetweenRenamesIsRefusedNeverWrittenInto() throws Exception {
    SharedSpark.get();
    Path[] data = TinyData.write(tmp.resolve("in"), 120);
    Path out = tmp.resolve("mined");
    Path staleTriplets = Files.createDirectories(out.resolve("triplets"));
    Files.writeString(staleTriplets.resolve("part-00000.parquet"), "stale");
    Files.writeString(out.resolve("mining.json"), "{\"stale\": true}");
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    assertEquals(Main.USAGE, run(e, mine(data, out)));
    String err = e.toString(StandardCharsets.UTF_8);
    assertTrue(
        err.contains(out.toString())
            && err.contains("unfinished earlier output")
            && err.contains("[mining.json, triplets]"),
        err);
    assertEquals(1, err.strip().lines().count(), "one line: " + err);
    assertFalse(Files.exists(out.resolve("triplets/triplets")), "nothing nested");
    try (var files = Files.list(staleTriplets)) {
      assertEquals(1, files.count(), "the stale triplets are untouched");
    }
    assertEquals("{\"stale\": true}", Files.readString(out.resolve("mining.json")));
    try (var files = Files.list(tmp)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith("_tmp-")));
    }

    // removed by the operator: the rerun publishes a complete output
    Files.walk(out).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    assertEquals(Main.OK, run(new ByteArrayOutputStream(), mine(data, out)));
    assertTrue(Files.isRegularFile(out.resolve("_SUCCESS")));
    assertEquals(
        120,
        ((Number) Json.read(Files.readString(out.resolve("mining.json"))).get("anchors"))
            .intValue());
    assertFalse(Files.exists(out.resolve("triplets/triplets")));
  }

  /** A run failing after its temporary directory exists removes it; nothing is published. */
  @Test
  void aFailingRunRemovesItsTemporaryDirectory() throws Exception {
    SharedSpark.get();
    Path[] data = TinyData.write(tmp.resolve("in"), 60);
    Path out = tmp.resolve("mined");
    Path model = Files.writeString(tmp.resolve("model.zip"), "not a zip");
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    assertEquals(Main.BAD_INPUT, run(e, mine(data, out, "--model", model.toString())));
    assertTrue(e.toString(StandardCharsets.UTF_8).contains("model.zip"), e.toString());
    assertFalse(Files.exists(out), "nothing published");
    try (var files = Files.list(tmp)) {
      assertTrue(
          files.noneMatch(p -> p.getFileName().toString().startsWith("_tmp-")),
          "the temporary directory is removed");
    }
  }

  /** The model id of mine is the id training gave the same model (parameters, not the zip). */
  @Test
  void mineNamesAModelByTheIdTrainingGaveIt() throws Exception {
    SharedSpark.get();
    Path[] data = TinyData.write(tmp.resolve("in"), 40);
    org.deeplearning4j.nn.multilayer.MultiLayerNetwork net =
        io.hardneg.core.model.EmbeddingNetworks.build(
            new io.hardneg.core.model.ModelSpec(
                io.hardneg.core.model.Architecture.MLP, 784, new int[] {8}, 4, 1e-3, 3));
    Path model = tmp.resolve("model.zip");
    org.deeplearning4j.util.ModelSerializer.writeModel(net, model.toFile(), true);
    Path out = tmp.resolve("mined");
    assertEquals(
        Main.OK, run(new ByteArrayOutputStream(), mine(data, out, "--model", model.toString())));
    String id = io.hardneg.core.model.ModelId.of(net);
    assertEquals(id, Json.read(Files.readString(out.resolve("mining.json"))).get("model"));
    Dataset<Row> t = SharedSpark.get().read().parquet(out.resolve("triplets").toString());
    assertEquals(
        List.of(id),
        t.select("model").distinct().collectAsList().stream().map(r -> r.getString(0)).toList());
  }
}
