package io.hardneg.spark.result;

import io.hardneg.core.mining.MiningConfig;
import io.hardneg.core.mining.MiningStats;
import io.hardneg.core.search.SearchReport;
import java.util.Locale;
import java.util.Map;

/**
 * {@code mining.json}, the same for a training round and for {@code hardneg mine}.
 *
 * @param round the round (0 for {@code hardneg mine}), as in the triplets' {@code round} column
 * @param model the {@link io.hardneg.core.model.ModelId} the embeddings came from, or {@code raw};
 *     the triplets' {@code model} column
 * @param mode {@code class} (positives share the label) or {@code pairs} (known pairs)
 * @param search how and where the negative search ran (placement, lists, recall sample)
 * @param positives how the positives were chosen: {@code policy} ({@code random}, {@code hardest}
 *     or {@code pairs}); for {@code random}, the cycle's {@code tasks} and {@code largest_task},
 *     the most rows one of its tasks held
 * @param anchors anchors considered
 * @param triplets triplets mined
 * @param byKind triplets by negative kind
 * @param anchorsWithoutPositive anchors with no positive
 * @param anchorsWithoutNegative anchors with no negative left after the guards
 * @param anchorsWithoutSemihard anchors whose semi-hard band was empty
 * @param rejected candidates removed by each guard
 * @param margin the mining margin
 * @param semihardFallback what an anchor without a semi-hard negative got
 * @param histograms hardness of the triplets
 * @param seconds seconds from search to mined triplets
 */
public record MiningReport(
    int round,
    String model,
    String mode,
    SearchReport search,
    PositivesReport positives,
    long anchors,
    long triplets,
    Map<String, Long> byKind,
    long anchorsWithoutPositive,
    long anchorsWithoutNegative,
    long anchorsWithoutSemihard,
    Rejected rejected,
    double margin,
    String semihardFallback,
    HardnessHistograms histograms,
    double seconds) {

  /** Candidates removed by each guard. */
  public record Rejected(long falseNegative, long nearDuplicate, long quota) {}

  /** The report of one mining pass: the statistics' counts and the rules it ran under. */
  public static MiningReport of(
      int round,
      String model,
      boolean pairMode,
      SearchReport search,
      PositivesReport positives,
      MiningStats stats,
      MiningConfig mining,
      HardnessHistograms histograms,
      double seconds) {
    return new MiningReport(
        round,
        model,
        pairMode ? "pairs" : "class",
        search,
        positives,
        stats.anchors(),
        stats.triplets(),
        stats.byKind(),
        stats.noPositive(),
        stats.noNegative(),
        stats.noSemiHard(),
        new Rejected(
            stats.falseNegativeRejected(), stats.nearDuplicateRejected(), stats.quotaRejected()),
        mining.margin(),
        mining.fallback().name().toLowerCase(Locale.ROOT).replace('_', '-'),
        histograms,
        seconds);
  }
}
