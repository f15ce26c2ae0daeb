package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.data.IdxReader;
import io.hardneg.core.data.NearDuplicateViews;
import io.hardneg.spark.run.Json;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hardneg views} through the CLI on the shipped test split, and the job reading what it
 * wrote: {@code mine} in class mode and in pair mode with the generated pairs.
 */
class ViewsJobTest {
  static final int SOURCES = 50;
  static final int VIEWS = 4;
  @TempDir static Path tmp;
  static Path[] idx;
  static Path task;

  @BeforeAll
  static void generate() throws Exception {
    SharedSpark.get();
    idx = TinyData.write(tmp.resolve("idx"), 300);
    task = tmp.resolve("task");
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    assertEquals(
        Main.OK,
        run(e, views(task, "--sources", "" + SOURCES, "--partitions", "3", "--csv")),
        e.toString(StandardCharsets.UTF_8));
  }

  static String[] views(Path out, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "views",
                "--images",
                idx[0].toString(),
                "--labels",
                idx[1].toString(),
                "--views",
                "" + VIEWS,
                "--seed",
                "7",
                "--out",
                out.toString()));
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  static int run(ByteArrayOutputStream err, String... args) {
    return Main.run(
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        args);
  }

  static List<Row> sorted(Path table) {
    return SharedSpark.get().read().parquet(table.toString()).orderBy("id").collectAsList();
  }

  @Test
  void writesItemsPairsAndParametersWithTheStatedSchemaAndCounts() throws Exception {
    SparkSession spark = SharedSpark.get();
    assertTrue(Files.isRegularFile(task.resolve("_SUCCESS")));
    Dataset<Row> items = spark.read().parquet(task.resolve("items").toString());
    assertEquals(
        List.of("id", "label", "source", "category", "features"), List.of(items.columns()));
    assertEquals("array<float>", items.schema().apply("features").dataType().simpleString());
    List<Row> rows = sorted(task.resolve("items"));
    assertEquals(SOURCES * VIEWS, rows.size());
    byte[] categories;
    try (InputStream in = Files.newInputStream(idx[1])) {
      categories = in.readAllBytes();
    }
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      long source = i / VIEWS;
      assertEquals(i, r.getLong(0), "id = label * V + view");
      assertEquals(source, r.getLong(1), "label = source (offset 0)");
      assertEquals(source, r.getLong(2));
      assertEquals(categories[8 + (int) source] & 0xff, r.getLong(3), "the IDX label");
      assertEquals(784, r.getList(4).size());
    }
    // a row is exactly the miner-core view of its (seed, source, view)
    IdxReader.IdxTensor im;
    try (InputStream in = Files.newInputStream(idx[0])) {
      im = IdxReader.read(in, "images");
    }
    float[] src = NearDuplicateViews.pixels(im.data(), 17 * 784, 784);
    float[] expected =
        NearDuplicateViews.view(src, 28, NearDuplicateViews.Strength.DEFAULT, 7, 17, 2);
    assertArrayEquals(expected, floats(rows.get(17 * VIEWS + 2)), 0f);
    // pairs: every ordered pair of two views of one source
    List<Row> pairs = spark.read().parquet(task.resolve("pairs").toString()).collectAsList();
    assertEquals(SOURCES * VIEWS * (VIEWS - 1), pairs.size());
    Set<List<Long>> distinct = new HashSet<>();
    for (Row p : pairs) {
      long a = p.getLong(0);
      long b = p.getLong(1);
      assertTrue(a != b && a / VIEWS == b / VIEWS, a + "," + b);
      distinct.add(List.of(a, b));
    }
    assertEquals(pairs.size(), distinct.size(), "no pair twice");
    Map<String, Object> json = Json.read(Files.readString(task.resolve("views.json")));
    assertEquals(SOURCES, ((Number) json.get("sources")).intValue());
    assertEquals(SOURCES * VIEWS, ((Number) json.get("items")).intValue());
    assertEquals(pairs.size(), ((Number) json.get("pairs")).intValue());
    assertEquals(7, ((Number) json.get("seed")).intValue());
    // CSV: id, label and one column per pixel, the same values
    Dataset<Row> csv =
        spark
            .read()
            .option("header", "true")
            .option("inferSchema", "true")
            .csv(task.resolve("items-csv").toString());
    assertEquals(2 + 784, csv.columns().length);
    List<Row> csvRows = csv.orderBy("id").collectAsList();
    assertEquals(rows.size(), csvRows.size());
    for (int i = 0; i < rows.size(); i++) {
      Row c = csvRows.get(i);
      assertEquals(rows.get(i).getLong(1), ((Number) c.get(1)).longValue());
      float[] f = floats(rows.get(i));
      for (int j = 0; j < f.length; j++) {
        assertEquals(f[j], ((Number) c.get(2 + j)).floatValue(), "csv row " + i + " pixel " + j);
      }
    }
    try (var files = Files.list(tmp)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith("_tmp-")));
    }
  }

  @Test
  void outputIsIndependentOfPartitioningAndASubsetRegeneratesIdentically() {
    Path one = tmp.resolve("one-partition");
    Path subset = tmp.resolve("subset");
    Path seeded = tmp.resolve("other-seed");
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    assertEquals(
        Main.OK, run(e, views(one, "--sources", "" + SOURCES, "--partitions", "1")), e.toString());
    assertEquals(
        Main.OK, run(e, views(subset, "--sources", "20", "--partitions", "7")), e.toString());
    List<Row> all = sorted(task.resolve("items"));
    assertEquals(all, sorted(one.resolve("items")), "3 tasks and 1 task write the same rows");
    assertEquals(all.subList(0, 20 * VIEWS), sorted(subset.resolve("items")), "first 20 sources");
    // a later --seed wins
    assertEquals(Main.OK, run(e, views(seeded, "--sources", "5", "--seed", "8")), e.toString());
    List<Row> other = sorted(seeded.resolve("items"));
    for (int i = 0; i < other.size(); i++) {
      assertFalse(
          java.util.Arrays.equals(floats(all.get(i)), floats(other.get(i))),
          "another seed, another view " + i);
    }
    // --offset moves labels and ids, not the views: source s is still view s of the file
    Path offset = tmp.resolve("offset");
    assertEquals(
        Main.OK, run(e, views(offset, "--sources", "3", "--offset", "1000")), e.toString());
    List<Row> moved = sorted(offset.resolve("items"));
    for (int i = 0; i < moved.size(); i++) {
      Row r = moved.get(i);
      assertEquals(1000 + i / VIEWS, r.getLong(1), "label");
      assertEquals((1000 + i / VIEWS) * VIEWS + i % VIEWS, r.getLong(0), "id");
      assertEquals(i / VIEWS, r.getLong(2), "source");
      assertArrayEquals(floats(all.get(i)), floats(r), 0f, "the same view");
    }
    for (Row p :
        SharedSpark.get().read().parquet(offset.resolve("pairs").toString()).collectAsList()) {
      assertTrue(p.getLong(0) >= 4000 && p.getLong(0) / VIEWS == p.getLong(1) / VIEWS, "" + p);
    }
  }

  @Test
  void badArgumentsExitTwoAndBadInputThree() throws Exception {
    Path out = tmp.resolve("never");
    for (String[] args :
        List.of(
            new String[] {"views", "--labels", idx[1].toString(), "--out", out.toString()},
            views(out, "--views", "1"),
            views(out, "--views", "four"),
            views(out, "--sources", "0"),
            views(out, "--colour"),
            views(out, "--sources", "301"),
            views(task))) {
      ByteArrayOutputStream e = new ByteArrayOutputStream();
      assertEquals(Main.USAGE, run(e, args), String.join(" ", args) + ": " + e);
      assertTrue(e.toString().startsWith("hardneg: "), e.toString());
    }
    assertFalse(Files.exists(out), "nothing written");
    Path broken = tmp.resolve("broken.idx");
    Files.writeString(broken, "not an idx file");
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    String[] args = views(out);
    args[2] = broken.toString();
    assertEquals(Main.BAD_INPUT, run(e, args), e.toString());
    assertTrue(e.toString().contains("not an IDX file"), e.toString());
  }

  @Test
  void mineReadsTheTaskInClassModeAndInPairModeWithTheGeneratedPairs() throws Exception {
    SparkSession spark = SharedSpark.get();
    Path parquet = tmp.resolve("mined-parquet");
    Path pairs = tmp.resolve("mined-pairs");
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    String items = task.resolve("items").toString();
    assertEquals(Main.OK, run(e, mine(parquet, "parquet", items)), e.toString());
    assertEquals(
        Main.OK,
        run(
            e,
            mine(
                pairs,
                "parquet",
                items,
                "--set",
                "mining.pairs.path=" + task.resolve("pairs"),
                "--set",
                "mining.quota.perLabel=0")),
        e.toString());
    List<Row> byParquet = triplets(parquet);
    assertFalse(byParquet.isEmpty());
    for (Row t : byParquet) {
      long a = t.getLong(1);
      long p = t.getLong(2);
      long n = t.getLong(3);
      assertEquals(a / VIEWS, p / VIEWS, "positive: another view of the anchor's source");
      assertTrue(a != p && a / VIEWS != n / VIEWS, "negative: a view of another source");
      assertEquals(a / VIEWS, t.getLong(4));
    }
    List<Row> byPairs = triplets(pairs);
    assertFalse(byPairs.isEmpty());
    for (Row t : byPairs) {
      long a = t.getLong(1);
      assertTrue(a / VIEWS == t.getLong(2) / VIEWS && a != t.getLong(2), "known pair");
      assertTrue(a / VIEWS != t.getLong(3) / VIEWS, "a negative is never a view of the source");
    }
    Map<String, Object> m = Json.read(Files.readString(pairs.resolve("mining.json")));
    assertEquals(SOURCES * VIEWS, ((Number) m.get("anchors")).intValue(), "every view has pairs");
    assertEquals(SOURCES * VIEWS, spark.read().parquet(items).count());
  }

  static List<Row> triplets(Path mined) {
    return SharedSpark.get()
        .read()
        .parquet(mined.resolve("triplets").toString())
        .orderBy("anchor", "positive", "negative")
        .collectAsList();
  }

  static String[] mine(Path out, String format, String path, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "mine",
                "--set",
                "input.format=" + format,
                "--set",
                "input.path=" + path,
                "--set",
                "mining.hardPerAnchor=1",
                "--set",
                "spark.partitions=3",
                "--out",
                out.toString()));
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  static float[] floats(Row r) {
    List<Float> l = r.getList(4);
    float[] f = new float[l.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = l.get(i);
    }
    return f;
  }
}
