package io.hardneg.spark.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reading values out of parsed result files, and writing them into the page. */
final class ReportValues {
  private ReportValues() {}

  /** A number, or NaN when absent or not a number. */
  static double num(Object o) {
    return o instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  /** A number, or 0 when absent or not finite. */
  static double num0(Object o) {
    double v = num(o);
    return Double.isFinite(v) ? v : 0.0;
  }

  /** Four decimals, or a dash when not finite. */
  static String fmt(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "–";
  }

  /** The value as escaped text, empty when absent. */
  static String str(Object o) {
    return o == null ? "" : esc(String.valueOf(o));
  }

  /** A JSON list of numbers (empty when absent). */
  static List<Double> doubles(Object o) {
    List<Double> out = new ArrayList<>();
    if (o instanceof List<?> l) {
      for (Object x : l) {
        out.add(num(x));
      }
    }
    return out;
  }

  /** The list as an array. */
  static double[] arr(List<Double> l) {
    return l.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** HTML-escaped text. */
  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
