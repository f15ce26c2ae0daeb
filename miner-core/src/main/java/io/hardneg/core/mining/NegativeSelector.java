package io.hardneg.core.mining;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The mining rules of DESIGN §4 applied to one anchor's search results, independent of where the
 * search ran (one JVM, a broadcast table, or lists merged across Spark tasks).
 *
 * <p>Input: the anchor's nearest negatives ({@code hard}, nearest first) and its nearest
 * negatives with {@code d(a,n) > d(a,p)} ({@code beyond}, nearest first, with the number of
 * negatives at or below {@code d(a,p)}). Output, in order:
 * <ul>
 *   <li><b>hard</b>: the first {@code hardPerAnchor} of {@code hard}, rank = position;
 *   <li><b>semi-hard</b>: up to {@code semiHardPerAnchor} of {@code beyond} with
 *       {@code d(a,n) <= d(a,p) + margin}, rank = {@code atOrBelowBound} + position; when none
 *       qualifies the fallback applies: {@code skip}, {@code hard} (the nearest negatives, kind
 *       hard) or {@code nearest-beyond} (the nearest of {@code beyond}, kind beyond).
 * </ul>
 * A negative (by key) is never picked twice for the same anchor.
 */
public final class NegativeSelector {
  private NegativeSelector() {}

  /** One anchor's sorted candidates: keys (ids or rows) and distances, nearest first. */
  public record Candidates(long[] keys, double[] distance, long atOrBelowBound) {
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
  public record Pick(boolean fromBeyond, int position, long key, double dAn, long rank,
      NegativeKind kind) {}

  /** Applies the rules; counts semi-hard misses into {@code stats}. */
  public static List<Pick> select(MiningConfig c, double dAp, Candidates hard,
      Candidates beyond, MiningStats stats) {
    List<Pick> out = new ArrayList<>();
    Set<Long> taken = new HashSet<>();
    for (int j = 0; j < Math.min(c.hardPerAnchor(), hard.size()); j++) {
      add(out, taken, new Pick(false, j, hard.keys()[j], hard.distance()[j], j,
          NegativeKind.HARD));
    }
    if (c.semiHardPerAnchor() == 0) {
      return out;
    }
    int want = c.semiHardPerAnchor();
    int got = 0;
    for (int j = 0; j < beyond.size() && got < want; j++) {
      double dAn = beyond.distance()[j];
      if (dAn > dAp + c.margin()) {
        break;
      }
      add(out, taken, new Pick(true, j, beyond.keys()[j], dAn, beyond.atOrBelowBound() + j,
          NegativeKind.SEMIHARD));
      got++;
    }
    if (got > 0) {
      return out;
    }
    stats.addNoSemiHard();
    switch (c.fallback()) {
      case SKIP -> { }
      case HARD -> {
        for (int j = 0; j < Math.min(want, hard.size()); j++) {
          add(out, taken, new Pick(false, j, hard.keys()[j], hard.distance()[j], j,
              NegativeKind.HARD));
        }
      }
      case NEAREST_BEYOND -> {
        for (int j = 0; j < Math.min(want, beyond.size()); j++) {
          add(out, taken, new Pick(true, j, beyond.keys()[j], beyond.distance()[j],
              beyond.atOrBelowBound() + j, NegativeKind.BEYOND));
        }
      }
      default -> throw new IllegalStateException("unhandled fallback " + c.fallback());
    }
    return out;
  }

  private static void add(List<Pick> out, Set<Long> taken, Pick p) {
    if (taken.add(p.key())) {
      out.add(p);
    }
  }
}
