package io.hardneg.spark.report;

import java.util.List;
import java.util.Map;

/**
 * What the report is built from, as the run directory holds it: {@code run.json}, {@code
 * baselines.json}, every committed round's files, and the latest round's projection and
 * triplet-grid tables (null when absent). JSON files come as parsed maps (empty when absent): the
 * page reads back whatever version of the files a run wrote.
 */
record RunFiles(
    String root,
    Map<String, Object> run,
    Map<String, Object> baselines,
    List<Round> rounds,
    String projection,
    String images) {

  /** One committed round's files. */
  record Round(
      int round,
      Map<String, Object> metrics,
      Map<String, Object> mining,
      Map<String, Object> hardness) {}

  /** The rounds' numbers, as a chart's x values. */
  double[] roundsX() {
    return rounds.stream().mapToDouble(Round::round).toArray();
  }

  /** "round N" per round, as a bar chart's categories. */
  List<String> roundNames() {
    return rounds.stream().map(r -> "round " + r.round()).toList();
  }
}
