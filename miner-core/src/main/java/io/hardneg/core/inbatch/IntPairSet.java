package io.hardneg.core.inbatch;

import java.util.HashSet;
import java.util.Set;

/** Distinct {@code (i, j)} pairs in first-seen order. */
final class IntPairSet {
  private final Set<Long> seen = new HashSet<>();
  private final IntList first = new IntList();
  private final IntList second = new IntList();

  void add(int i, int j) {
    if (seen.add(((long) i << 32) | (j & 0xffffffffL))) {
      first.add(i);
      second.add(j);
    }
  }

  int[] firsts() {
    return first.toArray();
  }

  int[] seconds() {
    return second.toArray();
  }
}
