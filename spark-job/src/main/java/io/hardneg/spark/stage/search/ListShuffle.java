package io.hardneg.spark.stage.search;

import io.hardneg.core.search.AnchorCandidates;
import io.hardneg.core.search.Assigner;
import io.hardneg.core.search.ListPlan;
import io.hardneg.core.search.ListSearch;
import io.hardneg.core.search.SearchReport;
import io.hardneg.core.search.VectorEntry;
import java.util.ArrayList;
import java.util.Arrays;
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
    Map<Integer, Long> sizes =
        assignedBases.flatMap(e -> Arrays.stream(e.baseLists()).boxed().iterator()).countByValue();
    Map<Integer, Long> visits =
        assigned
            .filter(VectorEntry::hasPositive)
            .flatMap(e -> Arrays.stream(e.probes()).boxed().iterator())
            .countByValue();
    ListPlan.Fine fine = ListPlan.Fine.of(sizes, visits, assigner.lists(), cap);
    Broadcast<int[][]> fineB = jsc.broadcast(new int[][] {fine.base(), fine.query()});
    Map<Long, Long> baseLoads =
        assignedBases
            .flatMap(
                e -> boxed(new ListPlan.Fine(fineB.value()[0], fineB.value()[1]).baseLoadKeys(e)))
            .countByValue();
    Map<Long, Long> queryLoads =
        assigned
            .flatMap(
                e -> boxed(new ListPlan.Fine(fineB.value()[0], fineB.value()[1]).queryLoadKeys(e)))
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
            .groupByKey(req.partitions())
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
            .reduceByKey((a, b) -> AnchorCandidates.merge(a, b, kHard, kBeyond), req.partitions())
            .values();
    return new SearchResult(
        merged, report, List.of(assigned::unpersist, assignedBases::unpersist, planB::destroy));
  }

  private static JavaRDD<VectorEntry> assign(Dataset<Row> table, Assigner assigner) {
    return table
        .javaRDD()
        .mapPartitions(
            rows -> {
              List<VectorEntry> entries = new ArrayList<>();
              rows.forEachRemaining(r -> entries.add(EntryRows.entry(r)));
              assigner.assignAll(entries);
              return entries.iterator();
            })
        .persist(StorageLevel.MEMORY_AND_DISK());
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
