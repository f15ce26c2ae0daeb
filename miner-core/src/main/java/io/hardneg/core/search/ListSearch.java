package io.hardneg.core.search;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.knn.Mask;
import io.hardneg.core.knn.MaskedKnn;
import io.hardneg.core.knn.Neighbors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One task of the negative search: the exact masked kernel ({@link MaskedKnn}) for a block of
 * queries against a block of base vectors, giving each query its nearest negatives and its nearest
 * negatives beyond {@code d(a,p)} in one pass. Every placement, local or distributed, runs its
 * tasks through here and {@link AnchorCandidates#merge merges} their results.
 */
public final class ListSearch {
  private ListSearch() {}

  /** Searches the entries that have a positive against {@code base}; all entries come out. */
  public static List<AnchorCandidates> searchQueries(
      List<VectorEntry> entries,
      LabeledVectors base,
      Mask mask,
      KnnOptions knn,
      int kHard,
      int kBeyond) {
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
    int k = Math.max(1, Math.max(kHard, kBeyond));
    Neighbors[][] found =
        MaskedKnn.search(
            q,
            base,
            mask,
            anyExcluded ? excluded : null,
            new KnnOptions(k, knn.queryBlock(), knn.baseBlock(), knn.precision()),
            null,
            dap);
    for (int i = 0; i < dap.length; i++) {
      out.add(
          AnchorCandidates.of(
              q,
              i,
              withPos.get(i).positive,
              dap[i],
              base,
              found[0][i],
              found[1][i],
              kHard,
              kBeyond));
    }
    return out;
  }

  /**
   * One list task: the group's queries against the group's base vectors (nothing when either is
   * empty); only searched queries come out.
   */
  public static List<AnchorCandidates> searchGroup(
      Iterable<VectorEntry> group, Mask mask, KnnOptions knn, int kHard, int kBeyond) {
    List<VectorEntry> bases = new ArrayList<>();
    List<VectorEntry> queries = new ArrayList<>();
    for (VectorEntry e : group) {
      (e.query ? queries : bases).add(e);
    }
    if (bases.isEmpty() || queries.isEmpty()) {
      return List.of();
    }
    return searchQueries(queries, table(bases), mask, knn, kHard, kBeyond);
  }

  /** The entries as a table, in their order. */
  public static LabeledVectors table(List<VectorEntry> entries) {
    int dim = entries.get(0).emb.length;
    long[] ids = new long[entries.size()];
    long[] labels = new long[entries.size()];
    float[] v = new float[entries.size() * dim];
    for (int i = 0; i < entries.size(); i++) {
      VectorEntry e = entries.get(i);
      if (e.emb.length != dim) {
        throw new IllegalArgumentException(
            "item id "
                + e.id
                + " has an embedding of "
                + e.emb.length
                + " values, expected "
                + dim);
      }
      ids[i] = e.id;
      labels[i] = e.label;
      System.arraycopy(e.emb, 0, v, i * dim, dim);
    }
    return new LabeledVectors(ids, labels, v, dim);
  }

  /**
   * {@code head} with what a list placement reports about its lists: sizes, the distance
   * computations (sum over lists of queries visiting it times bases living in it), the cap and the
   * split.
   */
  public static SearchReport describe(
      SearchReport head,
      Map<Integer, Long> sizes,
      Map<Integer, Long> visits,
      int cap,
      ListPlan plan,
      Map<Long, Long> baseLoads,
      Map<Long, Long> queryLoads) {
    long max = sizes.values().stream().mapToLong(Long::longValue).max().orElse(0);
    double mean =
        sizes.isEmpty()
            ? 0
            : (double) sizes.values().stream().mapToLong(Long::longValue).sum() / sizes.size();
    long work = 0;
    for (Map.Entry<Integer, Long> v : visits.entrySet()) {
      work += v.getValue() * sizes.getOrDefault(v.getKey(), 0L);
    }
    return head.withLists(
        sizes.size(),
        max,
        mean,
        cap,
        work,
        plan.listsSplit(),
        plan.listsQuerySplit(),
        ListPlan.largestTask(plan.baseBins(), baseLoads, sizes),
        ListPlan.largestTask(plan.queryBins(), queryLoads, visits));
  }
}
