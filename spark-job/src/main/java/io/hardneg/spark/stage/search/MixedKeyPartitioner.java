package io.hardneg.spark.stage.search;

import io.hardneg.core.util.Seeds;
import org.apache.spark.Partitioner;

/**
 * Places long keys on reduce tasks by a mixed hash: the list search's groups and its per-anchor
 * merge. A group key packs (list, sub-list, query chunk) into the high, middle and low bits, and
 * Spark's {@code HashPartitioner} takes {@code Long.hashCode}, which for an unsplit list (sub-list
 * and chunk 0) is {@code list << 8}: every group landed on task 0, and one core ran the whole
 * search. Anchor ids with structure in their high bits would do the same to the merge.
 */
final class MixedKeyPartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;

  private final int partitions;

  MixedKeyPartitioner(int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    this.partitions = partitions;
  }

  @Override
  public int numPartitions() {
    return partitions;
  }

  @Override
  public int getPartition(Object key) {
    return (int) Math.floorMod(Seeds.mix((Long) key), (long) partitions);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MixedKeyPartitioner g && g.partitions == partitions;
  }

  @Override
  public int hashCode() {
    return partitions;
  }
}
