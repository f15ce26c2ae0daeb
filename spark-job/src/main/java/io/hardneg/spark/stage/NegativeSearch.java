package io.hardneg.spark.stage;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.ivf.SphericalKMeans;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.knn.Mask;
import io.hardneg.core.knn.MaskedKnn;
import io.hardneg.core.knn.Neighbors;
import io.hardneg.core.util.Seeds;
import io.hardneg.spark.io.Schemas;
import io.hardneg.spark.io.Tables;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * SEARCH: for every anchor (rows of {@link PositiveStage#ANCHORS}), its nearest negatives and
 * its nearest negatives beyond {@code d(a,p)}, over all items and with the mask inside the
 * kernel (class mode: other labels; pair mode: not self and not a known positive, the anchor's
 * {@code excluded} ids), in one of three placements (docs/concepts.md):
 * <ul>
 *   <li><b>broadcast</b> — exact: the embedding table is broadcast, every partition searches its
 *       anchors against all of it; no shuffle;
 *   <li><b>tiled</b> — exact: items are hashed into base tiles; each anchor is shuffled to every
 *       tile, each tile runs the blocked GEMM for its queries, partial top-k merge per anchor;
 *   <li><b>ivf</b> — approximate: spherical k-means on a seeded sample gives the lists; each
 *       item is a base of its nearest list and a query of its {@code nprobe} nearest; lists
 *       with more than {@code listCap} bases are split into sub-lists (queries visit every
 *       sub-list) and lists visited by more than {@code listCap} queries split their queries
 *       into chunks (bases are copied to every chunk), so no task holds more than the cap of
 *       either.
 * </ul>
 * Every anchor comes out exactly once, with empty lists when nothing was found.
 */
public final class NegativeSearch {
  private NegativeSearch() {}

  /** Search output and what the placement reports about itself. */
  public record Result(JavaRDD<AnchorCandidates> candidates, Map<String, Object> report,
      List<Runnable> cleanup) {}

  /** Runs the configured placement; the anchors are searched against themselves. */
  public static Result run(JavaSparkContext jsc, Dataset<Row> anchors, SearchSettings s,
      Mask mask, KnnOptions knn, int kHard, int kBeyond, long seed, int round, int partitions) {
    return run(jsc, anchors, anchors, s, mask, knn, kHard, kBeyond, seed, round, partitions);
  }

  /**
   * Runs the configured placement with queries {@code anchors} and base vectors {@code bases}
   * (both {@link PositiveStage#ANCHORS} rows; only anchors with a d(a,p) are searched).
   */
  public static Result run(JavaSparkContext jsc, Dataset<Row> anchors, Dataset<Row> bases,
      SearchSettings s, Mask mask, KnnOptions knn, int kHard, int kBeyond, long seed, int round,
      int partitions) {
    return switch (s.mode()) {
      case BROADCAST -> broadcast(jsc, anchors, bases, mask, knn, kHard, kBeyond);
      case TILED -> lists(jsc, anchors, bases, new TileAssigner(s.tiles(), seed), s.listCap(),
          mask, knn, kHard, kBeyond, partitions, new LinkedHashMap<>());
      case IVF -> ivf(jsc, anchors, bases, s, mask, knn, kHard, kBeyond, seed, round,
          partitions);
    };
  }

  static Result broadcast(JavaSparkContext jsc, Dataset<Row> anchors, Dataset<Row> bases,
      Mask mask, KnnOptions knn, int kHard, int kBeyond) {
    LabeledVectors base = Tables.collect(bases.select("id", "label", "emb"));
    Broadcast<LabeledVectors> table = jsc.broadcast(base);
    int k = Math.max(1, Math.max(kHard, kBeyond));
    JavaRDD<AnchorCandidates> out = anchors.javaRDD().mapPartitions(rows -> {
      List<VectorEntry> entries = new ArrayList<>();
      rows.forEachRemaining(r -> entries.add(entry(r)));
      return searchQueries(entries, table.value(), mask, knn, k, kHard, kBeyond).iterator();
    });
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("placement", "broadcast");
    report.put("base_vectors", base.size());
    report.put("distance_computations", anchors.filter("positive is not null").count()
        * (long) base.size());
    return new Result(out, report, List.of(table::destroy));
  }

  static Result ivf(JavaSparkContext jsc, Dataset<Row> anchors, Dataset<Row> bases,
      SearchSettings s, Mask mask, KnnOptions knn, int kHard, int kBeyond, long seed, int round,
      int partitions) {
    long n = bases.count();
    int nlist = s.listsFor(n);
    double fraction = Math.min(1.0, (double) s.kmeansSample() / Math.max(1, n));
    LabeledVectors sample = Tables.collect(
        bases.select("id", "label", "emb").sample(false, fraction, Seeds.of(seed, round, 7)));
    if (sample.size() < nlist) {
      sample = Tables.collect(bases.select("id", "label", "emb").limit(Math.max(nlist, 1)));
    }
    float[] centroids = SphericalKMeans.fit(sample.values(), sample.size(), sample.dim(),
        Math.min(nlist, sample.size()), s.kmeansIterations(), Seeds.of(seed, round, 11));
    int lists = centroids.length / sample.dim();
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("placement", "ivf");
    report.put("nlist", lists);
    report.put("nprobe", Math.min(s.nprobe(), lists));
    report.put("kmeans_sample", sample.size());
    return lists(jsc, anchors, bases, new IvfAssigner(centroids, sample.dim(), s.nprobe()),
        s.listCap(), mask, knn, kHard, kBeyond, partitions, report);
  }

  /** Assigns each item a home list and the lists it probes. */
  interface Assigner extends Serializable {
    int lists();

    /** For each row of {@code block}: {@code [home, probe1, probe2, ...]}. */
    int[][] assign(LabeledVectors block);
  }

  /** Exact tiling: home = hash(seed, id) mod tiles; every item probes every tile. */
  record TileAssigner(int tiles, long seed) implements Assigner {
    @Override
    public int lists() {
      return tiles;
    }

    @Override
    public int[][] assign(LabeledVectors block) {
      int[][] out = new int[block.size()][tiles + 1];
      for (int i = 0; i < block.size(); i++) {
        out[i][0] = (int) Math.floorMod(Seeds.of(seed, 13, block.ids()[i]), (long) tiles);
        for (int t = 0; t < tiles; t++) {
          out[i][t + 1] = t;
        }
      }
      return out;
    }
  }

  /** IVF: home = nearest centroid; probes = the nprobe nearest centroids. */
  record IvfAssigner(float[] centroids, int dim, int nprobe) implements Assigner {
    @Override
    public int lists() {
      return centroids.length / dim;
    }

    @Override
    public int[][] assign(LabeledVectors block) {
      int[][] near = SphericalKMeans.nearest(block.values(), block.size(), dim, centroids,
          lists(), nprobe, null);
      int[][] out = new int[block.size()][];
      for (int i = 0; i < near.length; i++) {
        out[i] = new int[near[i].length + 1];
        out[i][0] = near[i][0];
        System.arraycopy(near[i], 0, out[i], 1, near[i].length);
      }
      return out;
    }
  }

  static Result lists(JavaSparkContext jsc, Dataset<Row> anchors, Dataset<Row> bases,
      Assigner assigner, int cap, Mask mask, KnnOptions knn, int kHard, int kBeyond,
      int partitions, Map<String, Object> report) {
    int k = Math.max(1, Math.max(kHard, kBeyond));
    JavaRDD<VectorEntry> assigned = assign(anchors, assigner);
    // separate query and base tables (hardest-positive search) are assigned separately
    JavaRDD<VectorEntry> assignedBases = bases == anchors ? assigned : assign(bases, assigner);
    return lists(jsc, assigned, assignedBases, assigner, cap, mask, knn, k, kHard, kBeyond,
        partitions, report);
  }

  private static JavaRDD<VectorEntry> assign(Dataset<Row> table, Assigner assigner) {
    return table.javaRDD().mapPartitions(rows -> {
      List<VectorEntry> entries = new ArrayList<>();
      rows.forEachRemaining(r -> entries.add(entry(r)));
      if (entries.isEmpty()) {
        return entries.iterator();
      }
      int[][] a = assigner.assign(table(entries));
      for (int i = 0; i < entries.size(); i++) {
        entries.get(i).home = a[i][0];
        entries.get(i).probes = java.util.Arrays.copyOfRange(a[i], 1, a[i].length);
      }
      return entries.iterator();
    }).persist(StorageLevel.MEMORY_AND_DISK());
  }

  private static Result lists(JavaSparkContext jsc, JavaRDD<VectorEntry> assigned,
      JavaRDD<VectorEntry> assignedBases, Assigner assigner, int cap, Mask mask, KnnOptions knn,
      int k, int kHard, int kBeyond, int partitions, Map<String, Object> report) {
    boolean same = assigned == assignedBases;
    Map<Integer, Long> sizes = assignedBases.map(e -> e.home).countByValue();
    int lists = assigner.lists();
    long max = 0;
    for (long size : sizes.values()) {
      max = Math.max(max, size);
    }
    report.put("lists_nonempty", sizes.size());
    report.put("largest_list", max);
    report.put("mean_list", sizes.isEmpty() ? 0 : (double) sizes.values().stream()
        .mapToLong(Long::longValue).sum() / sizes.size());
    report.put("list_cap", cap);
    // distance computations = sum over lists of (queries visiting it) x (bases living in it)
    Map<Integer, Long> visits = assigned.filter(VectorEntry::hasPositive)
        .flatMap(e -> java.util.Arrays.stream(e.probes).boxed().iterator()).countByValue();
    long work = 0;
    for (Map.Entry<Integer, Long> v : visits.entrySet()) {
      work += v.getValue() * sizes.getOrDefault(v.getKey(), 0L);
    }
    report.put("distance_computations", work);
    // A list above the cap is split so that one task holds at most `cap` bases and `cap`
    // queries whatever the skew: its members are hashed into FINE buckets per needed sub-list,
    // the buckets are counted exactly and packed, heaviest first, into sub-lists of at most
    // `cap` (a bucket, expected cap/FINE, never exceeds cap in practice). Queries are chunked
    // the same way; each base is copied to every query chunk of its list.
    int[] baseFine = fineBuckets(sizes, lists, cap);
    int[] queryFine = fineBuckets(visits, lists, cap);
    Broadcast<int[][]> fineB = jsc.broadcast(new int[][] {baseFine, queryFine});
    Map<Long, Long> baseLoads = assignedBases.filter(e -> fineB.value()[0][e.home] > 1)
        .map(e -> bucketKey(e.home, baseBucket(e.id, fineB.value()[0][e.home])))
        .countByValue();
    Map<Long, Long> queryLoads = assigned.filter(VectorEntry::hasPositive)
        .flatMap(e -> {
          List<Long> keys = new ArrayList<>();
          for (int l : e.probes) {
            if (fineB.value()[1][l] > 1) {
              keys.add(bucketKey(l, queryBucket(e.id, fineB.value()[1][l])));
            }
          }
          return keys.iterator();
        }).countByValue();
    fineB.destroy();
    int[][] baseBins = pack(baseFine, baseLoads, cap);
    int[][] queryBins = pack(queryFine, queryLoads, cap);
    int split = 0;
    int qsplit = 0;
    long largestBases = 0;
    long largestQueries = 0;
    for (int l = 0; l < lists; l++) {
      split += bins(baseBins[l]) > 1 ? 1 : 0;
      qsplit += bins(queryBins[l]) > 1 ? 1 : 0;
      largestBases = Math.max(largestBases, largestBin(l, baseBins[l], baseLoads,
          sizes.getOrDefault(l, 0L)));
      largestQueries = Math.max(largestQueries, largestBin(l, queryBins[l], queryLoads,
          visits.getOrDefault(l, 0L)));
    }
    report.put("lists_split", split);
    report.put("lists_query_split", qsplit);
    report.put("largest_task_bases", largestBases);
    report.put("largest_task_queries", largestQueries);
    int[][][] plan = {baseBins, queryBins};
    Broadcast<int[][][]> partsB = jsc.broadcast(plan);
    JavaPairRDD<Long, VectorEntry> keyed = assigned.flatMapToPair(e -> {
      List<Tuple2<Long, VectorEntry>> out = new ArrayList<>();
      if (same) {
        addBase(out, e, partsB.value());
      }
      if (e.hasPositive()) {
        int[][] bb = partsB.value()[0];
        int[][] qb = partsB.value()[1];
        for (int l : e.probes) {
          int chunk = qb[l][queryBucket(e.id, qb[l].length)];
          for (int s = 0; s < bins(bb[l]); s++) {
            out.add(new Tuple2<>(key(l, s, chunk), e.copyAs(true)));
          }
        }
      }
      return out.iterator();
    });
    if (!same) {
      keyed = keyed.union(assignedBases.flatMapToPair(e -> {
        List<Tuple2<Long, VectorEntry>> out = new ArrayList<>();
        addBase(out, e, partsB.value());
        return out.iterator();
      }));
    }
    JavaPairRDD<Long, AnchorCandidates> partial = keyed.groupByKey(partitions)
        .flatMapToPair(group -> {
          List<VectorEntry> bases = new ArrayList<>();
          List<VectorEntry> queries = new ArrayList<>();
          for (VectorEntry e : group._2()) {
            (e.query ? queries : bases).add(e);
          }
          List<Tuple2<Long, AnchorCandidates>> out = new ArrayList<>();
          if (bases.isEmpty() || queries.isEmpty()) {
            return out.iterator();
          }
          for (AnchorCandidates c : searchQueries(queries, table(bases), mask, knn, k, kHard,
              kBeyond)) {
            out.add(new Tuple2<>(c.anchor, c));
          }
          return out.iterator();
        });
    JavaPairRDD<Long, AnchorCandidates> empties = assigned.mapToPair(e ->
        new Tuple2<>(e.id, AnchorCandidates.empty(e.id, e.label, e.positive, e.dAp)));
    JavaRDD<AnchorCandidates> merged = partial.union(empties)
        .reduceByKey((a, b) -> AnchorCandidates.merge(a, b, kHard, kBeyond), partitions)
        .values();
    return new Result(merged, report, List.of(assigned::unpersist, assignedBases::unpersist,
        partsB::destroy));
  }

  private static final long QUERY_SALT = 0x51ED270B0F3A9C4DL;

  /** A base vector goes to its sub-list, once per query chunk of its list. */
  private static void addBase(List<Tuple2<Long, VectorEntry>> out, VectorEntry e,
      int[][][] plan) {
    int[] bins = plan[0][e.home];
    int sub = bins[baseBucket(e.id, bins.length)];
    VectorEntry base = e.copyAs(false);
    int chunks = bins(plan[1][e.home]);
    for (int c = 0; c < chunks; c++) {
      out.add(new Tuple2<>(key(e.home, sub, c), base));
    }
  }

  /** Fine hash buckets per list to pack each split list from (1 = not split). */
  static final int FINE = 8;

  private static int[] fineBuckets(Map<Integer, Long> sizes, int lists, int cap) {
    int[] fine = new int[lists];
    for (int l = 0; l < lists; l++) {
      long parts = Math.max(1, (sizes.getOrDefault(l, 0L) + cap - 1) / cap);
      fine[l] = parts == 1 ? 1 : (int) Math.min(1 << 19, parts * FINE);
    }
    return fine;
  }

  private static int baseBucket(long id, int fine) {
    return (int) Math.floorMod(Seeds.mix(id), (long) fine);
  }

  private static int queryBucket(long id, int fine) {
    return (int) Math.floorMod(Seeds.mix(id ^ QUERY_SALT), (long) fine);
  }

  private static long bucketKey(int list, int bucket) {
    return ((long) list << 32) | bucket;
  }

  /**
   * Per list, the sub-list of each fine bucket: buckets packed heaviest first by their
   * exact loads into sub-lists of at most {@code cap} (an unsplit list: one bucket, sub-list 0).
   */
  static int[][] pack(int[] fine, Map<Long, Long> loads, int cap) {
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
      java.util.Arrays.sort(order, (x, y) -> load[x] != load[y] ? Long.compare(load[y], load[x])
          : Integer.compare(x, y));
      // worst fit: the least-loaded sub-list takes the bucket if it fits, else a new one opens
      // (a heap keeps this O(buckets log sub-lists) for lists of millions)
      java.util.PriorityQueue<long[]> open = new java.util.PriorityQueue<>((x, y) ->
          x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
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

  private static int bins(int[] binOf) {
    int n = 0;
    for (int b : binOf) {
      n = Math.max(n, b + 1);
    }
    return Math.max(1, n);
  }

  private static long largestBin(int list, int[] binOf, Map<Long, Long> loads, long whole) {
    if (binOf.length == 1) {
      return whole;
    }
    long[] sum = new long[bins(binOf)];
    for (int b = 0; b < binOf.length; b++) {
      sum[binOf[b]] += loads.getOrDefault(bucketKey(list, b), 0L);
    }
    return java.util.Arrays.stream(sum).max().orElse(0);
  }

  /** Group key: list (24 bits), sub-list (20 bits), query chunk (20 bits). */
  private static long key(int list, int sub, int chunk) {
    return ((long) list << 40) | ((long) sub << 20) | chunk;
  }

  /** Searches the entries that have a positive against {@code base}; all entries come out. */
  static List<AnchorCandidates> searchQueries(List<VectorEntry> entries, LabeledVectors base,
      Mask mask, KnnOptions knn, int k, int kHard, int kBeyond) {
    List<VectorEntry> withPos = new ArrayList<>();
    List<AnchorCandidates> out = new ArrayList<>(entries.size());
    for (VectorEntry e : entries) {
      if (e.hasPositive()) {
        withPos.add(e);
      } else {
        out.add(AnchorCandidates.empty(e.id, e.label, e.positive, e.dAp));
      }
    }
    if (withPos.isEmpty()) {
      return out;
    }
    LabeledVectors q = table(withPos);
    double[] dap = new double[withPos.size()];
    long[][] excluded = new long[withPos.size()][];
    boolean anyExcluded = false;
    for (int i = 0; i < dap.length; i++) {
      dap[i] = withPos.get(i).dAp;
      excluded[i] = withPos.get(i).excluded;
      anyExcluded |= excluded[i] != null;
    }
    Neighbors[][] found = MaskedKnn.search(q, base, mask, anyExcluded ? excluded : null,
        new KnnOptions(k, knn.queryBlock(), knn.baseBlock(), knn.precision()), null, dap);
    for (int i = 0; i < dap.length; i++) {
      out.add(AnchorCandidates.of(q, i, withPos.get(i).positive, dap[i], base, found[0][i],
          found[1][i], kHard, kBeyond));
    }
    return out;
  }

  static VectorEntry entry(Row r) {
    VectorEntry e = new VectorEntry();
    e.id = r.getLong(0);
    e.label = r.getLong(1);
    int n = r.getSeq(2).length();
    e.emb = new float[n];
    Schemas.copyFloats(r, 2, e.emb, 0);
    if (!r.isNullAt(3)) {
      e.positive = r.getLong(3);
      e.dAp = r.getDouble(4);
    }
    if (r.length() > 5 && !r.isNullAt(5)) {
      scala.collection.Seq<Object> ex = r.getSeq(5);
      e.excluded = new long[ex.length()];
      for (int i = 0; i < e.excluded.length; i++) {
        e.excluded[i] = (Long) ex.apply(i);
      }
    }
    return e;
  }

  static LabeledVectors table(List<VectorEntry> entries) {
    int dim = entries.get(0).emb.length;
    long[] ids = new long[entries.size()];
    long[] labels = new long[entries.size()];
    float[] v = new float[entries.size() * dim];
    for (int i = 0; i < entries.size(); i++) {
      VectorEntry e = entries.get(i);
      if (e.emb.length != dim) {
        throw new IllegalArgumentException("item id " + e.id + " has an embedding of "
            + e.emb.length + " values, expected " + dim);
      }
      ids[i] = e.id;
      labels[i] = e.label;
      System.arraycopy(e.emb, 0, v, i * dim, dim);
    }
    return new LabeledVectors(ids, labels, v, dim);
  }
}
