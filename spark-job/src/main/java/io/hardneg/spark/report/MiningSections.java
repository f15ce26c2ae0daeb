package io.hardneg.spark.report;

import static io.hardneg.spark.report.ReportValues.arr;
import static io.hardneg.spark.report.ReportValues.doubles;
import static io.hardneg.spark.report.ReportValues.num;
import static io.hardneg.spark.report.ReportValues.num0;

import io.hardneg.core.mining.Hardness;
import io.hardneg.spark.report.RunFiles.Round;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/**
 * The mining sections of the report: hardness histograms of the latest rounds, the mix of triplets
 * by geometry and by mined kind, and the search's nearest-negative recall.
 */
final class MiningSections {
  /** Histogram charts overlay at most this many of the latest rounds. */
  static final int HISTOGRAM_ROUNDS = 6;

  private final ReportPage page;
  private final RunFiles run;
  private final List<Round> rounds;

  MiningSections(ReportPage page, RunFiles run) {
    this.page = page;
    this.run = run;
    this.rounds = run.rounds();
  }

  void histograms() {
    page.section(
        "hardness",
        "Hardness of the mined triplets",
        "Share of each round's triplets "
            + "per bin, distances under the model that mined the round (latest "
            + HISTOGRAM_ROUNDS
            + " rounds).");
    String[][] hs = {
      {"d_ap", "d(a,p)"}, {"d_an", "d(a,n)"}, {"d_an_minus_d_ap", "d(a,n) − d(a,p)"}
    };
    for (String[] h : hs) {
      XYChart c = Charts.xy(h[1], h[1], "share of triplets");
      boolean any = false;
      for (Round r : rounds.subList(Math.max(0, rounds.size() - HISTOGRAM_ROUNDS), rounds.size())) {
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
        page.figure("hist-" + h[0].replace('_', '-'), c);
      }
    }
    page.end();
  }

  void mix() {
    if (rounds.isEmpty()) {
      return;
    }
    page.section(
        "mix",
        "Mix of triplets",
        "Left: geometry under the mining model (hard: "
            + "d(a,n) ≤ d(a,p); semi-hard: d(a,p) &lt; d(a,n) ≤ d(a,p) + margin, the miner's rule; "
            + "easy: the rest). Right: the rule that selected each negative.");
    List<String> cats = run.roundNames();
    Map<String, List<Double>> geo = new LinkedHashMap<>();
    for (Hardness h : Hardness.values()) {
      geo.put(
          h == Hardness.SEMIHARD ? "semi-hard" : h.label(),
          rounds.stream().map(r -> num0(r.hardness().get(h.label()))).toList());
    }
    CategoryChart g = Charts.bars("Hard / semi-hard / easy", "round", "triplets", true);
    Charts.series(g, cats, geo);
    page.figure("hardness-mix", g);
    Map<String, List<Double>> kinds = new LinkedHashMap<>();
    for (Round r : rounds) {
      if (r.mining().get("by_kind") instanceof Map<?, ?> bk) {
        bk.keySet().forEach(k -> kinds.putIfAbsent(String.valueOf(k), new ArrayList<>()));
      }
    }
    if (!kinds.isEmpty()) {
      kinds.forEach(
          (k, v) ->
              rounds.forEach(
                  r ->
                      v.add(
                          r.mining().get("by_kind") instanceof Map<?, ?> bk
                              ? num0(bk.get(k))
                              : 0.0)));
      CategoryChart k = Charts.bars("Mined kinds", "round", "triplets", true);
      Charts.series(k, cats, kinds);
      page.figure("mined-kinds", k);
    }
    page.end();
  }

  void annRecall() {
    if (rounds.isEmpty()) {
      return;
    }
    page.section(
        "ann",
        "Nearest-negative recall of the search",
        "Share of sampled anchors whose "
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
      page.figure("ann-recall", c);
    }
    page.end();
  }
}
