package io.hardneg.spark;

import io.hardneg.spark.config.ConfigException;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.config.Settings;
import io.hardneg.spark.io.InputException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FSError;
import org.apache.spark.sql.SparkSession;

/**
 * Command line and spark-submit entry. {@link #run} returns an exit code; only {@link #main} exits.
 * Options are validated before a SparkSession is built.
 *
 * <p>Long on purpose: the usage text and the mapping of every failure to its exit code and its one
 * line stay together, so the documented exit codes can be checked against one file.
 *
 * <pre>
 * hardneg train [--conf FILE]... [--set KEY=VALUE]... [--out DIR] [--master URL] [--stacktrace]
 * hardneg mine  [--model ZIP] [--conf FILE]... [--set KEY=VALUE]... [--out DIR] [--master URL]
 * hardneg evaluate [--model ZIP] [--input PATH] [same options]
 * hardneg views --images FILE --labels FILE --out DIR [--views V] [--sources N] [--seed S] ...
 * </pre>
 */
public final class Main {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int BAD_INPUT = 3;

  /** The output (run directory) cannot be created or written. */
  public static final int OUTPUT = 4;

  private static final String USAGE_TEXT =
      """
      usage: hardneg train [--conf FILE]... [--set KEY=VALUE]... [--out DIR] [--master URL]
                           [--stacktrace]
             hardneg mine [--model ZIP] [same options]
             hardneg evaluate [--model ZIP] [--input PATH] [same options]
             hardneg views --images FILE --labels FILE --out DIR [--views V] [--sources N]
                           [--seed S] [--offset K] [--partitions P] [--csv] [--master URL]
        train      rounds of embed -> mine (global hard/semi-hard negatives) -> train -> evaluate
        mine       embed -> search -> mine once over the whole input (offline triplet mining);
                   without --model the normalised input features are the embedding
        evaluate   Recall@K, Precision@1, R-Precision, MAP@R, NMI and per-class metrics of a
                   model over every item of the input (exact kNN, self excluded); prints JSON,
                   with --out also writes DIR/evaluation.json
        views      a many-class near-duplicate task (Parquet items and pairs) from IDX images:
                   each source image is a class of V seeded augmented views
        --input    the items: a table path (sets input.path; parquet, csv, libsvm) or, for
                   idx input, IMAGES,LABELS
        --model    a DL4J model zip (e.g. <run>/round-002/model.zip), any Hadoop FS path
        --conf     a configuration file (key = value; see conf/hardneg.conf); later ones win
        --set      one setting, overriding the files
        --out      the run directory (same as --set output=DIR); a rerun resumes it
        --master   Spark master for a run outside spark-submit, e.g. local[2]
        --stacktrace  print the full stack trace of a failure, and Spark's own failure
                   reports on the console (without it they go to the log file only)
      """;

  private Main() {}

  public static void main(String[] args) throws org.apache.spark.SparkUserAppException {
    int code = run(System.out, System.err, args);
    if (inYarnApplicationMaster()) {
      // YARN cluster mode: the ApplicationMaster calls main in a thread and reports the outcome
      // to YARN when main returns or throws. System.exit would end the JVM first, and its shutdown
      // hook marks the application FAILED (and YARN retries it), success or not.
      if (code != OK) {
        throw new org.apache.spark.SparkUserAppException(code);
      }
      return;
    }
    System.exit(code);
  }

  /** Whether this JVM is a YARN ApplicationMaster running the driver (cluster deploy mode). */
  static boolean inYarnApplicationMaster() {
    // the ApplicationMaster sets these before it calls main; spark-submit's client-mode driver
    // has deployMode client, a standalone cluster-mode driver master spark://...
    return "yarn".equals(System.getProperty("spark.master"))
        && "cluster".equals(System.getProperty("spark.submit.deployMode"));
  }

