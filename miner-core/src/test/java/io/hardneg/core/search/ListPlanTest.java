package io.hardneg.core.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The list planner: packing invariants checked by naive sums, determinism under any order of the
 * inputs, and every (query, base) pair of a list meeting in exactly one task.
 */
class ListPlanTest {

  /** Random loads for the fine buckets of three lists; list 1 is not split. */
  static Map<Long, Long> loads(int[] fine, Random r, int cap) {
    Map<Long, Long> m = new HashMap<>();
    for (int l = 0; l < fine.length; l++) {
      for (int b = 0; fine[l] > 1 && b < fine[l]; b++) {
        long load = r.nextInt(3) == 0 ? 0 : r.nextInt(cap + 1);
        if (load > 0) {
          m.put(ListPlan.bucketKey(l, b), load);
        }
      }
    }
    return m;
  }

  @Test
  void packedSubListsRespectTheCapAndAreDeterministic() {
    int cap = 100;
    Random r = new Random(7);
    for (int trial = 0; trial < 50; trial++) {
      int[] fine = {8 * (1 + r.nextInt(5)), 1, 8 * (1 + r.nextInt(3))};
      Map<Long, Long> loads = loads(fine, r, cap);
      int[][] bins = ListPlan.pack(fine, loads, cap);
      for (int l = 0; l < fine.length; l++) {
        assertEquals(fine[l], bins[l].length, "a sub-list for every fine bucket");
        if (fine[l] == 1) {
          assertArrayEquals(new int[] {0}, bins[l]);
          continue;
        }
        int n = ListPlan.bins(bins[l]);
        long[] sum = new long[n];
        long total = 0;
        for (int b = 0; b < fine[l]; b++) {
          assertTrue(bins[l][b] >= 0 && bins[l][b] < n);
          long load = loads.getOrDefault(ListPlan.bucketKey(l, b), 0L);
          sum[bins[l][b]] += load;
          total += load;
        }
        for (int s = 0; s < n; s++) {
          assertTrue(sum[s] <= cap, "sub-list " + s + " holds " + sum[s]);
        }
        // worst fit never opens a sub-list while two open ones could have been one
        for (int a = 0; a < n; a++) {
          for (int b = a + 1; b < n; b++) {
            assertTrue(
                sum[a] + sum[b] > cap || sum[a] == 0 || sum[b] == 0,
                "sub-lists " + a + " and " + b + " would fit in one: " + sum[a] + "+" + sum[b]);
          }
        }
        assertTrue(n <= Math.max(1, 2 * ((total + cap - 1) / cap)), n + " sub-lists for " + total);
      }
      // a pure function of the loads, whatever order the map iterates in
      Map<Long, Long> shuffled = new java.util.LinkedHashMap<>();
      List<Long> keys = new ArrayList<>(loads.keySet());
      Collections.shuffle(keys, new Random(trial));
      keys.forEach(k -> shuffled.put(k, loads.get(k)));
      int[][] again = ListPlan.pack(fine, shuffled, cap);
      for (int l = 0; l < fine.length; l++) {
        assertArrayEquals(bins[l], again[l]);
      }
    }
  }

  @Test
  void everyQueryMeetsEveryBaseOfAProbedListInExactlyOneTask() {
    int cap = 10;
    Random r = new Random(3);
    List<VectorEntry> items = new ArrayList<>();
    for (long id = 0; id < 120; id++) {
      VectorEntry e =
          id % 4 == 0
              ? VectorEntry.item(id, 0, new float[] {1})
              : VectorEntry.anchor(id, 0, new float[] {1}, id + 1, 0.5, null);
      e.home = id < 90 ? 0 : 1 + r.nextInt(2); // list 0 holds 90 items: split
      e.probes = id % 3 == 0 ? new int[] {0, 1} : new int[] {0, 2};
      items.add(e);
    }
    Map<Integer, Long> sizes = new HashMap<>();
    Map<Integer, Long> visits = new HashMap<>();
    for (VectorEntry e : items) {
      sizes.merge(e.home, 1L, Long::sum);
      for (int l : e.hasPositive() ? e.probes : new int[0]) {
        visits.merge(l, 1L, Long::sum);
      }
    }
    ListPlan.Fine fine = ListPlan.Fine.of(sizes, visits, 3, cap);
    Map<Long, Long> baseLoads = new HashMap<>();
    Map<Long, Long> queryLoads = new HashMap<>();
    for (VectorEntry e : items) {
      for (long k : fine.baseLoadKeys(e)) {
        baseLoads.merge(k, 1L, Long::sum);
      }
      for (long k : fine.queryLoadKeys(e)) {
        queryLoads.merge(k, 1L, Long::sum);
      }
    }
    ListPlan plan = fine.pack(baseLoads, queryLoads, cap);
    assertTrue(plan.listsSplit() >= 1 && plan.listsQuerySplit() >= 1);
    Map<Long, List<Long>> baseIn = new HashMap<>();
    Map<Long, List<Long>> queryIn = new HashMap<>();
    for (VectorEntry e : items) {
      for (long k : plan.baseKeys(e)) {
        baseIn.computeIfAbsent(k, x -> new ArrayList<>()).add(e.id);
      }
      for (long k : plan.queryKeys(e)) {
        queryIn.computeIfAbsent(k, x -> new ArrayList<>()).add(e.id);
      }
    }
    // oracle: count the meetings of every (query, base) pair over all tasks
    Map<String, Integer> met = new HashMap<>();
    for (Map.Entry<Long, List<Long>> g : queryIn.entrySet()) {
      for (long q : g.getValue()) {
        for (long b : baseIn.getOrDefault(g.getKey(), List.of())) {
          met.merge(q + "/" + b, 1, Integer::sum);
        }
      }
      assertTrue(g.getValue().size() <= cap, "queries in task " + g.getKey());
    }
    baseIn.values().forEach(v -> assertTrue(v.size() <= cap, "bases in a task: " + v.size()));
    for (VectorEntry q : items) {
      for (VectorEntry b : items) {
        boolean probes =
            q.hasPositive() && java.util.Arrays.stream(q.probes).anyMatch(l -> l == b.home);
        assertEquals(
            probes ? 1 : 0,
            met.getOrDefault(q.id + "/" + b.id, 0),
            "query " + q.id + " base " + b.id);
      }
    }
    assertEquals(
        ListPlan.largestTask(plan.baseBins(), baseLoads, sizes),
        baseIn.values().stream().mapToLong(List::size).max().orElse(0));
  }
}
