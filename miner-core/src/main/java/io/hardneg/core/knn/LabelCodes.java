package io.hardneg.core.knn;

import io.hardneg.core.data.LabeledVectors;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The labels of one {@link MaskedKnn} search as small integers held in floats, so that the kernel's
 * pre-filter can compare a score row and the base labels lane by lane (one vector species). Used to
 * count, without visiting them one by one, the admissible negatives that lie clearly inside a
 * heap's lower bound: in a first round, where d(a,p) of an untrained embedding is large, that is
 * most of the base, and visiting them one at a time took most of the mining stage's Java time.
 */
final class LabelCodes {
  /** Floats hold every integer up to 2^24 exactly. */
  private static final int MAX_CODES = 1 << 24;

  /** The base rows' label codes. */
  final float[] base;

  /** Each query's label code, or −1 where no base row has its label. */
  final float[] query;

  /**
   * Whether the query may take the counted path: false where a base row has the query's id but
   * another label (the mask's id rule would then reject a row the label codes admit).
   */
  final boolean[] countable;

  private LabelCodes(float[] base, float[] query, boolean[] countable) {
    this.base = base;
    this.query = query;
    this.countable = countable;
  }

  /** The codes of an OTHER_LABEL search, or null when the base holds more than 2^24 labels. */
  static LabelCodes of(LabeledVectors queries, LabeledVectors base) {
    Map<Long, Integer> code = new HashMap<>();
    float[] b = new float[base.size()];
    Map<Long, Long> labelOfId = new HashMap<>();
    Set<Long> conflicted = new HashSet<>();
    for (int i = 0; i < b.length; i++) {
      long label = base.labels()[i];
      Integer c = code.get(label);
      if (c == null) {
        if (code.size() == MAX_CODES) {
          return null;
        }
        c = code.size();
        code.put(label, c);
      }
      b[i] = c;
      Long seen = labelOfId.putIfAbsent(base.ids()[i], label);
      if (seen != null && seen != label) {
        conflicted.add(base.ids()[i]); // an id with two labels: never in practice, ids are unique
      }
    }
    float[] q = new float[queries.size()];
    boolean[] ok = new boolean[queries.size()];
    for (int i = 0; i < q.length; i++) {
      long label = queries.labels()[i];
      Integer c = code.get(label);
      q[i] = c == null ? -1f : c;
      long id = queries.ids()[i];
      Long l = labelOfId.get(id);
      ok[i] = !conflicted.contains(id) && (l == null || l == label);
    }
    return new LabelCodes(b, q, ok);
  }
}
