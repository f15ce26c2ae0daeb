package io.hardneg.core.search;

import io.hardneg.core.data.LabeledVectors;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * Assigns each item a home list (where it lives as a base vector) and the lists it visits as a
 * query. The same assigner drives the single-machine search ({@link LocalSearch}) and the Spark
 * list placements, so both see the same lists.
 */
public interface Assigner extends Serializable {
  /** Number of lists. */
  int lists();

  /**
   * For each row of {@code block}: {@code [home, spill1, ..., spillS, probe1, probe2, ...]} with
   * {@link #spill()} spill lists.
   */
  int[][] assign(LabeledVectors block);

  /** Lists beyond its home that each item also lives in as a base vector (0: home only). */
  default int spill() {
    return 0;
  }

  /**
   * Sets {@link VectorEntry#home()}, {@link VectorEntry#spill()} and {@link VectorEntry#probes()}
   * of every entry.
   */
  default void assignAll(List<VectorEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    int[][] a = assign(ListSearch.table(entries));
    int s = spill();
    for (int i = 0; i < entries.size(); i++) {
      entries.get(i).home = a[i][0];
      entries.get(i).spill = Arrays.copyOfRange(a[i], 1, 1 + s);
      entries.get(i).probes = Arrays.copyOfRange(a[i], 1 + s, a[i].length);
    }
  }
}
