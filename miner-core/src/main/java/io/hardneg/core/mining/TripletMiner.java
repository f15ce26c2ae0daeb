package io.hardneg.core.mining;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.data.VectorMath;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.knn.Mask;
import io.hardneg.core.search.AnchorCandidates;
import io.hardneg.core.search.LocalSearch;
import io.hardneg.core.search.SearchReport;
import io.hardneg.core.search.VectorEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Global triplet mining in one JVM, the single-machine runner of what the Spark MINE stage places:
 * positives ({@link PositiveRule}, or the hardest positive found by the same search) → the negative
 * search ({@link LocalSearch}: exact, tiled or IVF) → the rules ({@link #select}, i.e. {@link
 * NegativeSelector}) per anchor. It is the oracle of the Spark placements: on the same items, seed
 * and round they give the same triplets.
 *
 * <p>Anchors without a positive or without any negative are counted in {@link MiningStats} and
 * produce no triplet. Triplets come out by anchor id, each anchor's in the rules' order.
 */
public final class TripletMiner {
  private final MiningConfig config;
  private final KnnOptions knn;

  public TripletMiner(MiningConfig config, KnnOptions knn) {
    this.config = config;
    this.knn = knn;
  }

  /** Result of one mining call, with the search's report. */
  public record Result(List<MinedTriplet> triplets, MiningStats stats, SearchReport search) {}

  /** Class mode, positive policy random, exact search. */
  public Result mine(LabeledVectors items, int round) {
    return mine(items, false, LocalSearch.exact(knn), round);
  }

