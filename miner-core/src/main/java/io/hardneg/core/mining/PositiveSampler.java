package io.hardneg.core.mining;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.util.Seeds;
import java.util.HashMap;
import java.util.Map;

/**
 * Positive policy {@code random} of class mode: for an anchor, a uniformly drawn other item of
 * the same label in the base table, with the draw seeded by {@code hash(seed, round, anchor id)}
 * so it does not depend on partitioning or task attempts.
 */
public final class PositiveSampler {
  private final Map<Long, int[]> rowsByLabel = new HashMap<>();
  private final Map<Long, Integer> rowById = new HashMap<>();
  private final int[] slotOfRow;

  /** Indexes {@code base} by label and id. */
  public PositiveSampler(LabeledVectors base) {
    Map<Long, Integer> counts = new HashMap<>();
    for (long l : base.labels()) {
      counts.merge(l, 1, Integer::sum);
    }
    counts.forEach((l, c) -> rowsByLabel.put(l, new int[c]));
    Map<Long, Integer> fill = new HashMap<>();
    slotOfRow = new int[base.size()];
    for (int i = 0; i < base.size(); i++) {
      long l = base.labels()[i];
      int f = fill.merge(l, 1, Integer::sum) - 1;
      rowsByLabel.get(l)[f] = i;
      slotOfRow[i] = f;
      rowById.put(base.ids()[i], i);
    }
  }

  /**
   * The base row of the positive for an anchor, or -1 when the anchor's class has no other item
   * in the base table. The anchor itself (same id) is never returned.
   */
  public int sample(long anchorId, long anchorLabel, long seed, int round) {
    int[] rows = rowsByLabel.get(anchorLabel);
    if (rows == null) {
      return -1;
    }
    Integer selfRow = rowById.get(anchorId);
    int selfSlot = -1;
    if (selfRow != null && rows[slotOfRow[selfRow]] == selfRow) {
      selfSlot = slotOfRow[selfRow];
    }
    int choices = rows.length - (selfSlot >= 0 ? 1 : 0);
    if (choices <= 0) {
      return -1;
    }
    int pick = (int) (Seeds.unit(Seeds.of(seed, round, anchorId)) * choices);
    if (selfSlot >= 0 && pick >= selfSlot) {
      pick++; // skip over the anchor's own slot
    }
    return rows[pick];
  }
}
