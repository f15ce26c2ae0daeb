package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.data.IdxReader;
import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.data.VectorMath;
import io.hardneg.core.metrics.RetrievalMetrics;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.run.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A tiny two-round run (300 items) whose report is opened in headless Chromium (the whole page,
 * every chart checked drawn), whose small tables are checked against the Parquet triplets, and
 * whose directory the notebooks run on. The run stays in {@code target/report-run} (and the
 * full-page screenshot in {@code target/report-screenshot.png}) for people to look at.
 */
class RunReportTest {
  static final Path RUN = Path.of("target", "report-run").toAbsolutePath();
  static final Path SCREENSHOT = Path.of("target", "report-screenshot.png").toAbsolutePath();
  static final int ITEMS = 300;

  /** recall, map, loss, 3 histograms, hardness mix, mined kinds, ann, timings, pca, per class */
  static final int CHARTS = 12;

  static Path[] data;

  @BeforeAll
  static void tinyRun() throws Exception {
    deleteTree(RUN);
    data = TinyData.write(Path.of("target", "report-in"), ITEMS);
    new TrainJob(
            SharedSpark.get(),
            JobConfig.from(TrainJobRoundTest.settings(data, RUN, 2)),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
        .run();
  }

  @Test
  void reportIsSelfContainedAndHoldsEveryChart() throws Exception {
    String html = Files.readString(RUN.resolve("report.html"));
    assertEquals(CHARTS, count(html, "<figure class=\"chart\""), "charts");
    assertEquals(CHARTS, count(html, "<svg class=\"chart-svg\""), "inline SVGs");
    assertTrue(html.contains("id=\"triplet-grid\"") && html.contains("data:image/png;base64,"));
    assertTrue(html.contains("<td>round 1</td>"), "both rounds in the summary");
    // rebuilt after the last round was committed, not only once
    assertTrue(
        Files.getLastModifiedTime(RUN.resolve("report.html")).toMillis()
            >= Files.getLastModifiedTime(RUN.resolve("round-001/_SUCCESS")).toMillis());
    // nothing to fetch: the only URLs are XML namespace names
    Matcher m = Pattern.compile("(src|href)=\"(?!data:|#)[^\"]*\"").matcher(html);
    assertFalse(m.find(), () -> "external reference " + m.group());
    for (String u :
        Pattern.compile("https?://[^\"' )]+")
            .matcher(html)
            .results()
            .map(r -> r.group())
            .toList()) {
      assertTrue(u.startsWith("http://www.w3.org/"), "URL in report: " + u);
    }
    try (Stream<Path> top = Files.list(RUN)) {
      assertFalse(top.anyMatch(p -> p.getFileName().toString().startsWith("_tmp-")));
    }
  }

  @Test
  void roundTablesMatchTheParquetTriplets() throws Exception {
    for (int r = 0; r < 2; r++) {
      Path round = RUN.resolve(String.format("round-%03d", r));
      List<Row> all =
          SharedSpark.get().read().parquet(round.resolve("triplets").toString()).collectAsList();
      Map<String, Row> byKey = new HashMap<>();
      long hard = 0;
      long semi = 0;
      for (Row t : all) {
        byKey.put(t.getLong(1) + "/" + t.getLong(2) + "/" + t.getLong(3), t);
        float dap = t.getFloat(6);
        float dan = t.getFloat(7);
        hard += dan < dap ? 1 : 0;
        semi += dan >= dap && dan < dap + TrainJobRoundTest.MARGIN ? 1 : 0;
      }
      List<String> sample = Files.readAllLines(round.resolve("triplet-sample.csv"));
      assertEquals(Math.min(2000, all.size()), sample.size() - 1);
      for (String line : sample.subList(1, sample.size())) {
        String[] f = line.split(",");
        Row t = byKey.get(f[0] + "/" + f[1] + "/" + f[2]);
        assertNotNull(t, "sampled triplet not in the Parquet output: " + line);
        assertEquals(t.getFloat(6), Double.parseDouble(f[5]), 1e-5);
        assertEquals(t.getFloat(7), Double.parseDouble(f[6]), 1e-5);
        assertEquals(t.getString(9), f[8]);
      }
      Map<String, Object> h = Json.read(Files.readString(round.resolve("hardness.json")));
      assertEquals(hard, ((Number) h.get("hard")).longValue());
      assertEquals(semi, ((Number) h.get("semihard")).longValue());
      assertEquals(all.size() - hard - semi, ((Number) h.get("easy")).longValue());
      List<String> images = Files.readAllLines(round.resolve("triplet-images.csv"));
      assertEquals(3 * 8 + 1, images.size());
      assertEquals(784, images.get(1).split(",")[8].split(" ").length);
      Map<String, Object> metrics = Json.read(Files.readString(round.resolve("metrics.json")));
      List<String> points = Files.readAllLines(round.resolve("eval-embeddings-2d.csv"));
      assertEquals(
          ((Number) metrics.get("queries")).longValue()
              + ((Number) metrics.get("queries_without_positive")).longValue(),
          points.size() - 1);
      for (String k : List.of("recall_at_16", "precision_at_1", "nmi")) {
        double v = ((Number) metrics.get(k)).doubleValue();
        assertTrue(v >= 0 && v <= 1, k + " = " + v);
      }
      assertEquals(10, ((Map<?, ?>) metrics.get("per_class")).size());
      List<?> losses = (List<?>) metrics.get("train_losses");
      assertFalse(losses.isEmpty(), "one loss per averaging step");
      for (Object l : losses) {
        double v = ((Number) l).doubleValue();
        assertTrue(v >= 0 && v < 3 * (2 + TrainJobRoundTest.MARGIN), "loss " + v);
      }
    }
  }

  /**
   * The whole page in headless Chromium: a first pass (a copy of the page with a script that writes
   * the page's height and every chart's box into its title) measures the page, a second takes a
   * screenshot of the original page in a window as tall as the page, and every chart the report
   * holds ({@code <figure class="chart">}, plus the triplet grid) is cropped from it and must be
   * drawn there: present in the rendered DOM, inside the screenshot, not blank, its series in
   * colour.
   */
  @Test
  void headlessChromiumRendersTheReport() throws Exception {
    String chromium = chromium();
    Path html = RUN.resolve("report.html");
    String page = Files.readString(html);
    List<String> ids =
        Pattern.compile("<figure class=\"chart\" id=\"([^\"]+)\"")
            .matcher(page)
            .results()
            .map(r -> r.group(1))
            .toList();
    assertEquals(CHARTS, ids.size(), "charts in report.html: " + ids);
    Path profile = Files.createTempDirectory("hardneg-chromium");
    List<String> base =
        List.of(
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--user-data-dir=" + profile);
    Path probe = Path.of("target", "report-layout.html").toAbsolutePath();
    Files.writeString(probe, page.replace("</body>", LAYOUT_SCRIPT + "</body>"));
    List<String> dump = new ArrayList<>(base);
    dump.addAll(
        List.of(
            "--window-size=" + WIDTH + ",2000",
            "--virtual-time-budget=5000",
            "--dump-dom",
            probe.toUri().toString()));
    String dom = run(dump);
    Matcher title = Pattern.compile("<title>(\\{.*?)</title>", Pattern.DOTALL).matcher(dom);
    assertTrue(
        title.find(),
        "the layout script wrote no layout:\n" + dom.substring(0, Math.min(2000, dom.length())));
    Map<String, Object> layout = Json.read(title.group(1).replace("&amp;", "&"));
    // the page is laid out at the screenshot's width (no scrollbar takes any), so the boxes
    // measured here are where the screenshot draws them
    assertEquals(WIDTH, ((Number) layout.get("width")).intValue(), "layout width");
    int height = ((Number) layout.get("height")).intValue();
    assertTrue(height > 2000 && height < 16_000, "page height " + height);
    assertEquals(CHARTS, count(dom, "<figure class=\"chart\""), "charts in the rendered DOM");
    // XChart's SVG draws glyphs and series as paths: dozens per chart
    assertTrue(count(dom, "<path") > 20 * CHARTS, "chart paths in the rendered DOM");
    Map<String, Map<?, ?>> boxes = new HashMap<>();
    for (Object o : (List<?>) layout.get("boxes")) {
      Map<?, ?> box = (Map<?, ?>) o;
      boxes.put((String) box.get("id"), box);
    }
    Files.deleteIfExists(SCREENSHOT);
    List<String> shot = new ArrayList<>(base);
    shot.addAll(
        List.of(
            "--window-size=" + WIDTH + "," + height,
            "--screenshot=" + SCREENSHOT,
            html.toUri().toString()));
    run(shot);
    BufferedImage img = ImageIO.read(SCREENSHOT.toFile());
    assertNotNull(img, "no screenshot at " + SCREENSHOT);
    assertEquals(WIDTH, img.getWidth());
    assertEquals(height, img.getHeight(), "the screenshot holds the whole page");
    List<String> drawn = new ArrayList<>(ids);
    drawn.add("triplet-grid");
    for (String id : drawn) {
      Map<?, ?> box = boxes.get(id);
      assertNotNull(box, id + " not in the rendered page: " + boxes.keySet());
      int x = (int) Math.floor(((Number) box.get("x")).doubleValue());
      int y = (int) Math.floor(((Number) box.get("y")).doubleValue());
      int w = (int) Math.ceil(((Number) box.get("w")).doubleValue());
      int h = (int) Math.ceil(((Number) box.get("h")).doubleValue());
      assertTrue(
          w > 100 && h > 100 && x >= 0 && x + w <= img.getWidth() && y + h <= img.getHeight(),
          id + " box " + box + " outside the screenshot");
      Ink ink =
          Ink.of(
              img.getSubimage(
                  x, y, Math.min(w, img.getWidth() - x), Math.min(h, img.getHeight() - y)));
      assertTrue(
          ink.off > 0.02 * w * h,
          id + " is blank: " + ink.off + " pixels differ from " + "its background");
      if (id.equals("triplet-grid")) {
        assertTrue(((Number) box.get("natural")).intValue() > 0, "the grid PNG did not decode");
      } else {
        // a series is drawn in colour (axes, grid and text are grey)
        assertTrue(ink.colour > 100, id + " has no coloured series: " + ink.colour + " pixels");
      }
    }
    deleteTree(profile);
  }

  static final int WIDTH = 1280;

  /**
   * Writes the page's size and the box (page coordinates) of every chart and of the triplet grid
   * into the document title once the page has loaded; the title changes no layout.
   */
  static final String LAYOUT_SCRIPT =
      "<script>addEventListener('load',()=>{"
          + "const d=document.documentElement;const o={width:d.clientWidth,"
          + "height:Math.ceil(d.scrollHeight),boxes:[]};"
          + "for(const e of document.querySelectorAll('figure.chart, #triplet-grid')){"
          + "const r=e.getBoundingClientRect();o.boxes.push({id:e.id,x:r.left+scrollX,"
          + "y:r.top+scrollY,w:r.width,h:r.height,natural:e.naturalWidth||0});}"
          + "document.title=JSON.stringify(o);});</script>";

  /** Pixels of a crop that differ from its most common colour, and strongly coloured ones. */
  record Ink(long off, long colour) {
    static Ink of(BufferedImage crop) {
      Map<Integer, Integer> histogram = new HashMap<>();
      long colour = 0;
      for (int y = 0; y < crop.getHeight(); y++) {
        for (int x = 0; x < crop.getWidth(); x++) {
          int rgb = crop.getRGB(x, y) & 0xffffff;
          histogram.merge(rgb, 1, Integer::sum);
          int r = (rgb >> 16) & 0xff;
          int g = (rgb >> 8) & 0xff;
          int b = rgb & 0xff;
          colour += Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60 ? 1 : 0;
        }
      }
      int background = histogram.values().stream().max(Integer::compare).orElse(0);
      return new Ink((long) crop.getWidth() * crop.getHeight() - background, colour);
    }
  }

  @Test
  void notebooksExecuteOnTheRun() throws Exception {
    Path out = Path.of("target", "notebooks").toAbsolutePath();
    deleteTree(out);
    String log =
        run(
            List.of(
                "bash",
                Path.of("..", "notebooks", "execute.sh").toString(),
                RUN.toString(),
                out.toString()));
    try (Stream<Path> files = Files.list(out)) {
      List<Path> executed = files.filter(p -> p.toString().endsWith(".ipynb")).toList();
      assertEquals(2, executed.size(), log);
      for (Path p : executed) {
        String nb = Files.readString(p);
        assertFalse(nb.contains("\"output_type\": \"error\""), p + " has an error output");
        assertTrue(nb.contains("image/png"), p + " drew no figure");
      }
    }
  }

  @Test
  void evaluateCommandMatchesAnOracleOnTheSameModel() throws Exception {
    Path model = RUN.resolve("round-001/model.zip");
    Path out = Path.of("target", "report-evaluate").toAbsolutePath();
    deleteTree(out);
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code =
        Main.run(
            new PrintStream(o, true, StandardCharsets.UTF_8),
            new PrintStream(e, true, StandardCharsets.UTF_8),
            "evaluate",
            "--model",
            model.toString(),
            "--input",
            data[0] + "," + data[1],
            "--out",
            out.toString(),
            "--set",
            "spark.partitions=3");
    assertEquals(Main.OK, code, e.toString(StandardCharsets.UTF_8));
    Map<String, Object> got = Json.read(Files.readString(out.resolve("evaluation.json")));
    assertEquals(got, Json.read(o.toString(StandardCharsets.UTF_8)), "printed = written");
    // oracle: embed every item outside Spark, normalise, brute-force metrics
    MultiLayerNetwork net =
        ModelSerializer.restoreMultiLayerNetwork(new File(model.toString()), false);
    LabeledVectors items;
    try (var im = Files.newInputStream(data[0]);
        var lb = Files.newInputStream(data[1])) {
      items =
          IdxReader.toLabeledVectors(
              IdxReader.read(im, "im"), IdxReader.read(lb, "lb"), "im", "lb");
    }
    INDArray emb = net.output(Nd4j.create(items.values(), new long[] {items.size(), 784}, 'c'));
    float[] v = emb.dup('c').data().asFloat();
    int d = (int) emb.size(1);
    for (int i = 0; i < items.size(); i++) {
      VectorMath.normalizeInPlace(v, i * d, d);
    }
    RetrievalMetrics.Result want =
        RetrievalMetrics.evaluate(new LabeledVectors(items.ids(), items.labels(), v, d));
    assertEquals(ITEMS - want.skippedQueries(), ((Number) got.get("queries")).longValue());
    assertEquals(want.recallAt1(), ((Number) got.get("recall_at_1")).doubleValue(), 1e-9);
    assertEquals(want.recallAtK().get(16), ((Number) got.get("recall_at_16")).doubleValue(), 1e-9);
    assertEquals(want.mapAtR(), ((Number) got.get("map_at_r")).doubleValue(), 1e-6);
    // a single IDX path is a usage error naming the rule
    ByteArrayOutputStream e2 = new ByteArrayOutputStream();
    assertEquals(
        Main.USAGE,
        Main.run(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(e2, true, StandardCharsets.UTF_8),
            "evaluate",
            "--input",
            data[0].toString()));
    assertTrue(e2.toString(StandardCharsets.UTF_8).contains("IMAGES,LABELS"), e2.toString());
  }

  static String chromium() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        File f = new File(dir, name);
        if (f.canExecute()) {
          return f.getPath();
        }
      }
    }
    throw new AssertionError(
        "the report's browser test needs Chromium on the PATH: install it "
            + "(Debian: apt-get install chromium; .ci/run does this in CI)");
  }

  static String run(List<String> command) throws IOException, InterruptedException {
    Path log = Files.createTempFile("hardneg-proc", ".log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(240, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    String out = Files.readString(log);
    Files.delete(log);
    assertEquals(0, p.exitValue(), () -> command + " failed:\n" + out);
    return out;
  }

  static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> all = Files.walk(p)) {
      for (Path q : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
