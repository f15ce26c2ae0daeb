package io.hardneg.spark.run;

import java.time.Instant;
import org.apache.hadoop.conf.Configuration;

/**
 * Command line of scheduled retraining (deploy/schedule): which run directory to use, and the
 * promotion decision after a run. No SparkContext is started; run it with the application jar on a
 * Hadoop classpath (deploy/bin/submit does). Exit codes: 0 done (promoted or not, printed), 1
 * failure, 2 usage.
 *
 * <pre>
 * next-run --root ROOT                       prints the run directory to train into
 * promote  --root ROOT --run DIR [--metric recall_at_1|map_at_r|r_precision] [--min-gain X]
 * </pre>
 */
public final class Retraining {
  private Retraining() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    String root = null;
    String run = null;
    Promotion.Metric metric = Promotion.Metric.RECALL_AT_1;
    double minGain = 0;
    try {
      if (args.length == 0 || !(args[0].equals("next-run") || args[0].equals("promote"))) {
        throw new IllegalArgumentException("expected next-run or promote");
      }
      for (int i = 1; i < args.length; i++) {
        String v = i + 1 < args.length ? args[i + 1] : null;
        if (v == null) {
          throw new IllegalArgumentException(args[i] + " needs a value");
        }
        switch (args[i]) {
          case "--root" -> root = v;
          case "--run" -> run = v;
          case "--metric" -> metric = Promotion.Metric.parse(v);
          case "--min-gain" -> minGain = Double.parseDouble(v);
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
        i++;
      }
      if (root == null || (args[0].equals("promote") && run == null)) {
        throw new IllegalArgumentException("--root (and for promote --run) are required");
      }
    } catch (IllegalArgumentException e) {
      System.err.println(
          "retraining: "
              + e.getMessage()
              + "\nusage: next-run --root ROOT\n"
              + "       promote --root ROOT --run DIR [--metric recall_at_1|map_at_r|r_precision]"
              + " [--min-gain X]");
      return 2;
    }
    try {
      Promotion p = new Promotion(new Configuration(), root);
      if (args[0].equals("next-run")) {
        System.out.println(p.nextRun(Instant.now()));
      } else {
        Promotion.Decision d = p.decide(run, metric, minGain);
        System.out.println(
            (d.promoted() ? "PROMOTED " : "KEPT current; ")
                + d.run()
                + " round "
                + d.round()
                + ": "
                + d.reason());
      }
      return 0;
    } catch (Exception e) {
      System.err.println("retraining: failed: " + e);
      return 1;
    }
  }
}
