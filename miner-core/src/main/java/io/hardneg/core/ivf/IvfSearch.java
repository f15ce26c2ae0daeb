package io.hardneg.core.ivf;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.knn.Mask;
import io.hardneg.core.search.ListSearch;
import io.hardneg.core.search.LocalSearch;
import io.hardneg.core.search.SearchReport;
import io.hardneg.core.search.VectorEntry;
import io.hardneg.core.util.Seeds;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Inverted-file (IVF) approximate search in one JVM, the same pieces the Spark IVF placement runs:
 * spherical k-means on the seeded sample ({@link #sample}) gives the lists, every base vector lives
 * in its home list (nearest centroid) and, when it spills, in its next nearest lists too, every
 * query visits its {@code nprobe} nearest lists ({@link IvfAssigner}), lists are cut to the cap and
 * searched with the exact masked kernel, and per-list results merge per anchor ({@link
 * LocalSearch#lists}). With {@code nprobe = nlist} every query meets every base vector and the
 * result equals the exact one.
 */
public final class IvfSearch {
  private static final long SAMPLE_SALT = 0x6b6d65616e73L;

  private IvfSearch() {}

  /** Centroids fitted on a sample of {@code sample} items. */
  public record Trained(float[] centroids, int dim, int sample) {
    public int lists() {
      return centroids.length / dim;
    }
  }

  /** The list count for {@code n} items: {@code nlist}, or about 4·√n (at least nprobe). */
  public static int listsFor(long n, int nlist, int nprobe) {
    int auto = (int) Math.max(1, Math.min(n, Math.round(4 * Math.sqrt(n))));
    int l = nlist > 0 ? (int) Math.min(nlist, Math.max(1, n)) : auto;
    return Math.max(l, Math.min(nprobe, (int) Math.max(1, n)));
  }

  /** Items the k-means sample holds: {@code kmeansSample}, at least the lists, at most n. */
  public static int sampleSize(long n, int lists, int kmeansSample) {
    return (int) Math.min(n, Math.max(kmeansSample, lists));
  }

  /**
   * The sample key of an item: the sample is the items with the smallest keys (ties by id), so it
   * depends on (seed, round, id) only, never on partitioning.
   */
  public static long sampleKey(long seed, int round, long id) {
    return Seeds.of(seed, round, id ^ SAMPLE_SALT);
  }

  /**
   * Where a sample key falls in [0, 1), non-decreasing in the key's order: the items below a
   * threshold are a prefix of the sample order, so a superset of any smaller sample.
   */
  public static double sampleRank(long key) {
    return ((key ^ Long.MIN_VALUE) >>> 11) * 0x1.0p-53;
  }

  /** The {@code size} rows of {@code items} with the smallest sample keys, in key order. */
  public static LabeledVectors sample(LabeledVectors items, int size, long seed, int round) {
    long[] key = Arrays.stream(items.ids()).map(id -> sampleKey(seed, round, id)).toArray();
    int[] rows =
        IntStream.range(0, items.size())
            .boxed()
            .sorted(
                Comparator.<Integer>comparingLong(i -> key[i])
                    .thenComparingLong(i -> items.ids()[i]))
            .limit(size)
            .mapToInt(Integer::intValue)
            .toArray();
    return rows(items, rows);
  }

  /** Fits {@code lists} centroids on a sample (as {@link #sample} orders it). */
  public static Trained fit(
      LabeledVectors sample, int lists, int iterations, long seed, int round) {
    float[] c =
        SphericalKMeans.fit(
            sample.values(),
            sample.size(),
            sample.dim(),
            Math.min(lists, sample.size()),
            iterations,
            Seeds.of(seed, round, 11));
    return new Trained(c, sample.dim(), sample.size());
  }

  /** Samples {@code items} and fits the lists, as the Spark placement does. */
  public static Trained train(
      LabeledVectors items,
      int nlist,
      int nprobe,
      int kmeansSample,
      int iterations,
      long seed,
      int round) {
    int lists = listsFor(items.size(), nlist, nprobe);
    LabeledVectors s = sample(items, sampleSize(items.size(), lists, kmeansSample), seed, round);
    return fit(s, lists, iterations, seed, round);
  }

  /** The search with given centroids (a cap of {@code Integer.MAX_VALUE} splits nothing). */
  public static LocalSearch.Result search(
      List<VectorEntry> queries,
      List<VectorEntry> bases,
      float[] centroids,
      int dim,
      int nprobe,
      int cap,
      Mask mask,
      KnnOptions knn,
      int kHard,
      int kBeyond) {
    return search(queries, bases, centroids, dim, nprobe, 1, cap, mask, knn, kHard, kBeyond);
  }

  /** The search with given centroids, each base vector living in {@code baseLists} lists. */
  public static LocalSearch.Result search(
      List<VectorEntry> queries,
      List<VectorEntry> bases,
      float[] centroids,
      int dim,
      int nprobe,
      int baseLists,
      int cap,
      Mask mask,
      KnnOptions knn,
      int kHard,
      int kBeyond) {
    return LocalSearch.lists(
        queries,
        bases,
        new IvfAssigner(centroids, dim, nprobe, baseLists),
        cap,
        mask,
        knn,
        kHard,
        kBeyond,
        SearchReport.lists("ivf"));
  }

  /** The whole IVF placement in one JVM: the lists are trained on the base vectors. */
  public static LocalSearch runner(
      int nlist, int nprobe, int cap, int kmeansSample, int iterations, KnnOptions knn) {
    return runner(nlist, nprobe, 1, cap, kmeansSample, iterations, knn);
  }

  /** The whole IVF placement in one JVM, each base vector living in {@code baseLists} lists. */
  public static LocalSearch runner(
      int nlist,
      int nprobe,
      int baseLists,
      int cap,
      int kmeansSample,
      int iterations,
      KnnOptions knn) {
    return (queries, bases, mask, kHard, kBeyond, seed, round) -> {
      Trained t =
          train(ListSearch.table(bases), nlist, nprobe, kmeansSample, iterations, seed, round);
      SearchReport head =
          SearchReport.ivf(
              t.lists(), Math.min(nprobe, t.lists()), Math.min(baseLists, t.lists()), t.sample());
      return LocalSearch.lists(
          queries,
          bases,
          new IvfAssigner(t.centroids(), t.dim(), nprobe, baseLists),
          cap,
          mask,
          knn,
          kHard,
          kBeyond,
          head);
    };
  }

  /** The sub-table of the given rows. */
  public static LabeledVectors rows(LabeledVectors t, int[] rows) {
    int dim = t.dim();
    long[] ids = new long[rows.length];
    long[] labels = new long[rows.length];
    float[] v = new float[rows.length * dim];
    for (int i = 0; i < rows.length; i++) {
      ids[i] = t.ids()[rows[i]];
      labels[i] = t.labels()[rows[i]];
      System.arraycopy(t.values(), rows[i] * dim, v, i * dim, dim);
    }
    return new LabeledVectors(ids, labels, v, dim);
  }
}
