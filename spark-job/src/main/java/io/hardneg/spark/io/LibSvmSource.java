package io.hardneg.spark.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;

import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Reads LibSVM text ({@code LABEL INDEX:VALUE ...}, 1-based ascending indices, blank lines and
 * {@code #} comments skipped, as Spark's own reader) into the raw table. Spark's reader parses the
 * label as a double and fails its task with a bare NumberFormatException on a bad token; this one
 * parses the label exactly ({@link ExactLong}) and records a bad token as the line's problem, so
 * the validator names the file, the line and the token. Ids are the data lines' read order, as
 * before; the dimension is the largest index.
 */
final class LibSvmSource {
  /** More dense features than this is surely a broken index, not a real dimension. */
  static final int MAX_DIM = 1 << 24;

  private LibSvmSource() {}

  /** One data line: exact label (or the problem), sparse features. */
  record Line(
      long line, String file, long label, int[] idx, float[] val, String problem, String value)
      implements Serializable {}

  static Dataset<Row> raw(SparkSession spark, String path, int partitions) {
    Dataset<Row> text;
    try {
      text = spark.read().text(path).select(col("value"), input_file_name());
    } catch (Exception e) {
      throw new InputException(
          path
              + ": cannot read as libsvm: "
              + String.valueOf(e.getMessage()).lines().findFirst().orElse(""),
          e);
    }
    JavaRDD<Line> lines =
        text.javaRDD()
            .zipWithIndex()
            .map(
                (Tuple2<Row, Long> t) ->
                    parse(t._1().getString(0), t._1().getString(1), t._2() + 1))
            .filter(l -> l != null);
    int dim =
        lines
            .map(l -> l.idx().length == 0 ? 0 : l.idx()[l.idx().length - 1] + 1)
            .fold(0, Math::max);
    if (dim > MAX_DIM) {
      long at =
          lines
              .filter(l -> l.idx().length > 0 && l.idx()[l.idx().length - 1] + 1 > MAX_DIM)
              .map(Line::line)
              .fold(Long.MAX_VALUE, Math::min);
      throw new InputException(
          "libsvm:"
              + path
              + ": line "
              + at
              + " has a feature index above "
              + MAX_DIM
              + " (the dimension is the largest index; dense features that wide are "
              + "surely a broken index)");
    }
    int d = dim;
    var rows =
        lines
            .zipWithIndex()
            .map(
                (Tuple2<Line, Long> t) -> {
                  Line l = t._1();
                  float[] dense = new float[d];
                  for (int i = 0; i < l.idx().length; i++) {
                    dense[l.idx()[i]] = l.val()[i];
                  }
                  return RowFactory.create(
                      t._2(), l.label(), dense, l.line(), l.file(), l.problem(), l.value());
                });
    return spark.createDataFrame(rows, InputValidator.RAW).repartition(partitions);
  }

  /** Null for a blank or comment line. */
  static Line parse(String raw, String file, long line) {
    String s = raw.trim();
    if (s.isEmpty() || s.startsWith("#")) {
      return null;
    }
    String[] items = s.split("\\s+");
    Object label = ExactLong.ofString(items[0]);
    if (!(label instanceof Long)) {
      return new Line(
          line,
          file,
          0,
          new int[0],
          new float[0],
          InputValidator.code("label", (ExactLong.Problem) label),
          TableSource.shown(items[0]));
    }
    int[] idx = new int[items.length - 1];
    float[] val = new float[items.length - 1];
    int prev = -1;
    for (int i = 1; i < items.length; i++) {
      String item = items[i];
      int colon = item.indexOf(':');
      String why = null;
      try {
        if (colon <= 0 || colon != item.lastIndexOf(':')) {
          why = "expected INDEX:VALUE";
        } else {
          idx[i - 1] = Integer.parseInt(item.substring(0, colon)) - 1;
          val[i - 1] = Float.parseFloat(item.substring(colon + 1));
          if (idx[i - 1] < 0) {
            why = "indices are 1-based";
          } else if (idx[i - 1] <= prev) {
            why = "indices must ascend";
          }
          prev = idx[i - 1];
        }
      } catch (NumberFormatException e) {
        why = "expected an integer index and a number";
      }
      if (why != null) {
        return new Line(
            line,
            file,
            0,
            new int[0],
            new float[0],
            "token",
            "token '" + TableSource.shown(item) + "' (" + why + ")");
      }
    }
    return new Line(line, file, (Long) label, idx, val, null, null);
  }
}
