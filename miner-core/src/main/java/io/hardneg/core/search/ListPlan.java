package io.hardneg.core.search;

import io.hardneg.core.util.Seeds;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * How the lists of a list search are cut into tasks so that no task holds more than {@code cap}
 * base vectors or {@code cap} queries, whatever the skew. A list above the cap is split: its
 * members are hashed into {@link #FINE} fine buckets per needed sub-list, the buckets are counted
 * exactly and packed, heaviest first, into sub-lists of at most {@code cap} (a bucket, expected
 * cap/FINE, never exceeds the cap in practice). Queries are chunked the same way; each base vector
 * is copied to every query chunk of each list it lives in (its home, and its spill lists when IVF
 * spills), each query to every sub-list of each list it probes. A task is one group key (list,
 * sub-list, query chunk).
 *
 * <p>Planning takes two counts: exact list sizes and visits give the {@link Fine} buckets; the
 * exact bucket loads then give the plan ({@link Fine#pack}). Both counts are plain sums, so the
 * plan is a pure function of the data, never of partitioning.
 *
 * @param baseBins per list, the sub-list of each base fine bucket (unsplit: one bucket, 0)
 * @param queryBins per list, the query chunk of each query fine bucket
 */
public record ListPlan(int[][] baseBins, int[][] queryBins) implements Serializable {
  /** Fine hash buckets per needed sub-list of a split list. */
  public static final int FINE = 8;

  private static final long QUERY_SALT = 0x51ED270B0F3A9C4DL;

  /**
   * Fine buckets per list (1 = not split), for base vectors and for queries.
   *
   * @param base per list, fine buckets of its base vectors
   * @param query per list, fine buckets of the queries visiting it
   */
  public record Fine(int[] base, int[] query) implements Serializable {
    /** From the exact list sizes (base vectors per home list) and visits (queries per list). */
    public static Fine of(Map<Integer, Long> sizes, Map<Integer, Long> visits, int lists, int cap) {
      return new Fine(fineBuckets(sizes, lists, cap), fineBuckets(visits, lists, cap));
    }

    /** The fine buckets a base vector counts in, one per list it lives in that is split. */
    public long[] baseLoadKeys(VectorEntry e) {
      return Arrays.stream(e.baseLists())
          .filter(l -> base[l] > 1)
          .mapToLong(l -> bucketKey(l, baseBucket(e.id, base[l])))
          .toArray();
    }

    /** The fine buckets a searched query counts in, one per probed list that is split. */
    public long[] queryLoadKeys(VectorEntry e) {
      if (!e.hasPositive()) {
        return new long[0];
      }
      return Arrays.stream(e.probes)
          .filter(l -> query[l] > 1)
          .mapToLong(l -> bucketKey(l, queryBucket(e.id, query[l])))
          .toArray();
    }

    /** The plan from the exact loads of the fine buckets. */
    public ListPlan pack(Map<Long, Long> baseLoads, Map<Long, Long> queryLoads, int cap) {
      return new ListPlan(
          ListPlan.pack(base, baseLoads, cap), ListPlan.pack(query, queryLoads, cap));
    }
  }

  /**
   * Group keys of a base vector: in every list it lives in ({@link VectorEntry#baseLists}), its
   * sub-list once per query chunk of that list.
   */
  public long[] baseKeys(VectorEntry e) {
    long[] keys = new long[0];
    for (int l : e.baseLists()) {
      int[] bins = baseBins[l];
      int sub = bins[baseBucket(e.id, bins.length)];
      int chunks = bins(queryBins[l]);
      int at = keys.length;
      keys = Arrays.copyOf(keys, at + chunks);
      for (int c = 0; c < chunks; c++) {
        keys[at + c] = key(l, sub, c);
      }
    }
    return keys;
  }

  /** Group keys of a query: its chunk of every probed list, once per sub-list (none unsearched). */
  public long[] queryKeys(VectorEntry e) {
    if (!e.hasPositive()) {
      return new long[0];
    }
    long[] keys = new long[0];
    for (int l : e.probes) {
      int chunk = queryBins[l][queryBucket(e.id, queryBins[l].length)];
      int subs = bins(baseBins[l]);
      int at = keys.length;
      keys = Arrays.copyOf(keys, at + subs);
      for (int s = 0; s < subs; s++) {
        keys[at + s] = key(l, s, chunk);
      }
    }
    return keys;
  }

  /** Lists whose base vectors are split into several sub-lists. */
  public int listsSplit() {
    return (int) Arrays.stream(baseBins).filter(b -> bins(b) > 1).count();
  }

  /** Lists whose queries are split into several chunks. */
  public int listsQuerySplit() {
    return (int) Arrays.stream(queryBins).filter(b -> bins(b) > 1).count();
  }

  /** Most base vectors (or queries, with the query bins) one task holds. */
  public static long largestTask(int[][] binOf, Map<Long, Long> loads, Map<Integer, Long> whole) {
    long max = 0;
    for (int l = 0; l < binOf.length; l++) {
      if (binOf[l].length == 1) {
        max = Math.max(max, whole.getOrDefault(l, 0L));
        continue;
      }
      long[] sum = new long[bins(binOf[l])];
      for (int b = 0; b < binOf[l].length; b++) {
        sum[binOf[l][b]] += loads.getOrDefault(bucketKey(l, b), 0L);
      }
      max = Math.max(max, Arrays.stream(sum).max().orElse(0));
    }
    return max;
  }

  /**
   * Per list, the sub-list of each fine bucket: buckets packed heaviest first (ties by bucket) by
   * their exact loads, worst fit (the least-loaded open sub-list takes a bucket if it stays within
   * {@code cap}, else a new sub-list opens); an unsplit list: one bucket, sub-list 0.
   */
  public static int[][] pack(int[] fine, Map<Long, Long> loads, int cap) {
    int[][] binOf = new int[fine.length][];
    for (int l = 0; l < fine.length; l++) {
      binOf[l] = new int[fine[l]];
      if (fine[l] == 1) {
        continue;
      }
      Integer[] order = new Integer[fine[l]];
      long[] load = new long[fine[l]];
      for (int b = 0; b < fine[l]; b++) {
        order[b] = b;
        load[b] = loads.getOrDefault(bucketKey(l, b), 0L);
      }
      // heaviest first, ties by bucket: the packing is a pure function of the loads
      Arrays.sort(
          order,
          (x, y) -> load[x] != load[y] ? Long.compare(load[y], load[x]) : Integer.compare(x, y));
      // a heap keeps this O(buckets log sub-lists) for lists of millions
      PriorityQueue<long[]> open =
          new PriorityQueue<>(
              (x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
      int bins = 0;
      for (int b : order) {
        long[] least = open.peek();
        if (least != null && least[0] + load[b] <= cap) {
          open.poll();
          least[0] += load[b];
          binOf[l][b] = (int) least[1];
          open.add(least);
        } else {
          binOf[l][b] = bins;
          open.add(new long[] {load[b], bins++});
        }
      }
    }
    return binOf;
  }

  /** Fine buckets per list: 1 for a list within the cap, else FINE per needed sub-list. */
  static int[] fineBuckets(Map<Integer, Long> sizes, int lists, int cap) {
    int[] fine = new int[lists];
    for (int l = 0; l < lists; l++) {
      long parts = Math.max(1, (sizes.getOrDefault(l, 0L) + cap - 1) / cap);
      fine[l] = parts == 1 ? 1 : (int) Math.min(1 << 19, parts * FINE);
    }
    return fine;
  }

  /** Number of sub-lists (or chunks) of one list. */
  public static int bins(int[] binOf) {
    int n = 0;
    for (int b : binOf) {
      n = Math.max(n, b + 1);
    }
    return Math.max(1, n);
  }

  static int baseBucket(long id, int fine) {
    return (int) Math.floorMod(Seeds.mix(id), (long) fine);
  }

  static int queryBucket(long id, int fine) {
    return (int) Math.floorMod(Seeds.mix(id ^ QUERY_SALT), (long) fine);
  }

  /** Key of fine bucket {@code bucket} of list {@code list} in a load count. */
  public static long bucketKey(int list, int bucket) {
    return ((long) list << 32) | bucket;
  }

  /** Group key: list (24 bits), sub-list (20 bits), query chunk (20 bits). */
  static long key(int list, int sub, int chunk) {
    return ((long) list << 40) | ((long) sub << 20) | chunk;
  }
}
