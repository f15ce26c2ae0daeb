package io.hardneg.core.metrics;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.knn.Mask;
import io.hardneg.core.knn.MaskedKnn;
import io.hardneg.core.knn.Neighbors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Retrieval metrics with query set = reference set, self excluded, as pytorch-metric-learning's
 * AccuracyCalculator defines them. For a query, R is the number of <em>other</em> items of its
 * class; queries with R = 0 are skipped (and counted).
 *
 * <ul>
 *   <li>Recall@K: share of queries with at least one same-class item among the K nearest (Recall@1
 *       = Precision@1);
 *   <li>R-Precision: mean over queries of (same-class items among the R nearest) / R;
 *   <li>MAP@R: mean over queries of {@code (1/R) Σ_{i≤R} P(i)·rel(i)}, P(i) the precision of the
 *       first i neighbours;
 *   <li>Precision@1: share of queries whose nearest other item has its class (equal to Recall@1
 *       under these definitions, reported under both names as the calculator does);
 *   <li>per class: the same means over the queries of each class.
 * </ul>
 *
 * Pair mode ({@link #evaluate(LabeledVectors, long[], long[])}) uses the same definitions with
 * "same class" replaced by "a known positive": R is the query's number of known positives among the
 * items. Both modes share one scan, so class-mode values are those of the label-only code. The
 * neighbours come from the exact kernel with double-precision GEMM: in float a collapsed
 * embedding's neighbours tie and the metrics read low.
 */
public final class RetrievalMetrics {
  /** The K of Recall@K reported. */
  public static final int[] RECALL_KS = {1, 2, 4, 8, 16};

  private RetrievalMetrics() {}

  /** Metric values of one evaluation. */
  public record Result(
      Map<Integer, Double> recallAtK,
      double rPrecision,
      double mapAtR,
      long queries,
      long skippedQueries,
      Map<Long, ClassResult> perClass) {
    public double recallAt1() {
      return recallAtK.get(1);
    }

    public double precisionAt1() {
      return recallAtK.get(1);
    }
  }

  /**
   * The metrics over the queries of one class ({@code queries} = 0 when the class is a singleton;
   * the means are then NaN).
   */
  public record ClassResult(
      long items, long queries, double precisionAt1, double rPrecision, double mapAtR) {}

  /**
   * Class mode: evaluates {@code items} against themselves, relevant = same label; per-class
   * breakdown included.
   */
  public static Result evaluate(LabeledVectors items) {
    return classSums(items, 0, items.size()).result();
  }

  /**
   * Class mode over the queries {@code items[from, to)}, each searched against all of {@code
   * items}: the sums that {@link Sums#merge} adds up over consecutive ranges (how the evaluation is
   * spread over tasks). Each query's neighbours, and so its outcome, do not depend on the range it
   * is in: the kernel ranks the kept neighbours by distances recomputed in double from the vectors,
   * ties by position.
   */
  public static Sums classSums(LabeledVectors items, int from, int to) {
    Map<Long, Integer> classSize = new HashMap<>();
    for (long l : items.labels()) {
      classSize.merge(l, 1, Integer::sum);
    }
    int maxR = 0;
    for (int c : classSize.values()) {
      maxR = Math.max(maxR, c - 1);
    }
    long[] labels = items.labels();
    // per class: {queries, hits@1, rPrecision sum, MAP@R sum, items}
    Map<Long, double[]> byClass = new TreeMap<>();
    Sums t =
        scan(
            items,
            from,
            to,
            maxR,
            new Relevance() {
              @Override
              public int count(int q) {
                return classSize.get(labels[q]) - 1;
              }

              @Override
              public boolean relevant(int q, int row) {
                return labels[row] == labels[q];
              }
            },
            (o, q) -> {
              double[] c = byClass.computeIfAbsent(labels[q], x -> new double[5]);
              c[4]++;
              if (o.r() == 0) {
                return;
              }
              c[0]++;
              c[1] += o.firstHit() == 0 ? 1 : 0;
              c[2] += o.rPrecision();
              c[3] += o.averagePrecision();
            });
    t.classLabels = byClass.keySet().stream().mapToLong(Long::longValue).toArray();
    t.classSums = byClass.values().toArray(new double[0][]);
    return t;
  }

  /**
   * Pair mode: evaluates {@code items} against themselves, relevant = a known positive. The pairs
   * {@code (pairAnchors[i], pairPositives[i])} count in both directions (as in mining, where an
   * anchor's known positives in either direction are masked out of its negatives); pairs naming an
   * id that is not in {@code items}, and self pairs, are ignored. For a query, R is the number of
   * its distinct known positives among the items; queries with R = 0 are skipped (and counted). The
   * per-class breakdown is empty: pair mode has no classes.
   */
  public static Result evaluate(LabeledVectors items, long[] pairAnchors, long[] pairPositives) {
    return pairSums(items, positiveRows(items, pairAnchors, pairPositives), 0, items.size())
        .result();
  }

  /**
   * Pair mode over the queries {@code items[from, to)} ({@link #classSums} for ranges), with {@code
   * positives} = {@link #positiveRows} of all of {@code items}.
   */
  public static Sums pairSums(LabeledVectors items, long[][] positives, int from, int to) {
    int maxR = 0;
    for (long[] p : positives) {
      maxR = Math.max(maxR, p.length);
    }
    long[] ids = items.ids();
    return scan(
        items,
        from,
        to,
        maxR,
        new Relevance() {
          @Override
          public int count(int q) {
            return positives[q].length;
          }

          @Override
          public boolean relevant(int q, int row) {
            return Arrays.binarySearch(positives[q], ids[row]) >= 0;
          }
        },
        (o, q) -> {});
  }

  /**
   * For every row of {@code items}: the sorted, distinct ids of its known positives among the items
   * (both directions of every pair, self excluded).
   */
  public static long[][] positiveRows(
      LabeledVectors items, long[] pairAnchors, long[] pairPositives) {
    if (pairAnchors.length != pairPositives.length) {
      throw new IllegalArgumentException(
          "pair columns differ in length: "
              + pairAnchors.length
              + " anchors != "
              + pairPositives.length
              + " positives");
    }
    Map<Long, Integer> row = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      row.put(items.ids()[i], i);
    }
    List<List<Long>> lists = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      lists.add(new ArrayList<>());
    }
    for (int i = 0; i < pairAnchors.length; i++) {
      Integer a = row.get(pairAnchors[i]);
      Integer p = row.get(pairPositives[i]);
      if (a == null || p == null || a.equals(p)) {
        continue;
      }
      lists.get(a).add(pairPositives[i]);
      lists.get(p).add(pairAnchors[i]);
    }
    long[][] out = new long[items.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = lists.get(i).stream().mapToLong(Long::longValue).sorted().distinct().toArray();
    }
    return out;
  }

  /** Which reference rows are relevant to a query, and how many there are (its R). */
  private interface Relevance {
    int count(int q);

    boolean relevant(int q, int row);
  }

  /**
   * One query's outcome: R (0 = skipped; the other fields are then unset), the rank of its first
   * relevant neighbour among the {@code max(K)} nearest ({@code Integer.MAX_VALUE} if none), its
   * R-precision and its AP@R.
   */
  private record Outcome(int r, int firstHit, double rPrecision, double averagePrecision) {}

  /**
   * Sums over a range of queries (a plain class with primitive arrays, so that it crosses the wire
   * of a distributed evaluation as it is). Merged over consecutive ranges in query order, they give
   * the {@link Result} of the whole set.
   */
  public static final class Sums implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    long[] hits = new long[RECALL_KS.length];
    double rPrecSum;
    double mapSum;
    long queries;
    long skipped;

    /** Class mode: the labels met, ascending; empty in pair mode. */
    long[] classLabels = new long[0];

    /** Per label: {queries, hits@1, R-precision sum, AP@R sum, items}. */
    double[][] classSums = new double[0][];

    /** These sums followed by {@code o}'s (the queries after these). */
    public Sums merge(Sums o) {
      Sums m = new Sums();
      for (int j = 0; j < hits.length; j++) {
        m.hits[j] = hits[j] + o.hits[j];
      }
      m.rPrecSum = rPrecSum + o.rPrecSum;
      m.mapSum = mapSum + o.mapSum;
      m.queries = queries + o.queries;
      m.skipped = skipped + o.skipped;
      Map<Long, double[]> byClass = new TreeMap<>();
      for (Sums s : new Sums[] {this, o}) {
        for (int i = 0; i < s.classLabels.length; i++) {
          double[] c = byClass.computeIfAbsent(s.classLabels[i], x -> new double[5]);
          for (int f = 0; f < 5; f++) {
            c[f] += s.classSums[i][f];
          }
        }
      }
      m.classLabels = byClass.keySet().stream().mapToLong(Long::longValue).toArray();
      m.classSums = byClass.values().toArray(new double[0][]);
      return m;
    }

    /** The metrics these sums make. */
    public Result result() {
      Map<Integer, Double> recall = new LinkedHashMap<>();
      for (int j = 0; j < RECALL_KS.length; j++) {
        recall.put(RECALL_KS[j], queries == 0 ? Double.NaN : (double) hits[j] / queries);
      }
      Map<Long, ClassResult> perClass = new LinkedHashMap<>();
      for (int i = 0; i < classLabels.length; i++) {
        double[] c = classSums[i];
        perClass.put(
            classLabels[i],
            new ClassResult(
                (long) c[4],
                (long) c[0],
                c[0] == 0 ? Double.NaN : c[1] / c[0],
                c[0] == 0 ? Double.NaN : c[2] / c[0],
                c[0] == 0 ? Double.NaN : c[3] / c[0]));
      }
      return new Result(
          recall,
          queries == 0 ? Double.NaN : rPrecSum / queries,
          queries == 0 ? Double.NaN : mapSum / queries,
          queries,
          skipped,
          perClass);
    }
  }

  /**
   * The exact self-excluded kNN of the queries {@code items[from, to)} among all of {@code items}
   * (k = max(max K, max R)) scored under {@code relevance}; {@code each} sees every query's outcome
   * (by its row in {@code items}), skipped ones included.
   */
  private static Sums scan(
      LabeledVectors items,
      int from,
      int to,
      int maxR,
      Relevance relevance,
      java.util.function.ObjIntConsumer<Outcome> each) {
    int maxK = RECALL_KS[RECALL_KS.length - 1];
    int k = Math.max(1, Math.max(maxK, maxR));
    LabeledVectors range = from == 0 && to == items.size() ? items : slice(items, from, to);
    Neighbors[] nn =
        MaskedKnn.search(range, items, Mask.SELF, new KnnOptions(k, 512, 4096, DataType.DOUBLE))[0];
    long[] hits = new long[RECALL_KS.length];
    double rPrecSum = 0;
    double mapSum = 0;
    long queries = 0;
    long skipped = 0;
    for (int q = from; q < to; q++) {
      int r = relevance.count(q);
      if (r == 0) {
        skipped++;
        each.accept(new Outcome(0, Integer.MAX_VALUE, Double.NaN, Double.NaN), q);
        continue;
      }
      queries++;
      int[] idx = nn[q - from].index();
      int firstHit = Integer.MAX_VALUE;
      int relevant = 0;
      double ap = 0;
      for (int i = 0; i < Math.min(r, idx.length); i++) {
        if (relevance.relevant(q, idx[i])) {
          relevant++;
          ap += (double) relevant / (i + 1);
          firstHit = Math.min(firstHit, i);
        }
      }
      for (int i = r; i < Math.min(maxK, idx.length) && firstHit == Integer.MAX_VALUE; i++) {
        if (relevance.relevant(q, idx[i])) {
          firstHit = i;
        }
      }
      for (int j = 0; j < RECALL_KS.length; j++) {
        if (firstHit < RECALL_KS[j]) {
          hits[j]++;
        }
      }
      rPrecSum += (double) relevant / r;
      mapSum += ap / r;
      each.accept(new Outcome(r, firstHit, (double) relevant / r, ap / r), q);
    }
    Sums out = new Sums();
    out.hits = hits;
    out.rPrecSum = rPrecSum;
    out.mapSum = mapSum;
    out.queries = queries;
    out.skipped = skipped;
    return out;
  }

  /** Rows {@code [from, to)} of {@code items}. */
  private static LabeledVectors slice(LabeledVectors items, int from, int to) {
    int d = items.dim();
    return new LabeledVectors(
        Arrays.copyOfRange(items.ids(), from, to),
        Arrays.copyOfRange(items.labels(), from, to),
        Arrays.copyOfRange(items.values(), from * d, to * d),
        d);
  }
}
