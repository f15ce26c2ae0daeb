package io.hardneg.spark.stage.search;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.HashPartitioner;
import org.junit.jupiter.api.Test;

class MixedKeyPartitionerTest {
  /** ListPlan's group key: list in bits 40+, sub-list in bits 20+, query chunk below. */
  private static long key(int list, int sub, int chunk) {
    return ((long) list << 40) | ((long) sub << 20) | chunk;
  }

  private static int[] load(org.apache.spark.Partitioner p, int lists) {
    int[] n = new int[p.numPartitions()];
    for (int l = 0; l < lists; l++) {
      n[p.getPartition(key(l, 0, 0))]++;
    }
    return n;
  }

  @Test
  void unsplitListsSpreadOverEveryTask() {
    int[] n = load(new MixedKeyPartitioner(8), 4000);
    for (int c : n) {
      // 500 expected per task; a binomial spread stays well inside this
      assertTrue(c > 400 && c < 600, java.util.Arrays.toString(n));
    }
  }

  @Test
  void sparksHashPartitionerPutsThemAllOnOneTask() {
    // why the search has its own partitioner: Long.hashCode folds the list bits onto << 8
    int[] n = load(new HashPartitioner(8), 4000);
    assertTrue(n[0] == 4000, java.util.Arrays.toString(n));
  }
}
