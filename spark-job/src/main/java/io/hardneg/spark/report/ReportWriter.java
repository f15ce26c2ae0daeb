package io.hardneg.spark.report;

import io.hardneg.core.mining.Hardness;
import io.hardneg.spark.run.Json;
import io.hardneg.spark.run.RunDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds {@code report.html} from what a run directory holds (run.json, baselines.json and
 * every committed round's metrics.json, mining.json and {@link RoundTables}' tables) and writes
 * it atomically (a hidden temporary file, then a rename). The page is self-contained: charts
 * are XChart SVG inlined in the page, the triplet grid a base64 PNG, the style inline; nothing
 * is fetched. Rebuilt after every committed round, so it always shows every round so far.
 */
public final class ReportWriter {
  public static final String FILE = "report.html";
  /** Histogram charts overlay at most this many of the latest rounds. */
  static final int HISTOGRAM_ROUNDS = 6;
  private static final Logger LOG = LoggerFactory.getLogger(ReportWriter.class);
  private static final Pattern ROUND = Pattern.compile("round-(\\d{3,})");
  private static final String[] STAGES = {"embed_s", "mine_s", "train_s", "evaluate_s"};

  static {
    // charts and the triplet grid are drawn off-screen: no display on a cluster driver
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private ReportWriter() {}

  /** One committed round's files. */
  record Round(int round, Map<String, Object> metrics, Map<String, Object> mining,
      Map<String, Object> hardness) {}

  /** Rebuilds {@code <run>/report.html}; returns the number of charts in it. */
  public static int write(RunDirectory dir) throws IOException {
    long t0 = System.nanoTime();
    List<Round> rounds = new ArrayList<>();
    Map<Integer, Path> dirs = new TreeMap<>();
    for (FileStatus s : dir.fs().listStatus(dir.root())) {
      Matcher m = ROUND.matcher(s.getPath().getName());
      if (s.isDirectory() && m.matches()
          && dir.fs().exists(new Path(s.getPath(), RunDirectory.SUCCESS))) {
        dirs.put(Integer.parseInt(m.group(1)), s.getPath());
      }
    }
    for (Map.Entry<Integer, Path> e : dirs.entrySet()) {
      rounds.add(new Round(e.getKey(), json(dir, new Path(e.getValue(), "metrics.json")),
          json(dir, new Path(e.getValue(), "mining.json")),
          json(dir, new Path(e.getValue(), "hardness.json"))));
    }
    Path last = dirs.isEmpty() ? null : dirs.get(((TreeMap<Integer, Path>) dirs).lastKey());
    Page page = new Page(dir.root().toString(), json(dir, new Path(dir.root(), "run.json")),
        json(dir, new Path(dir.root(), "baselines.json")), rounds,
        last == null ? null : text(dir, new Path(last, "eval-embeddings-2d.csv")),
        last == null ? null : text(dir, new Path(last, "triplet-images.csv")));
    String html = page.html();
    dir.writeAtomically(FILE, html);
    LOG.info("report: {} charts over {} rounds -> {} ({} s)", page.charts, rounds.size(),
        new Path(dir.root(), FILE), Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
    return page.charts;
  }

  private static Map<String, Object> json(RunDirectory dir, Path p) throws IOException {
    String t = text(dir, p);
    return t == null ? Map.of() : Json.read(t);
  }

  private static String text(RunDirectory dir, Path p) throws IOException {
    if (!dir.fs().exists(p)) {
      return null;
    }
    return new String(dir.readBytes(p), StandardCharsets.UTF_8);
  }

  /** The page under construction. */
  static final class Page {
    private final String root;
    private final Map<String, Object> run;
    private final Map<String, Object> baselines;
    private final List<Round> rounds;
    private final String projection;
    private final String images;
    private final StringBuilder body = new StringBuilder();
    private int charts;

    Page(String root, Map<String, Object> run, Map<String, Object> baselines, List<Round> rounds,
        String projection, String images) {
      this.root = root;
      this.run = run;
      this.baselines = baselines;
      this.rounds = rounds;
      this.projection = projection;
      this.images = images;
    }

    String html() throws IOException {
      summary();
      retrieval();
      loss();
      histograms();
      mix();
      annRecall();
      timings();
      projection();
      perClass();
      tripletGrid();
      return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          + "<meta name=\"generator\" content=\"hardneg\"><title>hardneg run report: "
          + esc(root) + "</title><style>" + CSS + "</style></head><body>\n"
          + "<h1>hardneg run report</h1>\n<p class=\"meta\">" + esc(root) + "<br>"
          + rounds.size() + " committed round(s); started " + esc(str(run.get("started")))
          + "; report built " + Instant.now() + "</p>\n" + body + "</body></html>\n";
    }

    private void section(String id, String title, String intro) {
      body.append("<section id=\"").append(id).append("\"><h2>").append(esc(title))
          .append("</h2>");
      if (intro != null) {
        body.append("<p>").append(intro).append("</p>");
      }
    }

    private void end() {
      body.append("</section>\n");
    }

    private void figure(String id, org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
      charts++;
      body.append("<figure class=\"chart\" id=\"chart-").append(id).append("\">")
          .append(Charts.svg(chart, "c" + charts)).append("</figure>\n");
    }

    private void note(String text) {
      body.append("<p class=\"note\">").append(text).append("</p>");
    }

    private double[] roundsX() {
      return rounds.stream().mapToDouble(Round::round).toArray();
    }

    /** Whether the rounds were evaluated against known pairs (pair mode) instead of labels. */
    private boolean pairMode() {
      return rounds.stream().anyMatch(r -> "pairs".equals(r.metrics().get("relevance")))
          || (baselines.get("raw_pixels") instanceof Map<?, ?> b
              && "pairs".equals(b.get("relevance")));
    }

    private double[] metric(String key) {
      return rounds.stream().mapToDouble(r -> num(r.metrics().get(key))).toArray();
    }

    private void summary() {
      section("summary", "Summary", "Evaluation split: query = reference, self excluded "
          + "(pytorch-metric-learning's definitions); " + (pairMode()
              ? "pair mode: relevant = a known positive pair, R = the query's known positives "
                  + "among the evaluation items; no classes, so no NMI."
              : "NMI of k-means with k = classes."));
      String[] keys = {"recall_at_1", "recall_at_2", "recall_at_4", "recall_at_8",
          "recall_at_16", "r_precision", "map_at_r", "nmi"};
      body.append("<table class=\"summary\"><tr><th></th><th>R@1</th><th>R@2</th><th>R@4</th>"
          + "<th>R@8</th><th>R@16</th><th>R-Prec</th><th>MAP@R</th><th>NMI</th>"
          + "<th>triplets</th><th>loss</th><th>seconds</th></tr>");
      for (String b : List.of("raw_pixels", "untrained")) {
        Object m = baselines.get(b);
        if (m instanceof Map<?, ?> bm) {
          body.append("<tr class=\"baseline\"><td>").append(b.replace('_', ' ')).append("</td>");
          for (String k : keys) {
            body.append("<td>").append(fmt(num(bm.get(k)))).append("</td>");
          }
          body.append("<td></td><td></td><td></td></tr>");
        }
      }
      for (Round r : rounds) {
        body.append("<tr><td>round ").append(r.round()).append("</td>");
        for (String k : keys) {
          body.append("<td>").append(fmt(num(r.metrics().get(k)))).append("</td>");
        }
        Object t = r.metrics().get("timings");
        body.append("<td>").append(str(r.metrics().get("triplets"))).append("</td><td>")
            .append(fmt(num(r.metrics().get("train_loss")))).append("</td><td>")
            .append(t instanceof Map<?, ?> tm ? fmt(num(tm.get("round_s"))) : "").append(
                "</td></tr>");
      }
      body.append("</table>");
      end();
    }

    private void retrieval() {
      if (rounds.isEmpty()) {
        return;
      }
      section("retrieval", "Retrieval per round", null);
      XYChart c = Charts.xy("Recall@K", "round", "Recall@K");
      for (int k : new int[] {1, 2, 4, 8, 16}) {
        Charts.line(c, "R@" + k, roundsX(), metric("recall_at_" + k));
      }
      baseline(c, "raw_pixels", "recall_at_1", "raw pixels R@1");
      figure("recall", c);
      XYChart m = Charts.xy("MAP@R, R-Precision, Precision@1, NMI", "round", "value");
      Charts.line(m, "MAP@R", roundsX(), metric("map_at_r"));
      Charts.line(m, "R-Precision", roundsX(), metric("r_precision"));
      Charts.line(m, "Precision@1", roundsX(), metric("precision_at_1"));
      double[] nmi = metric("nmi");
      if (java.util.Arrays.stream(nmi).anyMatch(Double::isFinite)) {
        // absent in pair mode (no classes): an all-empty series has no range to draw
        Charts.line(m, "NMI", roundsX(), nmi);
      }
      baseline(m, "raw_pixels", "map_at_r", "raw pixels MAP@R");
      baseline(m, "untrained", "map_at_r", "untrained MAP@R");
      figure("map", m);
      end();
    }

    private void baseline(XYChart c, String which, String key, String name) {
      if (baselines.get(which) instanceof Map<?, ?> b && Double.isFinite(num(b.get(key)))) {
        double v = num(b.get(key));
        double[] x = roundsX();
        double[] xs = x.length == 1 ? new double[] {x[0] - 0.5, x[0] + 0.5}
            : new double[] {x[0], x[x.length - 1]};
        Charts.reference(c, name, xs, new double[] {v, v});
      }
    }

    private void loss() {
      section("loss", "Training loss per averaging step", "The training loss "
          + "(per triplet for the triplet losses, as reduced by the configured loss otherwise), "
          + "averaged over the workers at every parameter averaging.");
      XYChart c = Charts.xy("Training loss", "averaging step (whole run)", "loss");
      int step = 0;
      boolean any = false;
      for (Round r : rounds) {
        List<Double> losses = doubles(r.metrics().get("train_losses"));
        if (losses.isEmpty()) {
          continue;
        }
        double[] x = new double[losses.size()];
        double[] y = new double[losses.size()];
        for (int i = 0; i < x.length; i++) {
          x[i] = ++step;
          y[i] = losses.get(i);
        }
        Charts.line(c, "round " + r.round(), x, y);
        any = true;
      }
      if (any) {
        figure("loss", c);
      } else {
        note("No training steps recorded yet.");
      }
      end();
    }

    private void histograms() {
      section("hardness", "Hardness of the mined triplets", "Share of each round's triplets "
          + "per bin, distances under the model that mined the round (latest "
          + HISTOGRAM_ROUNDS + " rounds).");
      String[][] hs = {{"d_ap", "d(a,p)"}, {"d_an", "d(a,n)"},
          {"d_an_minus_d_ap", "d(a,n) − d(a,p)"}};
      for (String[] h : hs) {
        XYChart c = Charts.xy(h[1], h[1], "share of triplets");
        boolean any = false;
        for (Round r : rounds.subList(Math.max(0, rounds.size() - HISTOGRAM_ROUNDS),
            rounds.size())) {
          if (!(r.mining().get("histograms") instanceof Map<?, ?> all)
              || !(all.get(h[0]) instanceof Map<?, ?> hist)) {
            continue;
          }
          List<Double> edges = doubles(hist.get("edges"));
          List<Double> counts = doubles(hist.get("counts"));
          double total = counts.stream().mapToDouble(Double::doubleValue).sum();
          if (total == 0 || edges.size() != counts.size() + 1) {
            continue;
          }
          double[] x = new double[counts.size()];
          double[] y = new double[counts.size()];
          for (int i = 0; i < x.length; i++) {
            x[i] = (edges.get(i) + edges.get(i + 1)) / 2;
            y[i] = counts.get(i) / total;
          }
          XYSeries s = c.addSeries("round " + r.round(), x, y);
          s.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
          any = true;
        }
        if (any) {
          figure("hist-" + h[0].replace('_', '-'), c);
        }
      }
      end();
    }

    private void mix() {
      if (rounds.isEmpty()) {
        return;
      }
      section("mix", "Mix of triplets", "Left: geometry under the mining model (hard: "
          + "d(a,n) ≤ d(a,p); semi-hard: d(a,p) &lt; d(a,n) ≤ d(a,p) + margin, the miner's rule; "
          + "easy: the rest). Right: the rule that selected each negative.");
      List<String> cats = rounds.stream().map(r -> "round " + r.round()).toList();
      Map<String, List<Double>> geo = new LinkedHashMap<>();
      for (Hardness h : Hardness.values()) {
        geo.put(h == Hardness.SEMIHARD ? "semi-hard" : h.label(),
            rounds.stream().map(r -> num0(r.hardness().get(h.label()))).toList());
      }
      CategoryChart g = Charts.bars("Hard / semi-hard / easy", "round", "triplets", true);
      Charts.series(g, cats, geo);
      figure("hardness-mix", g);
      Map<String, List<Double>> kinds = new LinkedHashMap<>();
      for (Round r : rounds) {
        if (r.mining().get("by_kind") instanceof Map<?, ?> bk) {
          bk.keySet().forEach(k -> kinds.putIfAbsent(String.valueOf(k), new ArrayList<>()));
        }
      }
      if (!kinds.isEmpty()) {
        kinds.forEach((k, v) -> rounds.forEach(r -> v.add(
            r.mining().get("by_kind") instanceof Map<?, ?> bk ? num0(bk.get(k)) : 0.0)));
        CategoryChart k = Charts.bars("Mined kinds", "round", "triplets", true);
        Charts.series(k, cats, kinds);
        figure("mined-kinds", k);
      }
      end();
    }

    private void annRecall() {
      if (rounds.isEmpty()) {
        return;
      }
      section("ann", "Nearest-negative recall of the search", "Share of sampled anchors whose "
          + "hardest negative the round's search found, against an exact search (measured for "
          + "the approximate <code>ivf</code> placement; exact placements find it by "
          + "construction).");
      List<Double> xm = new ArrayList<>();
      List<Double> ym = new ArrayList<>();
      List<Double> xe = new ArrayList<>();
      for (Round r : rounds) {
        Map<?, ?> search = r.mining().get("search") instanceof Map<?, ?> s ? s : Map.of();
        if (search.get("nearest_negative_recall") instanceof Map<?, ?> rec
            && rec.get("recall") != null) {
          xm.add((double) r.round());
          ym.add(num(rec.get("recall")));
        } else if (!"ivf".equals(search.get("placement"))) {
          xe.add((double) r.round());
        }
      }
      XYChart c = Charts.xy("ANN recall", "round", "nearest-negative recall");
      c.getStyler().setYAxisMin(0.0);
      c.getStyler().setYAxisMax(1.02);
      if (!xm.isEmpty()) {
        Charts.line(c, "ivf (measured)", arr(xm), arr(ym));
      }
      if (!xe.isEmpty()) {
        Charts.line(c, "exact search", arr(xe), xe.stream().mapToDouble(x -> 1.0).toArray());
      }
      if (!xm.isEmpty() || !xe.isEmpty()) {
        figure("ann-recall", c);
      }
      end();
    }

    private void timings() {
      if (rounds.isEmpty()) {
        return;
      }
      section("timing", "Time per stage", null);
      List<String> cats = rounds.stream().map(r -> "round " + r.round()).toList();
      Map<String, List<Double>> series = new LinkedHashMap<>();
      for (String s : STAGES) {
        series.put(s.replace("_s", ""), rounds.stream().map(r -> r.metrics()
            .get("timings") instanceof Map<?, ?> t ? num0(t.get(s)) : 0.0).toList());
      }
      series.put("other", rounds.stream().map(r -> {
        if (!(r.metrics().get("timings") instanceof Map<?, ?> t)) {
          return 0.0;
        }
        double rest = num0(t.get("round_s"));
        for (String s : STAGES) {
          rest -= num0(t.get(s));
        }
        return Math.max(0, rest);
      }).toList());
      CategoryChart c = Charts.bars("Seconds per stage", "round", "seconds", true);
      Charts.series(c, cats, series);
      figure("timings", c);
      end();
    }

    private void projection() {
      if (projection == null) {
        return;
      }
      section("projection", "Evaluation embeddings, first two principal axes", "Latest "
          + "round; at most " + RoundTables.MAX_POINTS + " items, coloured by class.");
      Map<String, List<double[]>> byLabel = new TreeMap<>();
      String[] lines = projection.split("\n");
      for (int i = 1; i < lines.length; i++) {
        String[] f = lines[i].split(",");
        if (f.length == 4) {
          byLabel.computeIfAbsent(f[1], x -> new ArrayList<>()).add(
              new double[] {Double.parseDouble(f[2]), Double.parseDouble(f[3])});
        }
      }
      if (!byLabel.isEmpty()) {
        XYChart c = Charts.xy("PCA of the evaluation embeddings", "pc1", "pc2");
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setMarkerSize(4);
        byLabel.forEach((label, pts) -> c.addSeries("class " + label,
            pts.stream().mapToDouble(p -> p[0]).toArray(),
            pts.stream().mapToDouble(p -> p[1]).toArray()));
        figure("projection", c);
      }
      end();
    }

    private void perClass() {
      if (rounds.isEmpty()
          || !(rounds.get(rounds.size() - 1).metrics().get("per_class") instanceof Map<?, ?> pc)
          || pc.isEmpty()) {
        return;
      }
      section("per-class", "Per class (latest round)", null);
      List<String> cats = new ArrayList<>();
      List<Double> p1 = new ArrayList<>();
      List<Double> map = new ArrayList<>();
      StringBuilder table = new StringBuilder("<table class=\"per-class\"><tr><th>class</th>"
          + "<th>items</th><th>P@1</th><th>R-Prec</th><th>MAP@R</th></tr>");
      pc.forEach((label, v) -> {
        Map<?, ?> m = (Map<?, ?>) v;
        cats.add(String.valueOf(label));
        p1.add(num0(m.get("precision_at_1")));
        map.add(num0(m.get("map_at_r")));
        table.append("<tr><td>").append(esc(String.valueOf(label))).append("</td><td>")
            .append(str(m.get("items"))).append("</td><td>").append(fmt(num(
                m.get("precision_at_1")))).append("</td><td>").append(fmt(num(
                m.get("r_precision")))).append("</td><td>").append(fmt(num(m.get("map_at_r"))))
            .append("</td></tr>");
      });
      CategoryChart c = Charts.bars("Precision@1 and MAP@R per class", "class", "value", false);
      Map<String, List<Double>> s = new LinkedHashMap<>();
      s.put("Precision@1", p1);
      s.put("MAP@R", map);
      Charts.series(c, cats, s);
      figure("per-class", c);
      body.append(table).append("</table>");
      end();
    }

    private void tripletGrid() throws IOException {
      if (images == null) {
        return;
      }
      byte[] png = TripletGrid.png(TripletGrid.parse(images));
      if (png == null) {
        return;
      }
      section("triplets", "Sample mined triplets (latest round)", "Triplets of the round's "
          + "seeded sample at evenly spaced ranks of d(a,n) − d(a,p), hardest first: anchor, "
          + "positive, negative, with distances under the mining model.");
      body.append("<figure class=\"grid\"><img id=\"triplet-grid\" alt=\"sample mined "
          + "triplets\" src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(png)).append("\"></figure>");
      end();
    }
  }

  private static final String CSS = "body{font-family:sans-serif;margin:24px auto;"
      + "max-width:1100px;color:#222}h1{margin-bottom:4px}h2{border-bottom:1px solid #ccc;"
      + "padding-bottom:4px;margin-top:32px}.meta{color:#666;font-size:13px}"
      + ".note{color:#666;font-style:italic}figure{margin:12px 0}"
      + "figure.chart svg{max-width:100%;height:auto;display:block}"
      + "table{border-collapse:collapse;font-size:13px;margin:8px 0}"
      + "td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}"
      + "td:first-child,th:first-child{text-align:left}tr.baseline{color:#777}";

  static double num(Object o) {
    return o instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private static double num0(Object o) {
    double v = num(o);
    return Double.isFinite(v) ? v : 0.0;
  }

  private static String fmt(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "–";
  }

  private static String str(Object o) {
    return o == null ? "" : esc(String.valueOf(o));
  }

  private static List<Double> doubles(Object o) {
    List<Double> out = new ArrayList<>();
    if (o instanceof List<?> l) {
      for (Object x : l) {
        out.add(num(x));
      }
    }
    return out;
  }

  private static double[] arr(List<Double> l) {
    return l.stream().mapToDouble(Double::doubleValue).toArray();
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
