package io.hardneg.spark.stage;

import io.hardneg.core.util.Seeds;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Which classes meet in each PK batch of one epoch, composed from the round's mined
 * neighbourhoods: classes that are each other's hard negatives land in the same batch.
 *
 * <p>Batch {@code b} is seeded by one class, taken in a seeded rotation so every class seeds
 * equally often; its other {@code P − 1} classes are drawn without replacement with weight
 * {@code 1 + c(x, y) + c(y, x)}, where {@code c(x, y)} counts the round's mined triplets with an
 * anchor of class x and a negative of class y (Efraimidis–Spirakis keys {@code u^(1/w)}, seeded by
 * (seed, batch)). The add-one keeps never-confused classes possible. There are
 * {@code ceil(N / (P·K))} batches, so an epoch shows about N rows.
 *
 * <p>Items fill the slots afterwards ({@link PkStage}): class c has {@code K · batches(c)}
 * slots; its items, in a seeded order, take slots round-robin, so a class with fewer items than
 * slots repeats items (every item once before any twice) and a class with more leaves some out
 * this epoch (others next epoch). Classes with one item have no positive and are left out; fewer
 * than P eligible classes shrink P to their number.
 */
final class PkPlan implements Serializable {
  private static final long serialVersionUID = 1L;

  final int p;
  final int k;
  final int batches;
  /** Per class: the batches holding it, ascending, and the class's position in each. */
  final Map<Long, int[]> batchesOf;
  final Map<Long, int[]> positionIn;
  final Map<Long, Long> sizes;

  private PkPlan(int p, int k, int batches, Map<Long, int[]> batchesOf,
      Map<Long, int[]> positionIn, Map<Long, Long> sizes) {
    this.p = p;
    this.k = k;
    this.batches = batches;
    this.batchesOf = batchesOf;
    this.positionIn = positionIn;
    this.sizes = sizes;
  }

  /** Rows per batch. */
  int rows() {
    return p * k;
  }

  /** Slots of class {@code label} in this epoch (0 when it takes no part). */
  long slots(long label) {
    int[] b = batchesOf.get(label);
    return b == null ? 0 : (long) b.length * k;
  }

  /**
   * @param sizes items per class
   * @param confusion mined triplets per (anchor class, negative class)
   * @param p classes per batch
   * @param k items per class and batch
   * @param seed seed of this (round, epoch)
   */
  static PkPlan build(Map<Long, Long> sizes, Map<Long, Map<Long, Long>> confusion, int p, int k,
      long seed) {
    long[] classes = sizes.entrySet().stream().filter(e -> e.getValue() >= 2)
        .mapToLong(Map.Entry::getKey).sorted().toArray();
    if (classes.length < 2) {
      throw new IllegalArgumentException("pk training needs at least 2 classes with 2 or more "
          + "items, found " + classes.length);
    }
    int pp = Math.min(p, classes.length);
    long n = Arrays.stream(classes).map(sizes::get).sum();
    int batches = (int) Math.max(1, (n + (long) pp * k - 1) / ((long) pp * k));
    long[] rotation = classes.clone();
    shuffle(rotation, new Random(Seeds.of(seed, -2, 0)));
    Map<Long, List<int[]>> slots = new HashMap<>();
    double[] keys = new double[classes.length];
    for (int b = 0; b < batches; b++) {
      long first = rotation[b % rotation.length];
      Random rnd = new Random(Seeds.of(seed, -3, b));
      for (int i = 0; i < classes.length; i++) {
        long x = classes[i];
        double w = 1 + count(confusion, first, x) + count(confusion, x, first);
        keys[i] = x == first ? Double.POSITIVE_INFINITY : Math.pow(rnd.nextDouble(), 1 / w);
      }
      Integer[] order = new Integer[classes.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (u, v) -> Double.compare(keys[v], keys[u]));
      for (int pos = 0; pos < pp; pos++) {
        slots.computeIfAbsent(classes[order[pos]], c -> new ArrayList<>())
            .add(new int[] {b, pos});
      }
    }
    Map<Long, int[]> batchesOf = new HashMap<>();
    Map<Long, int[]> positionIn = new HashMap<>();
    for (Map.Entry<Long, List<int[]>> e : slots.entrySet()) {
      batchesOf.put(e.getKey(), e.getValue().stream().mapToInt(s -> s[0]).toArray());
      positionIn.put(e.getKey(), e.getValue().stream().mapToInt(s -> s[1]).toArray());
    }
    return new PkPlan(pp, k, batches, batchesOf, positionIn, new HashMap<>(sizes));
  }

  private static double count(Map<Long, Map<Long, Long>> c, long a, long b) {
    Map<Long, Long> row = c.get(a);
    Long v = row == null ? null : row.get(b);
    return v == null ? 0 : v;
  }

  private static void shuffle(long[] a, Random rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      long t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
