package io.hardneg.spark.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;

/**
 * Keeps {@code best.json} in the run directory: the committed round with the highest validation
 * MAP@R (ties keep the earlier round), its validation Recall@1, the path of its model and its test
 * metrics. Later rounds can be worse than earlier ones (the mined negatives move with the model),
 * so a run's result is its best round, not its last; selecting it on the validation split (carved
 * from the training side) leaves the test figures unbiased by the choice. Runs without a validation
 * split ({@code eval.validation.fraction = 0}, or written by earlier versions) select on the test
 * set's MAP@R, and {@code best.json} says so ({@code "selected_on": "test"}).
 *
 * <p>The committed rounds' {@code metrics.json} files are the truth: {@link #update} recomputes the
 * best from all of them, so a driver killed while replacing {@code best.json} loses nothing (the
 * next update, or {@link #read}, rebuilds it). Round directories are never touched, so every model
 * stays available.
 */
public final class BestRound {
  public static final String FILE = "best.json";

  /** {@code selected_on} when the validation split picked the round. */
  public static final String VALIDATION = "validation";

  /** {@code selected_on} when the test set picked the round (no validation split). */
  public static final String TEST = "test";

  private BestRound() {}

  /**
   * {@code best.json}.
   *
   * @param round the best round
   * @param selectedOn {@code validation} | {@code test}: the split whose MAP@R picked it
   * @param mapAtR its MAP@R on that split
   * @param recallAt1 its Recall@1 on that split
   * @param model its model file, relative to the run directory
   * @param modelHash its model's {@link io.hardneg.core.model.ModelId}
   * @param test its test-set metrics (the top-level retrieval keys of its {@code metrics.json})
   */
  public record Best(
      int round,
      String selectedOn,
      double mapAtR,
      Double recallAt1,
      String model,
      String modelHash,
      Map<String, Object> test) {}

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
    Map<Integer, Map<String, Object>> rounds = new LinkedHashMap<>();
    for (int r = 0; r <= dir.lastCommittedRound(); r++) {
      Path round = dir.round(r);
      if (dir.fs().exists(new Path(round, RunDirectory.SUCCESS))) {
        // the file, not a RoundMetrics: rounds written by earlier versions are read too
        rounds.put(
            r,
            Json.read(
                new String(
                    dir.readBytes(new Path(round, "metrics.json")), StandardCharsets.UTF_8)));
      }
    }
    // one split for every round: validation only when every committed round has it
    boolean onValidation =
        !rounds.isEmpty()
            && rounds.values().stream().allMatch(m -> m.get(VALIDATION) instanceof Map<?, ?>);
    Best best = null;
    double bestMap = Double.NEGATIVE_INFINITY;
    for (Map.Entry<Integer, Map<String, Object>> e : rounds.entrySet()) {
      Map<String, Object> m = e.getValue();
      Map<?, ?> selection = onValidation ? (Map<?, ?>) m.get(VALIDATION) : m;
      double map = ((Number) selection.get("map_at_r")).doubleValue();
      if (map > bestMap) {
        bestMap = map;
        int r = e.getKey();
        best =
            new Best(
                r,
                onValidation ? VALIDATION : TEST,
                map,
                selection.get("recall_at_1") instanceof Number n ? n.doubleValue() : null,
                String.format(Locale.ROOT, "round-%03d/model.zip", r),
                (String) m.get("model"),
                testMetrics(m));
      }
    }
    return best;
  }

  /** The headline retrieval keys at the top of a round's metrics.json (the test set's). */
  private static Map<String, Object> testMetrics(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach(
        (k, v) -> {
          if (v instanceof Number
              && (k.startsWith("recall_at_")
                  || k.equals("precision_at_1")
                  || k.equals("r_precision")
                  || k.equals("map_at_r")
                  || k.equals("nmi"))) {
            out.put(k, v);
          }
        });
    return out;
  }
}
