package io.hardneg.spark.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;

/**
 * Keeps {@code best.json} in the run directory: the committed round with the highest evaluation
 * MAP@R (ties keep the earlier round), its Recall@1 and the path of its model. Later rounds can be
 * worse than earlier ones (the mined negatives move with the model), so a run's result is its best
 * round, not its last.
 *
 * <p>The committed rounds' {@code metrics.json} files are the truth: {@link #update} recomputes the
 * best from all of them, so a driver killed while replacing {@code best.json} loses nothing (the
 * next update, or {@link #read}, rebuilds it). Round directories are never touched, so every model
 * stays available.
 */
public final class BestRound {
  public static final String FILE = "best.json";

  private BestRound() {}

  /**
   * {@code best.json}.
   *
   * @param round the best round
   * @param mapAtR its MAP@R
   * @param recallAt1 its Recall@1
   * @param model its model file, relative to the run directory
   * @param modelHash its model's {@link io.hardneg.core.model.ModelId}
   */
  public record Best(int round, double mapAtR, Double recallAt1, String model, String modelHash) {}

  /**
   * Recomputes the best committed round and replaces {@code best.json} atomically.
   *
   * @return the best round, or null when no round is committed
   */
  public static Best update(RunDirectory dir) throws IOException {
    Best best = scan(dir);
    if (best != null) {
      dir.writeAtomically(FILE, Json.write(best));
    }
    return best;
  }

  /** The best committed round (from the rounds themselves), or null when none is committed. */
  public static Best read(RunDirectory dir) throws IOException {
    return scan(dir);
  }

  private static Best scan(RunDirectory dir) throws IOException {
    Best best = null;
    double bestMap = Double.NEGATIVE_INFINITY;
    for (int r = 0; r <= dir.lastCommittedRound(); r++) {
      Path round = dir.round(r);
      if (!dir.fs().exists(new Path(round, RunDirectory.SUCCESS))) {
        continue;
      }
      // the file, not a RoundMetrics: rounds written by earlier versions are read too
      Map<String, Object> m =
          Json.read(
              new String(dir.readBytes(new Path(round, "metrics.json")), StandardCharsets.UTF_8));
      double map = ((Number) m.get("map_at_r")).doubleValue();
      if (map > bestMap) {
        bestMap = map;
        Object recall = m.get("recall_at_1");
        best =
            new Best(
                r,
                map,
                recall instanceof Number n ? n.doubleValue() : null,
                String.format(Locale.ROOT, "round-%03d/model.zip", r),
                (String) m.get("model"));
      }
    }
    return best;
  }
}
