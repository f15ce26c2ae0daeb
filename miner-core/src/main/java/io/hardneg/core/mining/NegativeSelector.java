package io.hardneg.core.mining;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The mining rules of docs/concepts.md applied to one anchor's search results, independent of where
 * the search ran (one JVM, a broadcast table, or lists merged across Spark tasks).
 *
 * <p>Input: the anchor's nearest negatives ({@code hard}, nearest first; position = rank among all
 * the anchor's negatives) and its nearest negatives with {@code d(a,n) > d(a,p)} ({@code beyond},
 * nearest first, with the number of negatives at or below {@code d(a,p)}). A candidate is
 * <em>valid</em> unless a guard rejects it:
 *
 * <ul>
 *   <li>false-negative guard, relative: {@code s(a,n) > s(a,p) − |s(a,p)|·ratio}, with {@code s = 1
 *       − d²/2} (sign-safe: |s(a,p)| keeps the threshold below s(a,p) when the positive similarity
 *       is negative);
 *   <li>false-negative guard, absolute: {@code s(a,n) > s(a,p) − margin};
 *   <li>near-duplicate guard: {@code d(a,n) < minDistance};
 *   <li>quota: the anchor already has {@code perLabelQuota} negatives of that label.
 * </ul>
 *
 * Picks, in this order, each skipping invalid and already-taken candidates:
 *
 * <ol>
 *   <li><b>hard</b>: the first {@code hardPerAnchor} valid candidates of {@code hard};
 *   <li><b>band</b>: up to {@code bandPerAnchor} valid candidates of {@code hard} whose rank is in
 *       {@code [bandMin, bandMax)}, nearest first;
 *   <li><b>semi-hard</b>: up to {@code semiHardPerAnchor} valid candidates of {@code beyond} that
 *       are semi-hard by {@link Hardness#isSemiHard} ({@code beyond} holds only {@code d(a,n) >
 *       d(a,p)}, so the bound that matters is {@code d(a,n) <= d(a,p) + margin}); when none
 *       qualifies the fallback applies: {@code skip}, {@code hard} (valid nearest negatives, kind
 *       hard) or {@code nearest-beyond} (valid nearest of {@code beyond}, kind beyond).
 * </ol>
 *
 * Ranks are the candidates' ranks before any guard. Rejections are counted per anchor and candidate
 * in {@link MiningStats}.
 */
public final class NegativeSelector {
  private NegativeSelector() {}

  /** One anchor's sorted candidates: keys (ids or rows), labels, distances, nearest first. */
  public record Candidates(long[] keys, long[] labels, double[] distance, long atOrBelowBound) {
    public int size() {
      return keys.length;
    }
  }

  /**
   * A chosen negative.
   *
   * @param fromBeyond true when it is an element of the {@code beyond} list, else of {@code hard}
   * @param position its index in that list
   */
  public record Pick(
      boolean fromBeyond, int position, long key, double dAn, long rank, MinedKind kind) {}

  /** Applies the rules; counts semi-hard misses and rejections into {@code stats}. */
  public static List<Pick> select(
      MiningConfig c, double dAp, Candidates hard, Candidates beyond, MiningStats stats) {
    Picker p = new Picker(c, dAp, stats);
    int got = 0;
    for (int j = 0; j < hard.size() && got < c.hardPerAnchor(); j++) {
      got += p.tryAdd(hard, false, j, j, MinedKind.HARD) ? 1 : 0;
    }
    got = 0;
    for (int j = c.bandMin();
        j < Math.min(c.bandMax(), hard.size()) && got < c.bandPerAnchor();
        j++) {
      got += p.tryAdd(hard, false, j, j, MinedKind.BAND) ? 1 : 0;
    }
    if (c.semiHardPerAnchor() == 0) {
      return p.out;
    }
    int want = c.semiHardPerAnchor();
    got = 0;
    for (int j = 0; j < beyond.size() && got < want; j++) {
      if (!Hardness.isSemiHard(dAp, beyond.distance()[j], c.margin())) {
        break; // nearest first: no farther candidate is semi-hard either
      }
      got += p.tryAdd(beyond, true, j, beyond.atOrBelowBound() + j, MinedKind.SEMIHARD) ? 1 : 0;
    }
    if (got > 0) {
      return p.out;
    }
    stats.addNoSemiHard();
    switch (c.fallback()) {
      case SKIP -> {}
      case HARD -> {
        for (int j = 0; j < hard.size() && got < want; j++) {
          got += p.tryAdd(hard, false, j, j, MinedKind.HARD) ? 1 : 0;
        }
      }
      case NEAREST_BEYOND -> {
        for (int j = 0; j < beyond.size() && got < want; j++) {
          got += p.tryAdd(beyond, true, j, beyond.atOrBelowBound() + j, MinedKind.BEYOND) ? 1 : 0;
        }
      }
      default -> throw new IllegalStateException("unhandled fallback " + c.fallback());
    }
    return p.out;
  }

  /** Per-anchor state: what is taken, rejected, and counted per label. */
  private static final class Picker {
    final MiningConfig c;
    final MiningStats stats;
    final double sAp;
    final List<Pick> out = new ArrayList<>();
    final Set<Long> taken = new HashSet<>();
    final Set<Long> rejected = new HashSet<>();
    final Map<Long, Integer> perLabel = new HashMap<>();

    Picker(MiningConfig c, double dAp, MiningStats stats) {
      this.c = c;
      this.stats = stats;
      this.sAp = 1 - dAp * dAp / 2;
    }

    boolean tryAdd(Candidates list, boolean fromBeyond, int j, long rank, MinedKind kind) {
      long key = list.keys()[j];
      if (taken.contains(key) || rejected.contains(key)) {
        return false;
      }
      double d = list.distance()[j];
      double sAn = 1 - d * d / 2;
      if ((!Double.isNaN(c.falseNegativeRatio())
              && sAn > sAp - Math.abs(sAp) * c.falseNegativeRatio())
          || (!Double.isNaN(c.falseNegativeMargin()) && sAn > sAp - c.falseNegativeMargin())) {
        rejected.add(key);
        stats.addFalseNegativeRejected();
        return false;
      }
      if (d < c.minDistance()) {
        rejected.add(key);
        stats.addNearDuplicateRejected();
        return false;
      }
      long label = list.labels()[j];
      if (c.perLabelQuota() > 0 && perLabel.getOrDefault(label, 0) >= c.perLabelQuota()) {
        // not remembered as rejected: the quota is per label, the candidate itself is fine
        stats.addQuotaRejected();
        return false;
      }
      taken.add(key);
      perLabel.merge(label, 1, Integer::sum);
      out.add(new Pick(fromBeyond, j, key, d, rank, kind));
      return true;
    }
  }
}
