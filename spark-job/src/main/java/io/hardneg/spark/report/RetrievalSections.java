package io.hardneg.spark.report;

import static io.hardneg.spark.report.ReportValues.fmt;
import static io.hardneg.spark.report.ReportValues.num;
import static io.hardneg.spark.report.ReportValues.str;

import io.hardneg.spark.report.RunFiles.Round;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;

/**
 * The retrieval sections of the report: the summary table (baselines and every round) and the
 * per-round retrieval charts, with the baselines drawn as reference lines.
 */
final class RetrievalSections {
  private final ReportPage page;
  private final StringBuilder body;
  private final RunFiles run;
  private final List<Round> rounds;

  RetrievalSections(ReportPage page, RunFiles run) {
    this.page = page;
    this.body = page.body();
    this.run = run;
    this.rounds = run.rounds();
  }

  void summary() {
    page.section(
        "summary",
        "Summary",
        "Test set (the held-out split or eval.input.*): query = reference, self excluded "
            + "(pytorch-metric-learning's definitions); "
            + (pairMode()
                ? "pair mode: relevant = a known positive pair, R = the query's known positives "
                    + "among the evaluation items; no classes, so no NMI."
                : "NMI of k-means with k = classes.")
            + (hasValidation()
                ? " val R@1 and val MAP@R: the validation split (a share of the training input,"
                    + " never trained on), on which best.json selects the best round."
                : ""));
    String[] keys = {
      "recall_at_1",
      "recall_at_2",
      "recall_at_4",
      "recall_at_8",
      "recall_at_16",
      "r_precision",
      "map_at_r",
      "nmi"
    };
    body.append(
        "<table class=\"summary\"><tr><th></th><th>R@1</th><th>R@2</th><th>R@4</th>"
            + "<th>R@8</th><th>R@16</th><th>R-Prec</th><th>MAP@R</th><th>NMI</th>"
            + (hasValidation() ? "<th>val R@1</th><th>val MAP@R</th>" : "")
            + "<th>triplets</th><th>loss</th><th>seconds</th></tr>");
    for (String b : List.of("raw_pixels", "untrained")) {
      Object m = run.baselines().get(b);
      if (m instanceof Map<?, ?> bm) {
        body.append("<tr class=\"baseline\"><td>").append(b.replace('_', ' ')).append("</td>");
        for (String k : keys) {
          body.append("<td>").append(fmt(num(bm.get(k)))).append("</td>");
        }
        body.append(hasValidation() ? "<td></td><td></td>" : "");
        body.append("<td></td><td></td><td></td></tr>");
      }
    }
    for (Round r : rounds) {
      body.append("<tr><td>round ").append(r.round()).append("</td>");
      for (String k : keys) {
        body.append("<td>").append(fmt(num(r.metrics().get(k)))).append("</td>");
      }
      if (hasValidation()) {
        Map<?, ?> v = validation(r);
        body.append("<td>")
            .append(fmt(num(v.get("recall_at_1"))))
            .append("</td><td>")
            .append(fmt(num(v.get("map_at_r"))))
            .append("</td>");
      }
      Object t = r.metrics().get("timings");
      body.append("<td>")
          .append(str(r.metrics().get("triplets")))
          .append("</td><td>")
          .append(fmt(num(r.metrics().get("train_loss"))))
          .append("</td><td>")
          .append(t instanceof Map<?, ?> tm ? fmt(num(tm.get("round_s"))) : "")
          .append("</td></tr>");
    }
    body.append("</table>");
    page.end();
  }

  void retrieval() {
    if (rounds.isEmpty()) {
      return;
    }
    page.section("retrieval", "Retrieval per round", null);
    XYChart c = Charts.xy("Recall@K", "round", "Recall@K");
    for (int k : new int[] {1, 2, 4, 8, 16}) {
      Charts.line(c, "R@" + k, run.roundsX(), metric("recall_at_" + k));
    }
    baseline(c, "raw_pixels", "recall_at_1", "raw pixels R@1");
    page.figure("recall", c);
    XYChart m = Charts.xy("MAP@R, R-Precision, Precision@1, NMI", "round", "value");
    Charts.line(m, "MAP@R", run.roundsX(), metric("map_at_r"));
    if (hasValidation()) {
      double[] v = rounds.stream().mapToDouble(r -> num(validation(r).get("map_at_r"))).toArray();
      Charts.line(m, "validation MAP@R (selects)", run.roundsX(), v);
    }
    Charts.line(m, "R-Precision", run.roundsX(), metric("r_precision"));
    Charts.line(m, "Precision@1", run.roundsX(), metric("precision_at_1"));
    double[] nmi = metric("nmi");
    if (java.util.Arrays.stream(nmi).anyMatch(Double::isFinite)) {
      // absent in pair mode (no classes): an all-empty series has no range to draw
      Charts.line(m, "NMI", run.roundsX(), nmi);
    }
    baseline(m, "raw_pixels", "map_at_r", "raw pixels MAP@R");
    baseline(m, "untrained", "map_at_r", "untrained MAP@R");
    page.figure("map", m);
    page.end();
  }

  private void baseline(XYChart c, String which, String key, String name) {
    if (run.baselines().get(which) instanceof Map<?, ?> b && Double.isFinite(num(b.get(key)))) {
      double v = num(b.get(key));
      double[] x = run.roundsX();
      double[] xs =
          x.length == 1
              ? new double[] {x[0] - 0.5, x[0] + 0.5}
              : new double[] {x[0], x[x.length - 1]};
      Charts.reference(c, name, xs, new double[] {v, v});
    }
  }

  /** Whether the rounds were evaluated against known pairs (pair mode) instead of labels. */
  private boolean pairMode() {
    return rounds.stream().anyMatch(r -> "pairs".equals(r.metrics().get("relevance")))
        || (run.baselines().get("raw_pixels") instanceof Map<?, ?> b
            && "pairs".equals(b.get("relevance")));
  }

  /** Whether the rounds carry a validation split's metrics (none in runs without one). */
  private boolean hasValidation() {
    return rounds.stream().anyMatch(r -> r.metrics().get("validation") instanceof Map<?, ?>);
  }

  /** A round's validation block, empty when it has none. */
  private static Map<?, ?> validation(Round r) {
    return r.metrics().get("validation") instanceof Map<?, ?> v ? v : Map.of();
  }

  private double[] metric(String key) {
    return rounds.stream().mapToDouble(r -> num(r.metrics().get(key))).toArray();
  }
}