  /** Runs a command; returns the exit code. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    boolean stacktrace = List.of(args).contains("--stacktrace");
    JobConfig cfg;
    String master = null;
    String model = null;
    String outDir = null;
    String input = null;
    if (args.length > 0 && args[0].equals("views")) {
      return views(out, err, stacktrace, args);
    }
    try {
      if (args.length == 0 || !List.of("train", "mine", "evaluate").contains(args[0])) {
        err.print(
            args.length > 0 && !args[0].startsWith("-") && !args[0].equals("help")
                ? "unknown command '" + args[0] + "'\n" + USAGE_TEXT
                : USAGE_TEXT);
        return args.length > 0 && args[0].equals("help") ? OK : USAGE;
      }
      Settings settings = new Settings();
      List<String[]> sets = new ArrayList<>();
      for (int i = 1; i < args.length; i++) {
        switch (args[i]) {
          case "--conf" -> settings.load(Path.of(value(args, ++i, "--conf")));
          case "--set" -> {
            String kv = value(args, ++i, "--set");
            int eq = kv.indexOf('=');
            if (eq <= 0) {
              throw new ConfigException("--set needs KEY=VALUE, got '" + kv + "'");
            }
            sets.add(new String[] {kv.substring(0, eq), kv.substring(eq + 1)});
          }
          case "--out" -> {
            outDir = value(args, ++i, "--out");
            sets.add(new String[] {"output", outDir});
          }
          case "--input" -> {
            if (!args[0].equals("evaluate")) {
              throw new ConfigException(
                  "--input belongs to 'hardneg evaluate' (use --set "
                      + "input.path=... or input.images/input.labels with train and mine)");
            }
            input = value(args, ++i, "--input");
          }
          case "--master" -> master = value(args, ++i, "--master");
          case "--model" -> {
            if (args[0].equals("train")) {
              throw new ConfigException(
                  "--model belongs to 'hardneg mine' and 'hardneg " + "evaluate'");
            }
            model = value(args, ++i, "--model");
          }
          case "--stacktrace" -> {}
          default -> throw new ConfigException("unknown option '" + args[i] + "'\n" + USAGE_TEXT);
        }
      }
      for (String[] kv : sets) {
        settings.set(kv[0], kv[1], "command line");
      }
      if (input != null) {
        inputSettings(settings, input);
      }
      cfg = JobConfig.from(settings);
    } catch (ConfigException e) {
      err.println("hardneg: " + e.getMessage());
      if (stacktrace) {
        e.printStackTrace(err);
      }
      return USAGE;
    }
    ConsoleLog.quiet(!stacktrace);
    try {
      SparkSession spark = SparkSessions.create(master, cfg.partitions());
      try {
        if (args[0].equals("mine")) {
          new MineJob(spark, cfg, model, out).run();
        } else if (args[0].equals("evaluate")) {
          new EvaluateJob(spark, cfg, model, outDir, out).run();
        } else {
          new TrainJob(spark, cfg, out).run();
        }
      } finally {
        if (master != null) {
          spark.stop();
        }
      }
      return OK;
    } catch (Exception | FSError e) {
      return exit(err, stacktrace, e, cfg.output());
    }
  }

  /** {@code hardneg views}: options checked before a SparkSession is built, like the others. */
  private static int views(PrintStream out, PrintStream err, boolean stacktrace, String[] args) {
    ViewsJob.Options opt;
    try {
      opt = ViewsJob.Options.parse(args);
    } catch (ConfigException e) {
      err.println("hardneg: " + e.getMessage());
      return USAGE;
    }
    ConsoleLog.quiet(!stacktrace);
    try {
      SparkSession spark = SparkSessions.create(opt.master(), opt.partitions());
      try {
        new ViewsJob(spark, opt, out).run();
      } finally {
        if (opt.master() != null) {
          spark.stop();
        }
      }
      return OK;
    } catch (Exception | FSError e) {
      return exit(err, stacktrace, e, opt.out());
    }
  }

  /**
   * Maps a command's failure to its exit code and its one line (docs/reliability.md): bad input
   * (also when found inside a Spark task) 3, configuration 2, output (also a full disk) 4, else 1.
   *
   * @param output the command's output path, named when a full disk's message does not
   */
  private static int exit(PrintStream err, boolean stacktrace, Throwable e, String output) {
    if (e instanceof ConfigException) {
      return fail(err, stacktrace, USAGE, e.getMessage(), e);
    }
    if (e instanceof io.hardneg.spark.run.OutputException) {
      return fail(err, stacktrace, OUTPUT, "output not writable: " + e.getMessage(), e);
    }
    // a bad row found inside a Spark task reaches the driver wrapped in a SparkException
    InputException input =
        e instanceof InputException direct
            ? direct
            : io.hardneg.spark.io.SparkFailures.inputException(e);
    if (input != null) {
      return fail(err, stacktrace, BAD_INPUT, "bad input: " + input.getMessage(), e);
    }
    String full = diskFull(e);
    if (full != null) {
      // a write inside an executor (Parquet) reaches the driver as a SparkException; one on
      // the driver through Hadoop's local file system as an FSError (an Error)
      return fail(
          err,
          stacktrace,
          OUTPUT,
          "output not writable (disk full or quota exceeded): "
              + full
              + (output == null || full.contains(output) ? "" : " (writing under " + output + ")"),
          e);
    }
    // the cause of an unexpected failure is often an error Spark logged before it (kept off
    // the quiet console): name it in the one line
    String logged = stacktrace ? null : ConsoleLog.takeLastError();
    int code =
        fail(
            err,
            stacktrace,
            FAILED,
            "failed: " + e + (logged == null ? "" : " (last error logged: " + logged + ")"),
            e);
    if (!stacktrace) {
      err.println("(run with --stacktrace for details)");
    }
    return code;
  }

  /**
   * Reports a failure: its one line on {@code err}; its stack trace on {@code err} with {@code
   * --stacktrace}, and always in the log file (logger {@code hardneg.failure}, which {@link
   * ConsoleLog} keeps off the console).
   */
  private static int fail(PrintStream err, boolean stacktrace, int code, String line, Throwable e) {
    err.println("hardneg: " + line);
    ConsoleLog.FAILURE.error(line, e);
    if (stacktrace) {
      e.printStackTrace(err);
    }
    return code;
  }

  /** The first line naming a full disk or an exceeded HDFS quota in the causes, or null. */
  static String diskFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (t.getClass().getName().endsWith("QuotaExceededException")
          || m.contains("No space left on device")
          || m.contains("QuotaExceededException")) {
        // a task's failure quotes the executor's trace: keep the reason, not its framing
        return m.lines()
            .filter(l -> l.contains("No space left") || l.contains("uota"))
            .findFirst()
            .orElse(m.lines().findFirst().orElse(""))
            .strip()
            .replaceFirst("^Caused by: ", "")
            .replace("org.apache.hadoop.fs.FSError: ", "");
      }
    }
    return null;
  }

  /** {@code --input}: IMAGES,LABELS for idx input, else the table path. */
  private static void inputSettings(Settings settings, String input) {
    boolean idx = settings.string("input.format", "idx").trim().equalsIgnoreCase("idx");
    if (idx) {
      String[] parts = input.split(",", -1);
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        throw new ConfigException(
            "--input for idx input needs IMAGES,LABELS (two paths, comma "
                + "separated), got '"
                + input
                + "'; for a table set input.format first");
      }
      settings.set("input.images", parts[0], "--input");
      settings.set("input.labels", parts[1], "--input");
    } else {
      settings.set("input.path", input, "--input");
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new ConfigException(option + " needs a value");
    }
    return args[i];
  }
}
