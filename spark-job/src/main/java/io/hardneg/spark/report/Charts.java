package io.hardneg.spark.report;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * XChart charts of the report, rendered headless to SVG for inlining. Every chart of one page gets
 * its own id prefix: VectorGraphics2D names clip paths {@code clip1, clip2, ...} in every document,
 * and inline SVGs share the page's id space.
 */
final class Charts {
  static final int WIDTH = 760;
  static final int HEIGHT = 360;
  private static final Color[] PALETTE = {
    new Color(0x1f77b4),
    new Color(0xff7f0e),
    new Color(0x2ca02c),
    new Color(0xd62728),
    new Color(0x9467bd),
    new Color(0x8c564b),
    new Color(0xe377c2),
    new Color(0x7f7f7f),
    new Color(0xbcbd22),
    new Color(0x17becf)
  };

  private Charts() {}

  /** An XY chart with the report's style. */
  static XYChart xy(String title, String xTitle, String yTitle) {
    XYChart c =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle(yTitle)
            .build();
    style(c.getStyler());
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    return c;
  }

  /** A category (bar) chart with the report's style. */
  static CategoryChart bars(String title, String xTitle, String yTitle, boolean stacked) {
    CategoryChart c =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle(yTitle)
            .build();
    style(c.getStyler());
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setStacked(stacked);
    c.getStyler().setOverlapped(false);
    return c;
  }

  private static void style(org.knowm.xchart.style.AxesChartStyler s) {
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotBorderVisible(true);
    s.setSeriesColors(PALETTE);
    s.setAntiAlias(true);
    s.setMarkerSize(6);
  }

  /** A line with round markers. */
  static XYSeries line(XYChart c, String name, double[] x, double[] y) {
    XYSeries s = c.addSeries(name, x, y);
    s.setMarker(SeriesMarkers.CIRCLE);
    return s;
  }

  /** A dashed reference line without markers (baselines). */
  static XYSeries reference(XYChart c, String name, double[] x, double[] y) {
    XYSeries s = c.addSeries(name, x, y);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineStyle(SeriesLines.DASH_DASH);
    return s;
  }

  /** Adds the series of a bar chart (one per key), categories in order. */
  static void series(CategoryChart c, List<String> categories, Map<String, List<Double>> series) {
    series.forEach((name, values) -> c.addSeries(name, categories, values));
  }

  /** The chart as an {@code <svg>} element for inlining, ids prefixed with {@code prefix}. */
  static String svg(Chart<?, ?> chart, String prefix) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      VectorGraphicsEncoder.saveVectorGraphic(
          chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot render chart " + prefix, e);
    }
    String s = out.toString(StandardCharsets.UTF_8);
    int start = s.indexOf("<svg");
    if (start < 0) {
      throw new IllegalStateException("chart " + prefix + " rendered without an <svg> element");
    }
    s = s.substring(start);
    // make every id and reference unique on the page
    s =
        s.replace("id=\"", "id=\"" + prefix + "-")
            .replace("url(#", "url(#" + prefix + "-")
            .replace("href=\"#", "href=\"#" + prefix + "-");
    return s.replaceFirst("<svg", "<svg class=\"chart-svg\" data-chart=\"" + prefix + "\"");
  }
}
