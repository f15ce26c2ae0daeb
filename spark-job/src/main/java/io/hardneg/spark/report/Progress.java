package io.hardneg.spark.report;

import java.util.Locale;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's progress: each stage of a round names its Spark jobs (job group {@code
 * round-NNN-stage} and a description, so the Spark UI reads as the pipeline does) and logs one line
 * when it ends, with its count, rate and the run's ETA. The ETA is the mean time of the rounds
 * finished in this process times the rounds still to run, less the time already spent in the
 * current round (nothing of the current round once its last stage, {@value #LAST_STAGE}, is done);
 * before the first round ends it is not known.
 */
public final class Progress {
  /** The stage that ends a round. */
  public static final String LAST_STAGE = "COMMIT";

  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

  private final SparkContext sc;
  private final int lastRound;
  private int roundsDone;
  private double roundSeconds;
  private long roundStart = System.nanoTime();

  /** Progress of rounds up to {@code rounds - 1}. */
  public Progress(SparkContext sc, int rounds) {
    this.sc = sc;
    this.lastRound = rounds - 1;
  }

  /** A stage that is running; {@link #done} ends it. */
  public final class Stage {
    private final int round;
    private final String name;
    private final long start = System.nanoTime();

    private Stage(int round, String name) {
      this.round = round;
      this.name = name;
    }

    /** Logs {@code count} {@code unit} done, the rate and the ETA; clears the job group. */
    public String done(long count, String unit) {
      double s = (System.nanoTime() - start) / 1e9;
      String line =
          String.format(
              Locale.ROOT,
              "round %d (%d/%d) %-8s %,d %s in %.1f s (%s %s/s); %s",
              round,
              round + 1,
              lastRound + 1,
              name,
              count,
              unit,
              s,
              s > 0 ? String.format(Locale.ROOT, "%,.0f", count / s) : "-",
              unit,
              eta(round, name.equals(LAST_STAGE)));
      LOG.info(line);
      sc.clearJobGroup();
      return line;
    }
  }

  /** Marks the start of round {@code r}. */
  public void roundStarted(int r) {
    roundStart = System.nanoTime();
  }

  /** Starts stage {@code name} of round {@code round}: its Spark jobs carry its name. */
  public Stage start(int round, String name, String description) {
    sc.setJobGroup(
        String.format(Locale.ROOT, "round-%03d-%s", round, name.toLowerCase(Locale.ROOT)),
        String.format(Locale.ROOT, "round %d %s: %s", round, name, description),
        false);
    return new Stage(round, name);
  }

  /** Marks round {@code r} as finished (committed). */
  public void roundDone(int r) {
    roundSeconds += (System.nanoTime() - roundStart) / 1e9;
    roundsDone++;
  }

  String eta(int round, boolean roundOver) {
    if (roundOver && round == lastRound) {
      return "run done";
    }
    if (roundsDone == 0) {
      return "ETA after the first round";
    }
    double mean = roundSeconds / roundsDone;
    double inRound = (System.nanoTime() - roundStart) / 1e9;
    double left = (roundOver ? 0 : Math.max(0, mean - inRound)) + mean * (lastRound - round);
    return "ETA " + duration(left);
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }
}
