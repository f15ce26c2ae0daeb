package io.hardneg.core.mining;

import io.hardneg.core.util.Seeds;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * How an anchor's positive is chosen without a search, as a pure function of (seed, round, ids).
 *
 * <ul>
 *   <li><b>class mode</b>, policy {@code random}: the items of each label in a seeded cyclic order,
 *       sorted by ({@link #orderKey}, id); each item's positive is its successor. For a uniformly
 *       random order the successor is uniform over the other items of the class, and every item is
 *       the positive of exactly one anchor. A class of one item gives no positive.
 *   <li><b>pair mode</b>: one of the anchor's known positives, {@link #pick drawn} by {@code
 *       hash(seed, round, anchor)}.
 * </ul>
 *
 * The assignment is one cycle per class of two or more items (a permutation of the class without
 * fixed points), a pure function of (seed, round, ids), never of where the items are. The Spark
 * stage places the same rule without gathering a class: {@link PositiveCycle} cuts the sorted order
 * into range partitions and stitches their edges, which gives exactly {@link #successors}.
 */
public final class PositiveRule {
  private PositiveRule() {}

  /** The key of an item in its class's cyclic order. */
  public static long orderKey(long seed, int round, long id) {
    return Seeds.of(seed, round, id);
  }

  /** Class mode: for each row, the row of its positive, or -1 when its class has one item. */
  public static int[] successors(long[] ids, long[] labels, long seed, int round) {
    long[] key = Arrays.stream(ids).map(id -> orderKey(seed, round, id)).toArray();
    int[] order =
        IntStream.range(0, ids.length)
            .boxed()
            .sorted(
                Comparator.<Integer>comparingLong(i -> labels[i])
                    .thenComparingLong(i -> key[i])
                    .thenComparingLong(i -> ids[i]))
            .mapToInt(Integer::intValue)
            .toArray();
    int[] positive = new int[ids.length];
    int start = 0;
    while (start < order.length) {
      int end = start;
      while (end < order.length && labels[order[end]] == labels[order[start]]) {
        end++;
      }
      for (int j = start; j < end; j++) {
        positive[order[j]] = end - start == 1 ? -1 : order[j + 1 < end ? j + 1 : start];
      }
      start = end;
    }
    return positive;
  }

  /** Pair mode: the positive of {@code anchor} among its sorted, distinct known positives. */
  public static long pick(long[] sortedOptions, long seed, int round, long anchor) {
    return sortedOptions[(int) (Seeds.unit(Seeds.of(seed, round, anchor)) * sortedOptions.length)];
  }
}
