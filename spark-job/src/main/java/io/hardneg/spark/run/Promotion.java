package io.hardneg.spark.run;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * Scheduled retraining on any Hadoop FileSystem: a root holds one versioned run directory per
 * scheduled run ({@code runs/<yyyyMMdd-HHmmss>}) and a {@code current} pointer, a small JSON file
 * naming the promoted run, its round and model. A run is promoted only if its last committed round
 * beats the current model on the chosen evaluation metric; the pointer is then replaced atomically
 * (an overwriting rename: HDFS {@code rename2}, POSIX {@code rename(2)}) and nothing is deleted, so
 * every earlier model stays where it was. Each decision is written to the run's {@code
 * promotion.json}, which also marks the run as finished for {@link #nextRun}.
 *
 * <p>The comparison uses the metrics each run recorded on its own evaluation split; they are
 * comparable when runs share the seed and the evaluation items (the split is a hash of seed and
 * id), which is the case when a retraining pipeline refreshes the same dataset.
 *
 * <p>Long on purpose: the pointer's format, the decision and its atomic replacement are one
 * protocol; split apart, a reader would have to reassemble it to check that no crash between two
 * steps can leave a pointer naming an unfinished run.
 */
public final class Promotion {
  public static final String POINTER = "current";
  public static final String DECISION = "promotion.json";
  public static final String RUNS = "runs";
  private static final DateTimeFormatter RUN_ID =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** Evaluation metrics a promotion may compare; higher is better for each. */
  public enum Metric {
    RECALL_AT_1("recall_at_1"),
    MAP_AT_R("map_at_r"),
    R_PRECISION("r_precision");

    private final String key;

    Metric(String key) {
      this.key = key;
    }

    /** The key in metrics.json. */
    public String key() {
      return key;
    }

    /** By its metrics.json key. */
    public static Metric parse(String s) {
      for (Metric m : values()) {
        if (m.key.equals(s)) {
          return m;
        }
      }
      throw new IllegalArgumentException(
          "unknown metric '"
              + s
              + "'; expected one of "
              + Arrays.stream(values()).map(Metric::key).toList());
    }
  }

  /** The outcome: whether the run became current, and the values compared. */
  public record Decision(
      boolean promoted,
      String run,
      int round,
      double value,
      String previousRun,
      Double previousValue,
      String reason) {
    public Decision {
      if (run == null || reason == null) {
        throw new IllegalArgumentException("run and reason are required");
      }
    }
  }

  /**
   * The {@code current} pointer.
   *
   * @param run the promoted run directory
   * @param round its promoted round
   * @param model the round's model file
   * @param modelHash the model's {@link io.hardneg.core.model.ModelId} (from its metrics)
   * @param metric the metric it was promoted on
   * @param value its value
   * @param promoted when, ISO-8601
   */
  public record Pointer(
      String run,
      int round,
      String model,
      String modelHash,
      String metric,
      double value,
      String promoted) {}

  /** A run's {@code promotion.json}: the decision and the values compared. */
  record DecisionFile(
      boolean promoted,
      String reason,
      String metric,
      int round,
      double value,
      String previousRun,
      Double previousValue,
      String decided) {}

  private final FileSystem fs;
  private final Configuration conf;
  private final Path root;

  /** The retraining root (any Hadoop FileSystem path). */
  public Promotion(Configuration conf, String root) throws IOException {
    this.conf = conf;
    Path p = new Path(root);
    this.fs = p.getFileSystem(conf);
    this.root = fs.makeQualified(p);
  }

  public Path pointer() {
    return new Path(root, POINTER);
  }

  /**
   * The run directory a scheduled run should use: the newest run without a promotion decision (an
   * interrupted run, which the job resumes), else a new one named by {@code now}.
   */
  public Path nextRun(Instant now) throws IOException {
    Path runs = new Path(root, RUNS);
    if (fs.exists(runs)) {
      FileStatus[] all = fs.listStatus(runs);
      Arrays.sort(all, (a, b) -> b.getPath().getName().compareTo(a.getPath().getName()));
      for (FileStatus s : all) {
        if (s.isDirectory()
            && !s.getPath().getName().startsWith("_")
            && !s.getPath().getName().startsWith(".")) {
          if (!fs.exists(new Path(s.getPath(), DECISION))) {
            return s.getPath();
          }
          break;
        }
      }
    }
    return new Path(runs, RUN_ID.format(now));
  }

  /** The current pointer's content, or null when nothing was promoted yet. */
  public Pointer current() throws IOException {
    Path p = pointer();
    if (!fs.exists(p)) {
      return null;
    }
    Map<String, Object> m;
    try (var in = fs.open(p)) {
      m = Json.read(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    Object hash = m.get("model_hash"); // absent in pointers written by earlier versions
    return new Pointer(
        String.valueOf(m.get("run")),
        ((Number) m.get("round")).intValue(),
        String.valueOf(m.get("model")),
        hash == null ? null : hash.toString(),
        String.valueOf(m.get("metric")),
        ((Number) m.get("value")).doubleValue(),
        String.valueOf(m.get("promoted")));
  }

  /**
   * Decides on {@code runDir}'s last committed round: promotes it if its {@code metric} exceeds the
   * current model's by more than {@code minGain} (or if nothing is current), then records the
   * decision in the run directory.
   *
   * @throws IllegalStateException if the run has no committed round or no value for the metric
   */
  public Decision decide(String runDir, Metric metric, double minGain) throws IOException {
    RunDirectory run = new RunDirectory(conf, runDir);
    int round = run.lastCommittedRound();
    if (round < 0) {
      throw new IllegalStateException(
          run.root() + ": no committed round (round-NNN/_SUCCESS) " + "to promote");
    }
    Map<String, Object> metrics = metrics(run, round);
    double value = metricOf(metrics, run, round, metric);
    Pointer cur = current();
    Decision d;
    if (cur == null) {
      d =
          new Decision(
              true, run.root().toString(), round, value, null, null, "nothing is current yet");
    } else {
      String prevRun = cur.run();
      int prevRound = cur.round();
      // the previous model's value is re-read from its own metrics, whatever metric it was
      // promoted on
      RunDirectory prevDir = new RunDirectory(conf, prevRun);
      double prev = metricOf(metrics(prevDir, prevRound), prevDir, prevRound, metric);
      if (prevRun.equals(run.root().toString()) && prevRound == round) {
        d =
            new Decision(
                false, run.root().toString(), round, value, prevRun, prev, "already current");
      } else if (value > prev + minGain) {
        d =
            new Decision(
                true,
                run.root().toString(),
                round,
                value,
                prevRun,
                prev,
                String.format(
                    Locale.ROOT,
                    "%s %.6f beats current %.6f by more than %s",
                    metric.key(),
                    value,
                    prev,
                    minGain));
      } else {
        d =
            new Decision(
                false,
                run.root().toString(),
                round,
                value,
                prevRun,
                prev,
                String.format(
                    Locale.ROOT,
                    "%s %.6f does not beat current %.6f by more than %s",
                    metric.key(),
                    value,
                    prev,
                    minGain));
      }
    }
    if (d.promoted()) {
      replace(
          pointer(),
          Json.write(
              new Pointer(
                  d.run(),
                  round,
                  run.round(round) + "/model.zip",
                  (String) metrics.get("model"),
                  metric.key(),
                  value,
                  Instant.now().toString())));
    }
    run.writeAtomically(
        DECISION,
        Json.write(
            new DecisionFile(
                d.promoted(),
                d.reason(),
                metric.key(),
                round,
                value,
                d.previousRun(),
                d.previousValue(),
                Instant.now().toString())));
    return d;
  }

  /** A committed round's metrics.json as written (any hardneg version's). */
  private static Map<String, Object> metrics(RunDirectory run, int round) throws IOException {
    Path file = new Path(run.round(round), "metrics.json");
    if (!run.fs().exists(file)) {
      throw new IllegalStateException(file + ": missing");
    }
    return Json.read(new String(run.readBytes(file), StandardCharsets.UTF_8));
  }

  private static double metricOf(
      Map<String, Object> metrics, RunDirectory run, int round, Metric metric) {
    Path file = new Path(run.round(round), "metrics.json");
    Object v = metrics.get(metric.key());
    if (!(v instanceof Number n) || Double.isNaN(n.doubleValue())) {
      throw new IllegalStateException(
          file + ": " + metric.key() + " is " + v + ", expected a number");
    }
    return n.doubleValue();
  }

  /** Replaces {@code target} with new content in one atomic step; readers see old or new. */
  private void replace(Path target, String text) throws IOException {
    fs.mkdirs(target.getParent());
    Path tmp = new Path(target.getParent(), "_tmp-" + target.getName() + "-" + UUID.randomUUID());
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if ("file".equals(fs.getUri().getScheme())) {
      // Hadoop's local rename-with-overwrite deletes first; rename(2) replaces in one step
      java.nio.file.Path t = java.nio.file.Path.of(target.toUri());
      java.nio.file.Path s = java.nio.file.Path.of(tmp.toUri());
      Files.write(s, bytes);
      Files.move(s, t, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    try (OutputStream out = fs.create(tmp, false)) {
      out.write(bytes);
    }
    // HDFS: rename2 with OVERWRITE is one atomic NameNode operation
    FileContext.getFileContext(fs.getUri(), conf).rename(tmp, target, Options.Rename.OVERWRITE);
  }
}
