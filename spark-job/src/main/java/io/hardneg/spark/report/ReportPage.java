package io.hardneg.spark.report;

import static io.hardneg.spark.report.ReportValues.esc;
import static io.hardneg.spark.report.ReportValues.str;

import java.io.IOException;
import java.time.Instant;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * The page: the self-contained HTML document (inline style, charts as inline SVG) around its
 * sections, which {@link RetrievalSections}, {@link TrainingSections}, {@link MiningSections} and
 * {@link LatestRoundSections} append in the page's order.
 */
final class ReportPage {
  private static final String CSS =
      "body{font-family:sans-serif;margin:24px auto;"
          + "max-width:1100px;color:#222}h1{margin-bottom:4px}h2{border-bottom:1px solid #ccc;"
          + "padding-bottom:4px;margin-top:32px}.meta{color:#666;font-size:13px}"
          + ".note{color:#666;font-style:italic}figure{margin:12px 0}"
          + "figure.chart svg{max-width:100%;height:auto;display:block}"
          + "table{border-collapse:collapse;font-size:13px;margin:8px 0}"
          + "td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}"
          + "td:first-child,th:first-child{text-align:left}tr.baseline{color:#777}";

  private final StringBuilder body = new StringBuilder();
  private int charts;

  private ReportPage() {}

  /** The page of the run's files, every section in order. */
  static ReportPage of(RunFiles run) throws IOException {
    ReportPage page = new ReportPage();
    RetrievalSections retrieval = new RetrievalSections(page, run);
    TrainingSections training = new TrainingSections(page, run);
    MiningSections mining = new MiningSections(page, run);
    LatestRoundSections latest = new LatestRoundSections(page, run);
    retrieval.summary();
    retrieval.retrieval();
    training.loss();
    mining.histograms();
    mining.mix();
    mining.annRecall();
    training.timings();
    latest.projection();
    latest.perClass();
    latest.tripletGrid();
    return page;
  }

  /** The HTML document of the sections appended so far. */
  String html(RunFiles run) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"generator\" content=\"hardneg\"><title>hardneg run report: "
        + esc(run.root())
        + "</title><style>"
        + CSS
        + "</style></head><body>\n"
        + "<h1>hardneg run report</h1>\n<p class=\"meta\">"
        + esc(run.root())
        + "<br>"
        + run.rounds().size()
        + " committed round(s); started "
        + esc(str(run.run().get("started")))
        + "; report built "
        + Instant.now()
        + "</p>\n"
        + body
        + "</body></html>\n";
  }

  /** Charts on the page. */
  int charts() {
    return charts;
  }

  /** The page body, for sections to append their tables to. */
  StringBuilder body() {
    return body;
  }

  /** Opens a section; {@code intro} (HTML) is its first paragraph when not null. */
  void section(String id, String title, String intro) {
    body.append("<section id=\"").append(id).append("\"><h2>").append(esc(title)).append("</h2>");
    if (intro != null) {
      body.append("<p>").append(intro).append("</p>");
    }
  }

  /** Closes the open section. */
  void end() {
    body.append("</section>\n");
  }

  /** Appends a chart as inline SVG. */
  void figure(String id, Chart<?, ?> chart) {
    charts++;
    body.append("<figure class=\"chart\" id=\"chart-")
        .append(id)
        .append("\">")
        .append(Charts.svg(chart, "c" + charts))
        .append("</figure>\n");
  }

  /** Appends a note (HTML). */
  void note(String text) {
    body.append("<p class=\"note\">").append(text).append("</p>");
  }
}
