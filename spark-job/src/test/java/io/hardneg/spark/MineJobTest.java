package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    String[] args = {"mine", "--set", "input.images=" + data[0], "--set",
        "input.labels=" + data[1], "--set", "mining.search=ivf", "--set", "mining.ivf.nlist=4",
        "--set", "mining.ivf.nprobe=2", "--set", "mining.recallSample=50", "--out",
        out.toString()};
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code = Main.run(new PrintStream(o, true, StandardCharsets.UTF_8),
        new PrintStream(e, true, StandardCharsets.UTF_8), args);
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
    // a second run into the same directory is refused, the first output stays intact
    ByteArrayOutputStream e2 = new ByteArrayOutputStream();
    assertEquals(Main.FAILED, Main.run(new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), new PrintStream(e2, true, StandardCharsets.UTF_8), args));
    assertTrue(e2.toString(StandardCharsets.UTF_8).contains("already holds"), e2.toString());
    assertEquals(total, SharedSpark.get().read().parquet(out.resolve("triplets").toString()).count());
  }
}
