package io.hardneg.core.sampling;

import io.hardneg.core.util.Seeds;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * The classes of each batch as a neighbourhood of the class confusion graph (the {@code
 * neighbourhoods} composition of {@link PkPlan}): batch b starts at a seed class and grows breadth
 * first through the round's mined confusions (the seed's confusers, then theirs), in the spirit of
 * graph sampling for metric learning (Liao and Shao, CVPR 2022: a batch is a class and its nearest
 * classes).
 *
 * <p>Why not weights: with thousands of classes and a handful of mined confusers per class, drawing
 * the P − 1 other classes with weight {@code 1 + c(x, y)} lets the thousands of weight-1 classes
 * crowd out the few confused ones, so the batches come out nearly uniform. Here confusers always
 * come first; random classes are taken only when the walk runs out of them, and then they fill the
 * rest of the batch (the walk does not go on from a random class).
 *
 * <p>Coverage stays balanced: a class enters at most {@code cap = ceil(batches · P / classes)}
 * batches per epoch (what uniform batches give on average), so no hub class of the graph fills the
 * epoch and every class still gets its turns; seeds follow a seeded rotation, skipping classes at
 * the cap. The cap holds while some class under it is outside the batch being filled; with few
 * classes and little slack the last batches of an epoch can find every such class already in, and
 * then take any class, so a few classes go over by a few batches (the walk does not plan the
 * epoch's end). Among one member's confusers the order is a weighted draw without replacement
 * (Efraimidis–Spirakis keys {@code u^(1/c)}, c the confusions both ways), seeded by (seed, batch):
 * the most confused tend to come first without the batch being the same every epoch.
 */
final class ConfusionWalk {
  private ConfusionWalk() {}

  /**
   * The class indices (into {@code classes}) of every batch, {@code pp} distinct per batch.
   *
   * @param classes the eligible classes, ascending
   * @param partners symmetric confusion counts, {@code partners.get(x).get(y) = c(x,y) + c(y,x)}
   * @param batches batches in the epoch
   * @param pp classes per batch, at most {@code classes.length}
   * @param seed seed of this (round, epoch)
   */
  static int[][] batches(
      long[] classes, Map<Long, Map<Long, Long>> partners, int batches, int pp, long seed) {
    int n = classes.length;
    Map<Long, Integer> index = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      index.put(classes[i], i);
    }
    int[][] near = neighbours(classes, partners, index);
    long[][] weight = weights(classes, partners, near);
    int cap = (int) Math.max(1, ((long) batches * pp + n - 1) / n);
    int[] uses = new int[n];
    // the classes still under the cap, for O(1) uniform draws: open[0..openCount) and where each is
    int[] open = new int[n];
    int[] openAt = new int[n];
    for (int i = 0; i < n; i++) {
      open[i] = i;
      openAt[i] = i;
    }
    int openCount = n;
    int[] rotation = new int[n];
    for (int i = 0; i < n; i++) {
      rotation[i] = i;
    }
    shuffle(rotation, new Random(Seeds.of(seed, -2, 0)));
    int next = 0; // position in the rotation
    int[][] out = new int[batches][];
    boolean[] inBatch = new boolean[n];
    for (int b = 0; b < batches; b++) {
      Random rnd = new Random(Seeds.of(seed, -5, b));
      int[] members = new int[pp];
      int count = 0;
      int first = -1;
      for (int t = 0; t < n && first < 0; t++) {
        int c = rotation[next];
        next = (next + 1) % n;
        first = uses[c] < cap ? c : -1;
      }
      if (first < 0) {
        first = randomOutside(inBatch, open, openCount, n, rnd);
      }
      members[count++] = first;
      inBatch[first] = true;
      for (int f = 0; count < pp; f++) {
        if (f == count) {
          // the walk ran out of confusers: a random class (under the cap when any is left)
          int r = randomOutside(inBatch, open, openCount, n, rnd);
          members[count++] = r;
          inBatch[r] = true;
          continue;
        }
        int m = members[f];
        int[] cand = near[m];
        double[] keys = new double[cand.length];
        for (int j = 0; j < cand.length; j++) {
          double u = rnd.nextDouble();
          boolean eligible = !inBatch[cand[j]] && uses[cand[j]] < cap;
          keys[j] = eligible ? Math.pow(u, 1.0 / weight[m][j]) : -1;
        }
        for (int take : byKeyDescending(keys)) {
          if (count == pp || keys[take] < 0) {
            break;
          }
          members[count++] = cand[take];
          inBatch[cand[take]] = true;
        }
      }
      for (int c : members) {
        inBatch[c] = false;
        if (++uses[c] == cap) {
          int at = openAt[c];
          int last = open[--openCount];
          open[at] = last;
          openAt[last] = at;
        }
      }
      out[b] = members;
    }
    return out;
  }

  /** A uniform class not in the batch: one under the cap while any such is left, else any. */
  private static int randomOutside(
      boolean[] inBatch, int[] open, int openCount, int n, Random rnd) {
    int free = 0;
    for (int i = 0; i < openCount && free == 0; i++) {
      free += inBatch[open[i]] ? 0 : 1;
    }
    while (true) {
      int r = free > 0 ? open[rnd.nextInt(openCount)] : rnd.nextInt(n);
      if (!inBatch[r]) {
        return r;
      }
    }
  }

  /** Per class index: the indices of its confusers, ascending (so the draws are seeded alike). */
  private static int[][] neighbours(
      long[] classes, Map<Long, Map<Long, Long>> partners, Map<Long, Integer> index) {
    int[][] near = new int[classes.length][];
    for (int i = 0; i < classes.length; i++) {
      long self = classes[i];
      Map<Long, Long> row = partners.getOrDefault(self, Map.of());
      near[i] =
          row.entrySet().stream()
              .filter(e -> e.getValue() > 0 && e.getKey() != self && index.containsKey(e.getKey()))
              .mapToInt(e -> index.get(e.getKey()))
              .sorted()
              .toArray();
    }
    return near;
  }

  private static long[][] weights(
      long[] classes, Map<Long, Map<Long, Long>> partners, int[][] near) {
    long[][] w = new long[classes.length][];
    for (int i = 0; i < classes.length; i++) {
      Map<Long, Long> row = partners.getOrDefault(classes[i], Map.of());
      w[i] = new long[near[i].length];
      for (int j = 0; j < near[i].length; j++) {
        w[i][j] = row.get(classes[near[i][j]]);
      }
    }
    return w;
  }

  /** Indices of {@code keys} by descending key, ties to the lower index. */
  private static int[] byKeyDescending(double[] keys) {
    Integer[] order = new Integer[keys.length];
    for (int i = 0; i < keys.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> keys[x] != keys[y] ? Double.compare(keys[y], keys[x]) : x - y);
    return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
  }

  private static void shuffle(int[] a, Random rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
