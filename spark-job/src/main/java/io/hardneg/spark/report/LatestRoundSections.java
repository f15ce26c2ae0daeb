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
    page.section(
        "projection",
        "Evaluation embeddings, first two principal axes",
        "Latest " + "round; at most " + RoundTables.MAX_POINTS + " items, coloured by class.");
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
    if (!byLabel.isEmpty()) {
      XYChart c = Charts.xy("PCA of the evaluation embeddings", "pc1", "pc2");
      c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      c.getStyler().setMarkerSize(4);
      byLabel.forEach(
          (label, pts) ->
              c.addSeries(
                  "class " + label,
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
    page.section("per-class", "Per class (latest round)", null);
    List<String> cats = new ArrayList<>();
    List<Double> p1 = new ArrayList<>();
    List<Double> map = new ArrayList<>();
    StringBuilder table =
        new StringBuilder(
            "<table class=\"per-class\"><tr><th>class</th>"
                + "<th>items</th><th>P@1</th><th>R-Prec</th><th>MAP@R</th></tr>");
    pc.forEach(
        (label, v) -> {
          Map<?, ?> m = (Map<?, ?>) v;
          cats.add(String.valueOf(label));
          p1.add(num0(m.get("precision_at_1")));
          map.add(num0(m.get("map_at_r")));
          table
              .append("<tr><td>")
              .append(esc(String.valueOf(label)))
              .append("</td><td>")
              .append(str(m.get("items")))
              .append("</td><td>")
              .append(fmt(num(m.get("precision_at_1"))))
              .append("</td><td>")
              .append(fmt(num(m.get("r_precision"))))
              .append("</td><td>")
              .append(fmt(num(m.get("map_at_r"))))
              .append("</td></tr>");
        });
    CategoryChart c = Charts.bars("Precision@1 and MAP@R per class", "class", "value", false);
    Map<String, List<Double>> s = new LinkedHashMap<>();
    s.put("Precision@1", p1);
    s.put("MAP@R", map);
    Charts.series(c, cats, s);
    page.figure("per-class", c);
    body.append(table).append("</table>");
    page.end();
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
