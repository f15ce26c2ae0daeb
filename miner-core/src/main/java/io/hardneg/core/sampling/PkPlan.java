package io.hardneg.core.sampling;

import io.hardneg.core.util.Seeds;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which classes meet in each PK batch of one epoch (Hermans et al. 2017: P classes × K items),
 * composed from the round's mined neighbourhoods: classes that are each other's hard negatives land
 * in the same batch.
 *
 * <p>Batch {@code b} is seeded by one class, taken in a seeded rotation so every class seeds
 * equally often; its other {@code P − 1} classes are drawn without replacement with weight {@code 1
 * + c(x, y) + c(y, x)}, where {@code c(x, y)} counts the round's mined triplets with an anchor of
 * class x and a negative of class y (Efraimidis–Spirakis keys {@code u^(1/w)}, seeded by (seed,
 * batch)). The add-one keeps never-confused classes possible. There are {@code ceil(N / (P·K))}
 * batches, so an epoch shows about N rows.
 *
 * <p>Items fill the slots afterwards ({@link #slotsOfItem}): class c has {@code K · batches(c)}
 * slots; its items, in a seeded order, take slots round-robin, so a class with fewer items than
 * slots repeats items (every item once before any twice) and a class with more leaves some out this
 * epoch (others next epoch). Classes with one item have no positive and are left out; fewer than P
 * eligible classes shrink P to their number. The plan is pure: the Spark stage and {@link
 * #assemble} place items with the same {@link #slotsOfItem}.
 */
public final class PkPlan implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One place of an item in the epoch: batch number and row within the batch. */
  public record Slot(int batch, int row) {}

  private final int p;
  private final int k;
  private final int batches;

  /** Per class: the batches holding it, ascending, and the class's position in each. */
  private final Map<Long, int[]> batchesOf;

  private final Map<Long, int[]> positionIn;
  private final Map<Long, Long> sizes;

  private PkPlan(
      int p,
      int k,
      int batches,
      Map<Long, int[]> batchesOf,
      Map<Long, int[]> positionIn,
      Map<Long, Long> sizes) {
    this.p = p;
    this.k = k;
    this.batches = batches;
    this.batchesOf = batchesOf;
    this.positionIn = positionIn;
    this.sizes = sizes;
  }

  /**
   * @param sizes items per class
   * @param confusion mined triplets per (anchor class, negative class)
   * @param p classes per batch
   * @param k items per class and batch
   * @param seed seed of this (round, epoch)
   */
  public static PkPlan build(
      Map<Long, Long> sizes, Map<Long, Map<Long, Long>> confusion, int p, int k, long seed) {
    Shape shape = Shape.of(sizes, p, k);
    long[] classes = shape.classes();
    int pp = shape.pp();
    int batches = shape.batches();
    long[] rotation = classes.clone();
    shuffle(rotation, new Random(Seeds.of(seed, -2, 0)));
    Map<Long, Map<Long, Long>> partners = symmetric(confusion);
    int[][] chosenPerBatch = new int[batches][];
    int[] chosen = new int[pp];
    double[] chosenKeys = new double[pp];
    for (int b = 0; b < batches; b++) {
      long first = rotation[b % rotation.length];
      Random rnd = new Random(Seeds.of(seed, -3, b));
      Map<Long, Long> near = partners.getOrDefault(first, Map.of());
      // the pp largest keys, ties to the lower index (what a stable sort by key would give),
      // kept in a sorted array: O(classes · log) per batch, not a sort of every class — with
      // 60,000 classes and 1,875 batches an epoch's plan takes seconds instead of minutes
      int count = 0;
      for (int i = 0; i < classes.length; i++) {
        long x = classes[i];
        double key = Double.POSITIVE_INFINITY;
        if (x != first) {
          // w = 1 + c(first, x) + c(x, first); u^(1/1) = u exactly (Math.pow's contract)
          double u = rnd.nextDouble();
          Long c = near.get(x);
          key = c == null ? u : Math.pow(u, 1 / (1.0 + c));
        }
        if (count == pp && !(key > chosenKeys[pp - 1])) {
          continue;
        }
        int at = count == pp ? pp - 1 : count++;
        while (at > 0 && chosenKeys[at - 1] < key) {
          chosenKeys[at] = chosenKeys[at - 1];
          chosen[at] = chosen[at - 1];
          at--;
        }
        chosenKeys[at] = key;
        chosen[at] = i;
      }
      chosenPerBatch[b] = chosen.clone();
    }
    return of(classes, chosenPerBatch, pp, k, sizes);
  }

  /**
   * Like {@link #build}, but each batch is a neighbourhood of the confusion graph: its seed class,
   * the seed's mined confusers, theirs, and so on, a random class only when the walk runs out, each
   * class in at most about {@code ceil(batches · P / classes)} batches ({@link ConfusionWalk}).
   * Meant for many classes, where {@link #build}'s add-one weights make the batches nearly uniform.
   */
  public static PkPlan neighbourhoods(
      Map<Long, Long> sizes, Map<Long, Map<Long, Long>> confusion, int p, int k, long seed) {
    Shape shape = Shape.of(sizes, p, k);
    int[][] chosen =
        ConfusionWalk.batches(
            shape.classes(), symmetric(confusion), shape.batches(), shape.pp(), seed);
    return of(shape.classes(), chosen, shape.pp(), k, sizes);
  }

  /**
   * An epoch's shape: the eligible classes (2 or more items, ascending), P shrunk to their number,
   * and {@code ceil(N / (P·K))} batches, N their items, so an epoch shows about N rows.
   */
  private record Shape(long[] classes, int pp, int batches) {
    static Shape of(Map<Long, Long> sizes, int p, int k) {
      if (p < 1 || k < 1) {
        throw new IllegalArgumentException(
            "PK batches need P >= 1 and K >= 1, got P=" + p + " K=" + k);
      }
      long[] classes = eligible(sizes);
      int pp = Math.min(p, classes.length);
      long n = Arrays.stream(classes).map(sizes::get).sum();
      return new Shape(classes, pp, (int) Math.max(1, (n + (long) pp * k - 1) / ((long) pp * k)));
    }
  }

  /** The plan of the classes chosen per batch (indices into {@code classes}, by position). */
  private static PkPlan of(
      long[] classes, int[][] chosenPerBatch, int pp, int k, Map<Long, Long> sizes) {
    Map<Long, List<int[]>> slots = new HashMap<>();
    for (int b = 0; b < chosenPerBatch.length; b++) {
      for (int pos = 0; pos < pp; pos++) {
        slots
            .computeIfAbsent(classes[chosenPerBatch[b][pos]], c -> new ArrayList<>())
            .add(new int[] {b, pos});
      }
    }
    int batches = chosenPerBatch.length;
    Map<Long, int[]> batchesOf = new HashMap<>();
    Map<Long, int[]> positionIn = new HashMap<>();
    for (Map.Entry<Long, List<int[]>> e : slots.entrySet()) {
      batchesOf.put(e.getKey(), e.getValue().stream().mapToInt(s -> s[0]).toArray());
      positionIn.put(e.getKey(), e.getValue().stream().mapToInt(s -> s[1]).toArray());
    }
    return new PkPlan(pp, k, batches, batchesOf, positionIn, new HashMap<>(sizes));
  }

  /** Classes per batch (P, shrunk to the eligible classes when fewer). */
  public int p() {
    return p;
  }

  /** Items per class and batch (K). */
  public int k() {
    return k;
  }

  /** Batches in the epoch. */
  public int batches() {
    return batches;
  }

  /** Rows per batch. */
  public int rows() {
    return p * k;
  }

  /** The classes that take part in this epoch, ascending. */
  public Set<Long> classes() {
    return new TreeSet<>(batchesOf.keySet());
  }

  /** The batches holding class {@code label}, ascending (empty when it takes no part). */
  public int[] batchesOf(long label) {
    int[] b = batchesOf.get(label);
    return b == null ? new int[0] : b.clone();
  }

  /** The class's position (block of K rows) in each of {@link #batchesOf}. */
  public int[] positionsOf(long label) {
    int[] b = positionIn.get(label);
    return b == null ? new int[0] : b.clone();
  }

  /** Slots of class {@code label} in this epoch (0 when it takes no part). */
  public long slots(long label) {
    int[] b = batchesOf.get(label);
    return b == null ? 0 : (long) b.length * k;
  }

  /**
   * The slots of the item at {@code rank} (0-based) in its class's seeded order: slots {@code rank,
   * rank + n, rank + 2n, ...} below the class's slot count, n being the class size, so the items
   * take the slots round-robin. Empty for a class that takes no part.
   */
  public List<Slot> slotsOfItem(long label, long rank) {
    long slots = slots(label);
    long n = sizes.getOrDefault(label, 0L);
    List<Slot> out = new ArrayList<>();
    if (slots == 0 || n < 2) {
      return out;
    }
    int[] b = batchesOf.get(label);
    int[] positions = positionIn.get(label);
    for (long s = rank; s < slots; s += n) {
      int g = (int) (s / k);
      out.add(new Slot(b[g], positions[g] * k + (int) (s % k)));
    }
    return out;
  }

  /**
   * The epoch in one JVM: the item ids of every batch, row by row, given each class's items in
   * their seeded order (the order the Spark stage derives from hashes). Every row is filled.
   */
  public long[][] assemble(Map<Long, long[]> orderedItems) {
    long[][] out = new long[batches][rows()];
    for (Map.Entry<Long, long[]> e : orderedItems.entrySet()) {
      long[] items = e.getValue();
      if (items.length != sizes.getOrDefault(e.getKey(), 0L)) {
        throw new IllegalArgumentException(
            "class "
                + e.getKey()
                + " has "
                + items.length
                + " items, the plan was built for "
                + sizes.get(e.getKey()));
      }
      for (int r = 0; r < items.length; r++) {
        for (Slot s : slotsOfItem(e.getKey(), r)) {
          out[s.batch()][s.row()] = items[r];
        }
      }
    }
    return out;
  }

  /** The classes with a positive (2 or more items), ascending; at least 2 of them. */
  private static long[] eligible(Map<Long, Long> sizes) {
    long[] classes =
        sizes.entrySet().stream()
            .filter(e -> e.getValue() >= 2)
            .mapToLong(Map.Entry::getKey)
            .sorted()
            .toArray();
    if (classes.length < 2) {
      throw new IllegalArgumentException(
          "pk training needs at least 2 classes with 2 or more "
              + "items, found "
              + classes.length);
    }
    return classes;
  }

  /** {@code c(x, y) + c(y, x)} for every confused pair, keyed both ways. */
  private static Map<Long, Map<Long, Long>> symmetric(Map<Long, Map<Long, Long>> confusion) {
    Map<Long, Map<Long, Long>> out = new HashMap<>();
    confusion.forEach(
        (x, row) ->
            row.forEach(
                (y, n) -> {
                  if (n != 0) {
                    out.computeIfAbsent(x, k -> new HashMap<>()).merge(y, n, Long::sum);
                    if (!x.equals(y)) {
                      out.computeIfAbsent(y, k -> new HashMap<>()).merge(x, n, Long::sum);
                    }
                  }
                }));
    return out;
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
