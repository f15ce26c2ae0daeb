package io.hardneg.spark.report;

import static io.hardneg.spark.report.ReportValues.esc;
import static io.hardneg.spark.report.ReportValues.fmt;
import static io.hardneg.spark.report.ReportValues.num;
import static io.hardneg.spark.report.ReportValues.num0;
import static io.hardneg.spark.report.ReportValues.str;

import io.hardneg.spark.report.RunFiles.Round;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/**
 * The latest round's sections of the report: its evaluation embeddings projected on two axes, its
 * per-class metrics, and a grid of sample mined triplets (image inputs).
 */
final class LatestRoundSections {
  private final ReportPage page;
  private final StringBuilder body;
  private final RunFiles run;
  private final List<Round> rounds;

  LatestRoundSections(ReportPage page, RunFiles run) {
    this.page = page;
    this.body = page.body();
    this.run = run;
    this.rounds = run.rounds();
  }

  void projection() {
    if (run.projection() == null) {
      return;
    }
    Map<String, List<double[]>> byLabel = new TreeMap<>();
    String[] lines = run.projection().split("\n");
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].split(",");
      if (f.length == 4) {
        byLabel
            .computeIfAbsent(f[1], x -> new ArrayList<>())
            .add(new double[] {Double.parseDouble(f[2]), Double.parseDouble(f[3])});
      }
    }
    boolean coloured = byLabel.size() <= MAX_COLOURED_CLASSES;
    page.section(
        "projection",
        "Evaluation embeddings, first two principal axes",
        "Latest round; at most "
            + RoundTables.MAX_POINTS
            + " items, "
            + (coloured
                ? "coloured by class."
                : "in one colour: their "
                    + byLabel.size()
                    + " classes are more than "
                    + MAX_COLOURED_CLASSES
                    + " colours can tell apart."));
    List<double[]> all = new ArrayList<>();
    byLabel.values().forEach(all::addAll);
    Map<String, List<double[]>> series = coloured ? byLabel : Map.of("items", all);
    if (!all.isEmpty()) {
      XYChart c = Charts.xy("PCA of the evaluation embeddings", "pc1", "pc2");
      c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      c.getStyler().setMarkerSize(4);
      series.forEach(
          (label, pts) ->
              c.addSeries(
                  coloured ? "class " + label : label,
                  pts.stream().mapToDouble(p -> p[0]).toArray(),
                  pts.stream().mapToDouble(p -> p[1]).toArray()));
      page.figure("projection", c);
    }
    page.end();
  }

  void perClass() {
    if (rounds.isEmpty()
        || !(rounds.get(rounds.size() - 1).metrics().get("per_class") instanceof Map<?, ?> pc)
        || pc.isEmpty()) {
      return;
    }
    Shown shown = shown(pc, MAX_CLASS_ROWS);
    page.section(
        "per-class",
        "Per class (latest round)",
        shown.leftOut() == 0
            ? null
            : "The "
                + MAX_CLASS_ROWS / 2
                + " classes with the lowest and the "
                + MAX_CLASS_ROWS / 2
                + " with the highest MAP@R of "
                + pc.size()
                + "; "
                + shown.leftOut()
                + " classes left out (all of them are in metrics.json).");
    List<String> cats = new ArrayList<>();
    List<Double> p1 = new ArrayList<>();
    List<Double> map = new ArrayList<>();
    shown
        .rows()
        .forEach(
            e -> {
              cats.add(e.getKey());
              p1.add(num0(e.getValue().get("precision_at_1")));
              map.add(num0(e.getValue().get("map_at_r")));
            });
    CategoryChart c = Charts.bars("Precision@1 and MAP@R per class", "class", "value", false);
    Map<String, List<Double>> s = new LinkedHashMap<>();
    s.put("Precision@1", p1);
    s.put("MAP@R", map);
    Charts.series(c, cats, s);
    page.figure("per-class", c);
    body.append(table(shown));
    page.end();
  }

  /** Classes the projection colours one by one; more share one colour (a legend of thousands). */
  static final int MAX_COLOURED_CLASSES = 20;

  /** Rows of the per-class table and chart: all classes up to this many, else the extremes. */
  static final int MAX_CLASS_ROWS = 40;

  /**
   * The classes shown, and how many were left out.
   *
   * @param rows the classes in label order when all fit; else the {@code max / 2} lowest by MAP@R
   *     (ascending) then the {@code max / 2} highest (ascending), ties by label order
   */
  record Shown(List<Map.Entry<String, Map<?, ?>>> rows, int leftOut) {}

  static Shown shown(Map<?, ?> perClass, int max) {
    List<Map.Entry<String, Map<?, ?>>> all = new ArrayList<>();
    perClass.forEach((label, v) -> all.add(Map.entry(String.valueOf(label), (Map<?, ?>) v)));
    if (all.size() <= max) {
      return new Shown(all, 0);
    }
    List<Map.Entry<String, Map<?, ?>>> byMap = new ArrayList<>(all);
    // stable: equal MAP@R keep label order; a missing value sorts first (NaN is worst)
    byMap.sort(
        java.util.Comparator.comparingDouble(
            e -> {
              double v = num(e.getValue().get("map_at_r"));
              return Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
            }));
    List<Map.Entry<String, Map<?, ?>>> rows = new ArrayList<>(byMap.subList(0, max / 2));
    rows.addAll(byMap.subList(byMap.size() - max / 2, byMap.size()));
    return new Shown(rows, all.size() - rows.size());
  }

  /** The per-class table; a row between the lowest and the highest says how many are left out. */
  static String table(Shown shown) {
    StringBuilder table =
        new StringBuilder(
            "<table class=\"per-class\"><tr><th>class</th>"
                + "<th>items</th><th>P@1</th><th>R-Prec</th><th>MAP@R</th></tr>");
    List<Map.Entry<String, Map<?, ?>>> rows = shown.rows();
    for (int i = 0; i < rows.size(); i++) {
      if (shown.leftOut() > 0 && i == rows.size() / 2) {
        table
            .append("<tr class=\"left-out\"><td colspan=\"5\">… ")
            .append(shown.leftOut())
            .append(" classes left out …</td></tr>");
      }
      Map<?, ?> m = rows.get(i).getValue();
      table
          .append("<tr><td>")
          .append(esc(rows.get(i).getKey()))
          .append("</td><td>")
          .append(str(m.get("items")))
          .append("</td><td>")
          .append(fmt(num(m.get("precision_at_1"))))
          .append("</td><td>")
          .append(fmt(num(m.get("r_precision"))))
          .append("</td><td>")
          .append(fmt(num(m.get("map_at_r"))))
          .append("</td></tr>");
    }
    return table.append("</table>").toString();
  }

  void tripletGrid() throws IOException {
    if (run.images() == null) {
      return;
    }
    byte[] png = TripletGrid.png(TripletGrid.parse(run.images()));
    if (png == null) {
      return;
    }
    page.section(
        "triplets",
        "Sample mined triplets (latest round)",
        "Triplets of the round's "
            + "seeded sample at evenly spaced ranks of d(a,n) − d(a,p), hardest first: anchor, "
            + "positive, negative, with distances under the mining model.");
    body.append(
            "<figure class=\"grid\"><img id=\"triplet-grid\" alt=\"sample mined "
                + "triplets\" src=\"data:image/png;base64,")
        .append(Base64.getEncoder().encodeToString(png))
        .append("\"></figure>");
    page.end();
  }
}
