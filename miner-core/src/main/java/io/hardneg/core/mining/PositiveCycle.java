package io.hardneg.core.mining;

/**
 * {@link PositiveRule}'s class-mode cycle computed piecewise, for a placement that must not hold a
 * class in one place. The items, sorted by (label, {@link PositiveRule#orderKey}, id), are cut into
 * contiguous <em>segments</em> anywhere (a range partitioning: a class may span many segments, a
 * segment may hold many classes, a segment may be empty). Three steps:
 *
 * <ol>
 *   <li>each segment streams its rows once through an {@link EdgeBuilder} and reports its {@link
 *       EdgeBuilder#edge() edge}: its row count, first and last rows, and where the run of its last
 *       label starts in it;
 *   <li>{@link #stitch} joins all edges, in segment order, into what each segment needs from the
 *       others: whether its first class began in an earlier segment (and that class's first item),
 *       and the successor of its last row;
 *   <li>each segment streams its rows again through a {@link Walker}, which gives every row its
 *       successor one row later.
 * </ol>
 *
 * <p>The result is {@link PositiveRule#successors} exactly, wherever the cuts fall. Why: in the
 * sorted order a class is one contiguous run, and a row's positive is the next row of the order
 * when that row has the same label, else the first row of its own run (the cycle wraps). Inside a
 * segment the next row is the segment's next row; for a segment's last row it is the first row of
 * the next non-empty segment. A run's first row lies in the segment where the run starts: the same
 * segment, or, when the run is already under way at the segment's first row, the previous non-empty
 * segment's last run's first row, found by induction over the segments in order. Each edge is six
 * numbers, so the stitching is O(segments), whatever the class sizes.
 */
public final class PositiveCycle {
  /** Positions in an {@link EdgeBuilder#edge() edge}. */
  static final int ROWS = 0;

  static final int FIRST_LABEL = 1;
  static final int FIRST_ID = 2;
  static final int LAST_LABEL = 3;
  static final int LAST_ID = 4;
  static final int LAST_RUN_HEAD = 5;

  private PositiveCycle() {}

  /** Accumulates one segment's edge from its rows, fed in sorted order. */
  public static final class EdgeBuilder {
    private long rows;
    private long firstLabel;
    private long firstId;
    private long lastLabel;
    private long lastId;
    private long lastRunHead;

    /** The segment's next row. */
    public void add(long label, long id) {
      if (rows == 0) {
        firstLabel = label;
        firstId = id;
        lastRunHead = id;
      } else if (label != lastLabel) {
        lastRunHead = id;
      }
      lastLabel = label;
      lastId = id;
      rows++;
    }

    /**
     * {@code {rows, first label, first id, last label, last id, first id of the last label's run in
     * this segment}}; a segment without rows has {@code rows = 0} and nothing else of meaning.
     */
    public long[] edge() {
      return new long[] {rows, firstLabel, firstId, lastLabel, lastId, lastRunHead};
    }
  }

  /**
   * What each segment needs from the others, from every segment's edge in segment order: {@code
   * stitched[s] = {1 if segment s's first class began in an earlier segment else 0, that class's
   * first id (when 1), the successor of segment s's last row}}; all zero for an empty segment.
   */
  public static long[][] stitch(long[][] edges) {
    int n = edges.length;
    long[][] out = new long[n][3];
    long[] headOfLast = new long[n]; // first id of the class of each segment's last row
    int previous = -1;
    for (int s = 0; s < n; s++) {
      long[] e = edges[s];
      if (e[ROWS] == 0) {
        continue;
      }
      boolean continues = previous >= 0 && edges[previous][LAST_LABEL] == e[FIRST_LABEL];
      long incoming = continues ? headOfLast[previous] : 0;
      headOfLast[s] = continues && e[FIRST_LABEL] == e[LAST_LABEL] ? incoming : e[LAST_RUN_HEAD];
      out[s][0] = continues ? 1 : 0;
      out[s][1] = incoming;
      previous = s;
    }
    int next = -1;
    for (int s = n - 1; s >= 0; s--) {
      if (edges[s][ROWS] == 0) {
        continue;
      }
      out[s][2] =
          next >= 0 && edges[next][FIRST_LABEL] == edges[s][LAST_LABEL]
              ? edges[next][FIRST_ID]
              : headOfLast[s];
      next = s;
    }
    return out;
  }

  /**
   * Gives the rows of one segment, fed in sorted order, their successors: {@link #enter} each row;
   * before entering the next one, {@link #successor} of the current row given the next; after the
   * last, {@link #lastSuccessor}. A successor equal to the row's own id means its class has one
   * item (no positive).
   */
  public static final class Walker {
    private final boolean continues;
    private final long incomingHead;
    private final long lastSuccessor;
    private boolean started;
    private long label;
    private long runHead;

    /** {@code stitched} is this segment's row of {@link #stitch}. */
    public Walker(long[] stitched) {
      this.continues = stitched[0] == 1;
      this.incomingHead = stitched[1];
      this.lastSuccessor = stitched[2];
    }

    /** The segment's next row becomes the current one. */
    public void enter(long rowLabel, long rowId) {
      if (!started) {
        runHead = continues ? incomingHead : rowId;
        started = true;
      } else if (rowLabel != label) {
        runHead = rowId;
      }
      label = rowLabel;
    }

    /** The current row's successor, the segment's next row being ({@code nextLabel, nextId}). */
    public long successor(long nextLabel, long nextId) {
      return nextLabel == label ? nextId : runHead;
    }

    /** The successor of the current row as the segment's last row. */
    public long lastSuccessor() {
      return lastSuccessor;
    }
  }
}
