package io.hardneg.core.sampling;

import io.hardneg.core.util.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * PK batches (Hermans et al. 2017): P distinct classes, K items of each, so every anchor has
 * positives and negatives in the batch. Batch {@code step} is a pure function of
 * {@code (seed, step)}: the classes come from a seeded partial shuffle keyed by
 * {@code hash(seed, step, −1)}, each class's items from a shuffle keyed by
 * {@code hash(seed, step, label)} (docs/concepts.md, seeds); items are distinct within a class when it
 * has at least K. Classes with fewer than K items follow the {@link SmallClassPolicy}. Rows are
 * returned class by class, in the order the classes were drawn.
 */
public final class PkSampler {
  private final int p;
  private final int k;
  private final SmallClassPolicy policy;
  private final long seed;
  private final long[] classLabels;
  private final int[][] members;

  /**
   * @param labels class label of every item (the item is its index)
   * @param p classes per batch, >= 1
   * @param k items per class, >= 1
   */
  public PkSampler(long[] labels, int p, int k, SmallClassPolicy policy, long seed) {
    if (p < 1 || k < 1) {
      throw new IllegalArgumentException("PK sampling needs P >= 1 and K >= 1, got P=" + p
          + " K=" + k);
    }
    this.p = p;
    this.k = k;
    this.policy = policy;
    this.seed = seed;
    Map<Long, List<Integer>> byClass = new LinkedHashMap<>();
    for (int i = 0; i < labels.length; i++) {
      byClass.computeIfAbsent(labels[i], l -> new ArrayList<>()).add(i);
    }
    List<Long> eligible = new ArrayList<>();
    for (Map.Entry<Long, List<Integer>> e : byClass.entrySet()) {
      if (policy != SmallClassPolicy.DROP || e.getValue().size() >= k) {
        eligible.add(e.getKey());
      }
    }
    eligible.sort(null); // class order independent of item order
    if (eligible.size() < p) {
      throw new IllegalArgumentException("PK sampling needs at least P=" + p + " classes"
          + (policy == SmallClassPolicy.DROP ? " with >= K=" + k + " items" : "") + ", found "
          + eligible.size() + " (of " + byClass.size() + " classes)");
    }
    classLabels = eligible.stream().mapToLong(Long::longValue).toArray();
    members = new int[classLabels.length][];
    for (int c = 0; c < classLabels.length; c++) {
      members[c] = byClass.get(classLabels[c]).stream().mapToInt(Integer::intValue).toArray();
    }
  }

  /** Classes a batch may draw from (after the policy). */
  public int eligibleClasses() {
    return classLabels.length;
  }

  /** Item indices of batch {@code step}: P·K of them (fewer only under TAKE_ALL). */
  public int[] batch(long step) {
    SplittableRandom r = new SplittableRandom(Seeds.of(seed, step, -1));
    int[] order = new int[classLabels.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    int[] out = new int[p * k];
    int n = 0;
    for (int c = 0; c < p; c++) {
      int pick = c + r.nextInt(order.length - c);
      int t = order[c];
      order[c] = order[pick];
      order[pick] = t;
      int cls = order[c];
      int[] items = members[cls].clone();
      SplittableRandom ri = new SplittableRandom(Seeds.of(seed, step, classLabels[cls]));
      for (int i = items.length - 1; i > 0; i--) {
        int j = ri.nextInt(i + 1);
        int s = items[i];
        items[i] = items[j];
        items[j] = s;
      }
      int take = Math.min(k, items.length);
      System.arraycopy(items, 0, out, n, take);
      n += take;
      if (items.length < k && policy == SmallClassPolicy.REPLACE) {
        for (int i = items.length; i < k; i++) {
          out[n++] = items[ri.nextInt(items.length)];
        }
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }
}
