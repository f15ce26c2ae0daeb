package io.hardneg.spark.report;

import io.hardneg.spark.report.RunFiles.Round;
import io.hardneg.spark.run.Json;
import io.hardneg.spark.run.RunDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds {@code report.html} from what a run directory holds (run.json, baselines.json and every
 * committed round's metrics.json, mining.json and {@link RoundTables}' tables) and writes it
 * atomically (a hidden temporary file, then a rename). The page is self-contained: charts are
 * XChart SVG inlined in the page, the triplet grid a base64 PNG, the style inline; nothing is
 * fetched ({@link ReportPage}). Rebuilt after every committed round, so it always shows every round
 * so far.
 */
public final class ReportWriter {
  public static final String FILE = "report.html";
  private static final Logger LOG = LoggerFactory.getLogger(ReportWriter.class);
  private static final Pattern ROUND = Pattern.compile("round-(\\d{3,})");

  static {
    // charts and the triplet grid are drawn off-screen: no display on a cluster driver
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private ReportWriter() {}

  /** Rebuilds {@code <run>/report.html}; returns the number of charts in it. */
  public static int write(RunDirectory dir) throws IOException {
    long t0 = System.nanoTime();
    List<Round> rounds = new ArrayList<>();
    Map<Integer, Path> dirs = new TreeMap<>();
    for (FileStatus s : dir.fs().listStatus(dir.root())) {
      Matcher m = ROUND.matcher(s.getPath().getName());
      if (s.isDirectory()
          && m.matches()
          && dir.fs().exists(new Path(s.getPath(), RunDirectory.SUCCESS))) {
        dirs.put(Integer.parseInt(m.group(1)), s.getPath());
      }
    }
    for (Map.Entry<Integer, Path> e : dirs.entrySet()) {
      rounds.add(
          new Round(
              e.getKey(),
              json(dir, new Path(e.getValue(), "metrics.json")),
              json(dir, new Path(e.getValue(), "mining.json")),
              json(dir, new Path(e.getValue(), "hardness.json"))));
    }
    Path last = dirs.isEmpty() ? null : dirs.get(((TreeMap<Integer, Path>) dirs).lastKey());
    RunFiles run =
        new RunFiles(
            dir.root().toString(),
            json(dir, new Path(dir.root(), "run.json")),
            json(dir, new Path(dir.root(), "baselines.json")),
            rounds,
            last == null ? null : text(dir, new Path(last, "eval-embeddings-2d.csv")),
            last == null ? null : text(dir, new Path(last, "triplet-images.csv")));
    ReportPage page = ReportPage.of(run);
    String html = page.html(run);
    dir.writeAtomically(FILE, html);
    LOG.info(
        "report: {} charts over {} rounds -> {} ({} s)",
        page.charts(),
        rounds.size(),
        new Path(dir.root(), FILE),
        Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
    return page.charts();
  }

  private static Map<String, Object> json(RunDirectory dir, Path p) throws IOException {
    String t = text(dir, p);
    return t == null ? Map.of() : Json.read(t);
  }

  private static String text(RunDirectory dir, Path p) throws IOException {
    if (!dir.fs().exists(p)) {
      return null;
    }
    return new String(dir.readBytes(p), StandardCharsets.UTF_8);
  }
}