  /**
   * Class mode: every item is an anchor; negatives have another label.
   *
   * @param hardestPositive positive policy {@code hardest} (the farthest same-label item the search
   *     visits) instead of {@code random}
   */
  public Result mine(LabeledVectors items, boolean hardestPositive, LocalSearch search, int round) {
    long[] positive = new long[items.size()];
    boolean[] has = new boolean[items.size()];
    if (hardestPositive) {
      // the nearest same-label item to −a is the farthest one from a (unit vectors)
      List<VectorEntry> negated = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        float[] neg = items.row(i);
        for (int j = 0; j < neg.length; j++) {
          neg[j] = -neg[j];
        }
        negated.add(VectorEntry.anchor(items.ids()[i], items.labels()[i], neg, -1, -1.0, null));
      }
      List<AnchorCandidates> far =
          search
              .run(negated, entries(items), Mask.SAME_LABEL, 1, 0, config.seed(), round)
              .candidates();
      Map<Long, Integer> row = rowsById(items);
      for (AnchorCandidates c : far) {
        int i = row.get(c.anchor());
        has[i] = c.hardIds().length > 0;
        positive[i] = has[i] ? c.hardIds()[0] : 0;
      }
    } else {
      int[] rows = PositiveRule.successors(items.ids(), items.labels(), config.seed(), round);
      for (int i = 0; i < rows.length; i++) {
        has[i] = rows[i] >= 0;
        positive[i] = has[i] ? items.ids()[rows[i]] : 0;
      }
    }
    return mine(items, positive, has, null, Mask.OTHER_LABEL, search, round);
  }

  /**
   * Pair mode: the anchors are the pairs' anchors (others get no positive); negatives are items
   * that are neither the anchor nor a known positive of it, in either direction of a pair.
   *
   * @param pairs {@code {anchor id, positive id}} rows
   */
  public Result minePairs(LabeledVectors items, long[][] pairs, LocalSearch search, int round) {
    Map<Long, TreeSet<Long>> options = new HashMap<>();
    Map<Long, TreeSet<Long>> known = new HashMap<>();
    for (long[] p : pairs) {
      options.computeIfAbsent(p[0], x -> new TreeSet<>()).add(p[1]);
      known.computeIfAbsent(p[0], x -> new TreeSet<>()).add(p[1]);
      known.computeIfAbsent(p[1], x -> new TreeSet<>()).add(p[0]);
    }
    long[] positive = new long[items.size()];
    boolean[] has = new boolean[items.size()];
    long[][] excluded = new long[items.size()][];
    for (int i = 0; i < items.size(); i++) {
      long id = items.ids()[i];
      TreeSet<Long> o = options.get(id);
      if (o != null) {
        has[i] = true;
        positive[i] =
            PositiveRule.pick(
                o.stream().mapToLong(Long::longValue).toArray(), config.seed(), round, id);
      }
      TreeSet<Long> k = known.get(id);
      excluded[i] = k == null ? null : k.stream().mapToLong(Long::longValue).toArray();
    }
    return mine(items, positive, has, excluded, Mask.SELF, search, round);
  }

  private Result mine(
      LabeledVectors items,
      long[] positive,
      boolean[] has,
      long[][] excluded,
      Mask mask,
      LocalSearch search,
      int round) {
    Map<Long, Integer> row = rowsById(items);
    List<VectorEntry> anchors = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      Integer p = has[i] ? row.get(positive[i]) : null;
      if (p == null) {
        anchors.add(VectorEntry.item(items.ids()[i], items.labels()[i], items.row(i)));
      } else {
        double dap = VectorMath.distance(items.values(), i, items.values(), p, items.dim());
        anchors.add(
            VectorEntry.anchor(
                items.ids()[i],
                items.labels()[i],
                items.row(i),
                positive[i],
                dap,
                excluded == null ? null : excluded[i]));
      }
    }
    LocalSearch.Result found =
        search.run(
            anchors,
            anchors,
            mask,
            config.nearestNeeded(),
            config.beyondNeeded(),
            config.seed(),
            round);
    MiningStats stats = new MiningStats();
    List<MinedTriplet> out = new ArrayList<>();
    for (AnchorCandidates c : found.candidates()) {
      out.addAll(select(c, config, stats));
    }
    return new Result(out, stats, found.report());
  }

  /**
   * The rules applied to one anchor's merged candidates (what every placement calls): counts the
   * anchor and its outcome into {@code stats}, returns its triplets.
   */
  public static List<MinedTriplet> select(
      AnchorCandidates c, MiningConfig mining, MiningStats stats) {
    stats.addAnchor();
    if (Double.isNaN(c.dAp())) {
      stats.addNoPositive();
      return List.of();
    }
    if (c.hardIds().length == 0) {
      stats.addNoNegative();
      return List.of();
    }
    NegativeSelector.Candidates hard =
        new NegativeSelector.Candidates(c.hardIds(), c.hardLabels(), c.hardDist(), 0);
    NegativeSelector.Candidates beyond =
        new NegativeSelector.Candidates(
            c.beyondIds(), c.beyondLabels(), c.beyondDist(), c.beyondWithin());
    List<MinedTriplet> out = new ArrayList<>();
    for (NegativeSelector.Pick p : NegativeSelector.select(mining, c.dAp(), hard, beyond, stats)) {
      long negLabel =
          p.fromBeyond() ? c.beyondLabels()[p.position()] : c.hardLabels()[p.position()];
      out.add(
          new MinedTriplet(
              c.anchor(),
              c.positive(),
              p.key(),
              c.label(),
              negLabel,
              c.dAp(),
              p.dAn(),
              p.rank(),
              p.kind()));
      stats.addTriplet(p.kind());
    }
    return out;
  }

  private static List<VectorEntry> entries(LabeledVectors items) {
    List<VectorEntry> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      out.add(VectorEntry.item(items.ids()[i], items.labels()[i], items.row(i)));
    }
    return out;
  }

  private static Map<Long, Integer> rowsById(LabeledVectors items) {
    Map<Long, Integer> row = new TreeMap<>();
    for (int i = 0; i < items.size(); i++) {
      row.put(items.ids()[i], i);
    }
    return row;
  }
}
