package io.hardneg.spark.report;

import static io.hardneg.spark.report.ReportValues.doubles;
import static io.hardneg.spark.report.ReportValues.num0;

import io.hardneg.spark.report.RunFiles.Round;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;

/** The training sections of the report: the loss per averaging step and the time per stage. */
final class TrainingSections {
  private static final String[] STAGES = {"embed_s", "mine_s", "train_s", "evaluate_s"};
  private final ReportPage page;
  private final RunFiles run;
  private final List<Round> rounds;

  TrainingSections(ReportPage page, RunFiles run) {
    this.page = page;
    this.run = run;
    this.rounds = run.rounds();
  }

  void loss() {
    page.section(
        "loss",
        "Training loss per averaging step",
        "The training loss "
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
      page.figure("loss", c);
    } else {
      page.note("No training steps recorded yet.");
    }
    page.end();
  }

  void timings() {
    if (rounds.isEmpty()) {
      return;
    }
    page.section("timing", "Time per stage", null);
    List<String> cats = run.roundNames();
    Map<String, List<Double>> series = new LinkedHashMap<>();
    for (String s : STAGES) {
      series.put(
          s.replace("_s", ""),
          rounds.stream()
              .map(r -> r.metrics().get("timings") instanceof Map<?, ?> t ? num0(t.get(s)) : 0.0)
              .toList());
    }
    series.put(
        "other",
        rounds.stream()
            .map(
                r -> {
                  if (!(r.metrics().get("timings") instanceof Map<?, ?> t)) {
                    return 0.0;
                  }
                  double rest = num0(t.get("round_s"));
                  for (String s : STAGES) {
                    rest -= num0(t.get(s));
                  }
                  return Math.max(0, rest);
                })
            .toList());
    CategoryChart c = Charts.bars("Seconds per stage", "round", "seconds", true);
    Charts.series(c, cats, series);
    page.figure("timings", c);
    page.end();
  }
}
