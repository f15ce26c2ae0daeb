package io.hardneg.spark.stage.search;

import io.hardneg.core.search.AnchorCandidates;
import io.hardneg.core.search.Assigner;
import io.hardneg.core.search.ListPlan;
import io.hardneg.core.search.ListSearch;
import io.hardneg.core.search.SearchReport;
import io.hardneg.core.search.VectorEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
 * The list placements' shuffle ({@code LocalSearch.lists} in one JVM): the {@link Assigner} gives
 * every item its home list and probes, two exact counts give the {@link ListPlan}, every base
 * vector (in each list it lives in) and query goes to its group keys, each group is one kernel call
 * ({@link ListSearch#searchGroup}), and partial results merge per anchor.
 */
final class ListShuffle {
  private ListShuffle() {}

  static SearchResult run(
      JavaSparkContext jsc,
      Dataset<Row> queries,
      Dataset<Row> bases,
      Assigner assigner,
      int cap,
      SearchRequest req,
      SearchReport head) {
    JavaRDD<VectorEntry> assigned = assign(queries, assigner);
    // separate query and base tables (hardest-positive search) are assigned separately
    boolean same = bases == queries;
    JavaRDD<VectorEntry> assignedBases = same ? assigned : assign(bases, assigner);
    int lists = assigner.lists();
    Map<Integer, Long> sizes = perList(assignedBases, lists, VectorEntry::baseLists);
    Map<Integer, Long> visits =
        perList(assigned, lists, e -> e.hasPositive() ? e.probes() : new int[0]);
    ListPlan.Fine fine = ListPlan.Fine.of(sizes, visits, assigner.lists(), cap);
    // the fine buckets are counted only where a list is split (the loads of unsplit lists are
    // never read): two passes over every entry saved in the common case
    boolean baseSplit = Arrays.stream(fine.base()).anyMatch(b -> b > 1);
    boolean querySplit = Arrays.stream(fine.query()).anyMatch(b -> b > 1);
    Broadcast<int[][]> fineB = jsc.broadcast(new int[][] {fine.base(), fine.query()});
    Map<Long, Long> baseLoads =
        !baseSplit
            ? Map.of()
            : assignedBases
                .flatMap(
                    e ->
                        boxed(
                            new ListPlan.Fine(fineB.value()[0], fineB.value()[1]).baseLoadKeys(e)))
                .countByValue();
    Map<Long, Long> queryLoads =
        !querySplit
            ? Map.of()
            : assigned
                .flatMap(
                    e ->
                        boxed(
                            new ListPlan.Fine(fineB.value()[0], fineB.value()[1]).queryLoadKeys(e)))
                .countByValue();
    fineB.destroy();
    ListPlan plan = fine.pack(baseLoads, queryLoads, cap);
    SearchReport report =
        ListSearch.describe(head, sizes, visits, cap, plan, baseLoads, queryLoads);
    Broadcast<int[][][]> planB = jsc.broadcast(new int[][][] {plan.baseBins(), plan.queryBins()});
    JavaPairRDD<Long, VectorEntry> keyed =
        assigned.flatMapToPair(
            e -> {
              ListPlan p = new ListPlan(planB.value()[0], planB.value()[1]);
              List<Tuple2<Long, VectorEntry>> out = new ArrayList<>();
              if (same) {
                add(out, p.baseKeys(e), e.copyAs(false));
              }
              add(out, p.queryKeys(e), e.copyAs(true));
              return out.iterator();
            });
    if (!same) {
      keyed =
          keyed.union(
              assignedBases.flatMapToPair(
                  e -> {
                    List<Tuple2<Long, VectorEntry>> out = new ArrayList<>();
                    add(
                        out,
                        new ListPlan(planB.value()[0], planB.value()[1]).baseKeys(e),
                        e.copyAs(false));
                    return out.iterator();
                  }));
    }
    int kHard = req.kHard();
    int kBeyond = req.kBeyond();
    JavaPairRDD<Long, AnchorCandidates> partial =
        keyed
            .groupByKey(new MixedKeyPartitioner(req.partitions()))
            .flatMapToPair(
                group ->
                    ListSearch.searchGroup(group._2(), req.mask(), req.knn(), kHard, kBeyond)
                        .stream()
                        .map(c -> new Tuple2<>(c.anchor(), c))
                        .iterator());
    JavaPairRDD<Long, AnchorCandidates> empties =
        assigned.mapToPair(
            e ->
                new Tuple2<>(
                    e.id(), AnchorCandidates.empty(e.id(), e.label(), e.positive(), e.dAp())));
    JavaRDD<AnchorCandidates> merged =
        partial
            .union(empties)
            // no map-side combine: an anchor's partial results come from different lists, so
            // they rarely meet in one map task, and the map-side hash table cost more than it saved
            .combineByKey(
                c -> c,
                (a, b) -> AnchorCandidates.merge(a, b, kHard, kBeyond),
                (a, b) -> AnchorCandidates.merge(a, b, kHard, kBeyond),
                new MixedKeyPartitioner(req.partitions()),
                false,
                null)
            .values();
    return new SearchResult(
        merged, report, List.of(assigned::unpersist, assignedBases::unpersist, planB::destroy));
  }

  private static JavaRDD<VectorEntry> assign(Dataset<Row> table, Assigner assigner) {
    // a block at a time: assignment is per row, and a whole partition of entries plus its table
    // did not fit a 4 GB executor at 16M items
    return EntryRows.chunks(table, EntryRows.BLOCK)
        .flatMap(
            entries -> {
              assigner.assignAll(entries);
              return entries.iterator();
            })
        .persist(StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * Per list, how many entries name it in {@code listsOf} (lists named by none are left out): a
   * count per partition in a primitive array, summed, where {@code countByValue} hashed a boxed key
   * per entry and list.
   */
  private static Map<Integer, Long> perList(
      JavaRDD<VectorEntry> entries, int lists, ListsOf listsOf) {
    long[] counts =
        entries
            .mapPartitions(
                it -> {
                  long[] c = new long[lists];
                  it.forEachRemaining(
                      e -> {
                        for (int l : listsOf.lists(e)) {
                          c[l]++;
                        }
                      });
                  return List.of(c).iterator();
                })
            .fold(
                new long[lists],
                (a, b) -> {
                  long[] sum = a.clone();
                  for (int l = 0; l < lists; l++) {
                    sum[l] += b[l];
                  }
                  return sum;
                });
    Map<Integer, Long> out = new HashMap<>();
    for (int l = 0; l < lists; l++) {
      if (counts[l] > 0) {
        out.put(l, counts[l]);
      }
    }
    return out;
  }

  /** The lists an entry counts in. */
  private interface ListsOf extends java.io.Serializable {
    int[] lists(VectorEntry e);
  }

  private static void add(List<Tuple2<Long, VectorEntry>> out, long[] keys, VectorEntry e) {
    for (long k : keys) {
      out.add(new Tuple2<>(k, e));
    }
  }

  private static java.util.Iterator<Long> boxed(long[] keys) {
    return Arrays.stream(keys).boxed().iterator();
  }
}
