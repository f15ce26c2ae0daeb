package io.hardneg.core.search;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.knn.Mask;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The negative search in one JVM, placement by placement: the oracle of the Spark placements, which
 * run the same pieces ({@link Assigner}, {@link ListPlan}, {@link ListSearch}, {@link
 * AnchorCandidates#merge}) spread over tasks. Every query comes out exactly once, sorted by anchor
 * id, with empty lists when nothing was found.
 */
@FunctionalInterface
public interface LocalSearch {
  /** Candidates sorted by anchor id, and what the placement reports about itself. */
  record Result(List<AnchorCandidates> candidates, SearchReport report) {}

  /**
   * Searches {@code queries} (those with a positive) against {@code bases}; pass the same list
   * twice to search a table against itself.
   */
  Result run(
      List<VectorEntry> queries,
      List<VectorEntry> bases,
      Mask mask,
      int kHard,
      int kBeyond,
      long seed,
      int round);

  /** Exact, every query against the whole base table sorted by id (the broadcast placement). */
  static LocalSearch exact(KnnOptions knn) {
    return (queries, bases, mask, kHard, kBeyond, seed, round) -> {
      List<VectorEntry> sorted = new ArrayList<>(bases);
      sorted.sort(Comparator.comparingLong(VectorEntry::id));
      LabeledVectors base = sorted.isEmpty() ? null : ListSearch.table(sorted);
      List<AnchorCandidates> out = new ArrayList<>();
      long searched = queries.stream().filter(VectorEntry::hasPositive).count();
      if (base == null) {
        queries.forEach(e -> out.add(AnchorCandidates.empty(e.id, e.label, e.positive, e.dAp)));
      } else {
        out.addAll(ListSearch.searchQueries(queries, base, mask, knn, kHard, kBeyond));
      }
      out.sort(Comparator.comparingLong(AnchorCandidates::anchor));
      return new Result(out, SearchReport.broadcast(sorted.size(), searched * sorted.size()));
    };
  }

  /** Exact, items hashed into {@code tiles} base tiles, every query visiting every tile. */
  static LocalSearch tiled(int tiles, int cap, KnnOptions knn) {
    return (queries, bases, mask, kHard, kBeyond, seed, round) ->
        lists(
            queries,
            bases,
            new TileAssigner(tiles, seed),
            cap,
            mask,
            knn,
            kHard,
            kBeyond,
            SearchReport.lists("tiled"));
  }

  /**
   * A list search: {@code assigner} gives every item its home list and probes, the {@link ListPlan}
   * cuts lists to the cap, each group key is one kernel call, partial results merge per anchor. The
   * report is {@code head} with the list keys.
   */
  static Result lists(
      List<VectorEntry> queries,
      List<VectorEntry> bases,
      Assigner assigner,
      int cap,
      Mask mask,
      KnnOptions knn,
      int kHard,
      int kBeyond,
      SearchReport head) {
    assigner.assignAll(queries);
    if (bases != queries) {
      assigner.assignAll(bases);
    }
    Map<Integer, Long> sizes = new HashMap<>();
    bases.forEach(
        e -> java.util.Arrays.stream(e.baseLists()).forEach(l -> sizes.merge(l, 1L, Long::sum)));
    Map<Integer, Long> visits = new HashMap<>();
    queries.stream()
        .filter(VectorEntry::hasPositive)
        .forEach(
            e -> java.util.Arrays.stream(e.probes).forEach(l -> visits.merge(l, 1L, Long::sum)));
    ListPlan.Fine fine = ListPlan.Fine.of(sizes, visits, assigner.lists(), cap);
    Map<Long, Long> baseLoads = new HashMap<>();
    bases.forEach(e -> count(baseLoads, fine.baseLoadKeys(e)));
    Map<Long, Long> queryLoads = new HashMap<>();
    queries.forEach(e -> count(queryLoads, fine.queryLoadKeys(e)));
    ListPlan plan = fine.pack(baseLoads, queryLoads, cap);
    SearchReport report =
        ListSearch.describe(head, sizes, visits, cap, plan, baseLoads, queryLoads);
    Map<Long, List<VectorEntry>> groups = new TreeMap<>();
    for (VectorEntry e : bases) {
      for (long key : plan.baseKeys(e)) {
        groups.computeIfAbsent(key, x -> new ArrayList<>()).add(e.copyAs(false));
      }
    }
    for (VectorEntry e : queries) {
      for (long key : plan.queryKeys(e)) {
        groups.computeIfAbsent(key, x -> new ArrayList<>()).add(e.copyAs(true));
      }
    }
    Map<Long, AnchorCandidates> merged = new TreeMap<>();
    queries.forEach(
        e -> merged.put(e.id, AnchorCandidates.empty(e.id, e.label, e.positive, e.dAp)));
    for (List<VectorEntry> group : groups.values()) {
      for (AnchorCandidates c : ListSearch.searchGroup(group, mask, knn, kHard, kBeyond)) {
        merged.merge(c.anchor(), c, (a, b) -> AnchorCandidates.merge(a, b, kHard, kBeyond));
      }
    }
    return new Result(new ArrayList<>(merged.values()), report);
  }

  private static void count(Map<Long, Long> loads, long[] keys) {
    for (long k : keys) {
      loads.merge(k, 1L, Long::sum);
    }
  }
}
