package io.hardneg.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.distance.Distance;
import io.hardneg.core.inbatch.Batch;
import io.hardneg.core.inbatch.InBatchStats;
import io.hardneg.core.inbatch.MinerKind;
import io.hardneg.core.inbatch.Pairs;
import io.hardneg.core.inbatch.Triplets;
import io.hardneg.core.inbatch.Tuples;
import io.hardneg.core.model.ActivationL2Normalize;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every loss against a naive loop over its tuples (the tuples themselves are checked against
 * oracles in MinerOracleTest), its gradient against central finite differences of its own score on
 * the pre-output, in both layouts; plus the DL4J scale conventions and edge cases.
 */
class MetricLossTest {
  private static final IActivation L2 = new ActivationL2Normalize();

  /** Tuples the loss sees: fixed rows, or the configured miner on the activated outputs. */
  static Tuples tuples(MetricLoss loss, double[][] y, long[] labels) {
    if (loss.layout() == Layout.TRIPLETS) {
      return Tuples.of(Triplets.fixedLayout(y.length), y.length);
    }
    return loss.miner().create().mine(Batch.of(loss.distance(), y, labels), new InBatchStats(0, 1));
  }

  static double reduce(ReducerKind r, List<Double> terms) {
    double sum = 0;
    int nz = 0;
    for (double t : terms) {
      sum += t;
      nz += t != 0 ? 1 : 0;
    }
    int div = r == ReducerKind.MEAN ? terms.size() : nz;
    return div == 0 ? 0 : sum / div;
  }

  /** The reduced loss R, written as plain loops from each class's formula. */
  static double naive(MetricLoss loss, double[][] y, long[] labels) {
    Distance dist = loss.distance();
    List<Double> terms = new ArrayList<>();
    if (loss instanceof TripletCenterLoss tc) {
      Map<Long, double[]> centres = new TreeMap<>();
      Map<Long, Integer> counts = new TreeMap<>();
      for (int i = 0; i < y.length; i++) {
        double[] c = centres.computeIfAbsent(labels[i], l -> new double[y[0].length]);
        for (int j = 0; j < c.length; j++) {
          c[j] += y[i][j];
        }
        counts.merge(labels[i], 1, Integer::sum);
      }
      centres.forEach(
          (l, c) -> {
            for (int j = 0; j < c.length; j++) {
              c[j] /= counts.get(l);
            }
          });
      for (int i = 0; i < y.length; i++) {
        double own = dist.dissimilarity(y[i], centres.get(labels[i]));
        double other = Double.POSITIVE_INFINITY;
        for (Map.Entry<Long, double[]> e : centres.entrySet()) {
          if (e.getKey() != labels[i]) {
            other = Math.min(other, dist.dissimilarity(y[i], e.getValue()));
          }
        }
        if (other < Double.POSITIVE_INFINITY) {
          terms.add(Math.max(0, own + tc.margin() - other));
        }
      }
      return reduce(loss.reducer(), terms);
    }
    Tuples t = tuples(loss, y, labels);
    if (loss instanceof TripletLoss tl) {
      Triplets tr = t.asTriplets();
      for (int k = 0; k < tr.size(); k++) {
        double[] a = y[tr.anchor()[k]];
        double[] p = y[tr.positive()[k]];
        double[] n = y[tr.negative()[k]];
        double dan = dist.dissimilarity(a, n);
        if (tl.swap()) {
          dan = Math.min(dan, dist.dissimilarity(p, n));
        }
        double v = dist.dissimilarity(a, p) - dan + tl.margin();
        terms.add(tl.softplus() ? Math.log(1 + Math.exp(v)) : Math.max(0, v));
      }
    } else if (loss instanceof ContrastiveLoss cl) {
      Pairs p = t.asPairs();
      for (int k = 0; k < p.posAnchor().length; k++) {
        double s = dist.value(y[p.posAnchor()[k]], y[p.positive()[k]]);
        // in the metric's own units: distance d − m+, similarity m+ − s
        terms.add(Math.max(0, dist.inverted() ? cl.posMargin() - s : s - cl.posMargin()));
      }
      for (int k = 0; k < p.negAnchor().length; k++) {
        double s = dist.value(y[p.negAnchor()[k]], y[p.negative()[k]]);
        terms.add(Math.max(0, dist.inverted() ? s - cl.negMargin() : cl.negMargin() - s));
      }
    } else if (loss instanceof MultiSimilarityLoss ms) {
      Pairs p = t.asPairs();
      Map<Integer, double[]> sums = new LinkedHashMap<>(); // anchor -> {Σpos, Σneg}
      for (int k = 0; k < p.posAnchor().length; k++) {
        double s = sim(dist, y[p.posAnchor()[k]], y[p.positive()[k]]);
        sums.computeIfAbsent(p.posAnchor()[k], a -> new double[2])[0] +=
            Math.exp(-ms.alpha() * (s - sim0(dist, ms.base())));
      }
      for (int k = 0; k < p.negAnchor().length; k++) {
        double s = sim(dist, y[p.negAnchor()[k]], y[p.negative()[k]]);
        sums.computeIfAbsent(p.negAnchor()[k], a -> new double[2])[1] +=
            Math.exp(ms.beta() * (s - sim0(dist, ms.base())));
      }
      for (double[] s : sums.values()) {
        terms.add(Math.log(1 + s[0]) / ms.alpha() + Math.log(1 + s[1]) / ms.beta());
      }
    } else if (loss instanceof NPairLoss) {
      if (loss.layout() == Layout.TRIPLETS) {
        Triplets tr = t.asTriplets();
        for (int k = 0; k < tr.size(); k++) {
          double sp = sim(dist, y[tr.anchor()[k]], y[tr.positive()[k]]);
          double sn = sim(dist, y[tr.anchor()[k]], y[tr.negative()[k]]);
          terms.add(Math.log(1 + Math.exp(sn - sp)));
        }
      } else {
        Pairs p = t.asPairs();
        Map<Integer, Integer> first = new LinkedHashMap<>();
        for (int k = 0; k < p.posAnchor().length; k++) {
          first.putIfAbsent(p.posAnchor()[k], p.positive()[k]);
        }
        for (Map.Entry<Integer, Integer> a : first.entrySet()) {
          double sum = 0;
          boolean any = false;
          for (Map.Entry<Integer, Integer> b : first.entrySet()) {
            if (labels[b.getKey()] != labels[a.getKey()]) {
              any = true;
              sum +=
                  Math.exp(
                      sim(dist, y[a.getKey()], y[b.getValue()])
                          - sim(dist, y[a.getKey()], y[a.getValue()]));
            }
          }
          if (any) {
            terms.add(Math.log(1 + sum));
          }
        }
      }
    }
    return reduce(loss.reducer(), terms);
  }

  /** A similarity: the metric itself if it is one, else minus the distance. */
  static double sim(Distance d, double[] u, double[] v) {
    return d.inverted() ? d.value(u, v) : -d.value(u, v);
  }

  static double sim0(Distance d, double base) {
    return d.inverted() ? base : -base;
  }

  static long[] labelsOf(INDArray column) {
    double[] v = column.reshape(column.length()).toDoubleVector();
    long[] l = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      l[i] = (long) v[i];
    }
    return l;
  }

  @Test
  void everyLossMatchesItsNaiveLoopInBothLayouts() {
    for (Layout layout : Layout.values()) {
      int seed = 0;
      for (MetricLoss loss : LossCases.everyLoss(layout)) {
        seed++;
        INDArray pre = LossCases.gaussian(18, 5, 40 + seed);
        INDArray labels = LossCases.classColumn(6, 3, seed);
        double[][] y = L2.getActivation(pre.dup(), false).toDoubleMatrix();
        double expected = naive(loss, y, labelsOf(labels));
        double got = loss.computeScore(labels, pre, L2, null, true);
        assertEquals(expected, got, 1e-10 * Math.max(1, Math.abs(expected)), loss.name());
        assertTrue(expected > 0, "fixture must give a non-zero loss: " + loss.name());
        assertEquals(18 * got, loss.computeScore(labels, pre, L2, null, false), 1e-9, loss.name());
        INDArray perRow = loss.computeScoreArray(labels, pre, L2, null);
        assertEquals(18 * got, perRow.sumNumber().doubleValue(), 1e-9, loss.name());
        assertNotNull(loss.lastStats());
      }
    }
  }

  @Test
  void gradientMatchesFiniteDifferencesOfTheScoreInBothLayouts() {
    // Mined indices are constants of the gradient; the data are random doubles, so no
    // comparison in the miners or hinges sits within h of its boundary (the mined set and the
    // active terms are locally constant: asserted below by comparing the stats at ±h).
    double h = 1e-6;
    for (Layout layout : Layout.values()) {
      int seed = 0;
      for (MetricLoss loss : LossCases.everyLoss(layout)) {
        seed++;
        INDArray pre = LossCases.gaussian(12, 4, 70 + seed);
        INDArray labels = LossCases.classColumn(4, 3, seed);
        INDArray grad = loss.computeGradient(labels, pre, L2, null);
        String statsAt = loss.lastStats().toString();
        double maxRel = 0;
        for (int i = 0; i < pre.rows(); i++) {
          for (int j = 0; j < pre.columns(); j++) {
            INDArray plus = pre.dup();
            plus.putScalar(i, j, pre.getDouble(i, j) + h);
            INDArray minus = pre.dup();
            minus.putScalar(i, j, pre.getDouble(i, j) - h);
            double fd =
                (loss.computeScore(labels, plus, L2, null, false)
                        - loss.computeScore(labels, minus, L2, null, false))
                    / (2 * h);
            assertEquals(
                statsAt.replaceAll("active=.*", ""),
                loss.lastStats().toString().replaceAll("active=.*", ""),
                "mined set changed under perturbation: " + loss.name());
            double an = grad.getDouble(i, j);
            // relative error, with an absolute floor for entries near 0 (FD noise ~1e-9 there)
            double denom = Math.max(Math.abs(fd) + Math.abs(an), 1e-3);
            maxRel = Math.max(maxRel, Math.abs(fd - an) / denom);
          }
        }
        assertTrue(maxRel < 1e-5, loss.name() + ": max relative error " + maxRel);
        assertTrue(grad.norm2Number().doubleValue() > 0, "zero gradient: " + loss.name());
      }
    }
  }

  @Test
  void sparseGradientPathOfALargerBatchMatchesFiniteDifferences() {
    // 96 rows, 2 pairs per anchor: few enough pairs that the loss takes the per-pair path
    // instead of the n×n×d product used by the small batches above
    INDArray pre = LossCases.gaussian(96, 4, 17);
    INDArray labels = LossCases.classColumn(24, 4, 17);
    for (Distance d : Distance.values()) {
      TripletLoss loss =
          new TripletLoss(
              Layout.LABELS,
              d,
              ReducerKind.MEAN,
              LossCases.miner(MinerKind.BATCH_HARD),
              0.3,
              true,
              false);
      INDArray grad = loss.computeGradient(labels, pre, L2, null);
      double h = 1e-6;
      for (int i = 0; i < 96; i += 5) {
        for (int j = 0; j < 4; j++) {
          INDArray plus = pre.dup();
          plus.putScalar(i, j, pre.getDouble(i, j) + h);
          INDArray minus = pre.dup();
          minus.putScalar(i, j, pre.getDouble(i, j) - h);
          double fd =
              (loss.computeScore(labels, plus, L2, null, false)
                      - loss.computeScore(labels, minus, L2, null, false))
                  / (2 * h);
          assertEquals(fd, grad.getDouble(i, j), 1e-5 * Math.max(1, Math.abs(fd)), d + " row " + i);
        }
      }
    }
  }

  @Test
  void fixedLayoutHingeTripletIsThreeTimesTheLegacyLoss() {
    INDArray pre = LossCases.gaussian(30, 6, 5);
    TripletLoss now =
        new TripletLoss(
            Layout.TRIPLETS,
            Distance.EUCLIDEAN,
            ReducerKind.MEAN,
            LossCases.miner(MinerKind.ALL),
            0.5,
            false,
            false);
    TripletMarginLoss legacy = new TripletMarginLoss(0.5);
    assertEquals(
        3 * legacy.computeScore(null, pre, L2, null, true),
        now.computeScore(null, pre, L2, null, true),
        1e-12);
    assertTrue(
        legacy
            .computeGradient(null, pre, L2, null)
            .mul(3)
            .equalsWithEps(now.computeGradient(null, pre, L2, null), 1e-10));
  }

  @Test
  void batchesWithoutTuplesGiveZeroNotNaN() {
    INDArray pre = LossCases.gaussian(6, 4, 9);
    INDArray oneClass = Nd4j.zeros(6, 1);
    INDArray singletons = Nd4j.create(new double[] {0, 1, 2, 3, 4, 5}, new long[] {6, 1}, 'c');
    for (MetricLoss loss : LossCases.everyLoss(Layout.LABELS)) {
      for (INDArray labels : new INDArray[] {oneClass, singletons}) {
        if (loss instanceof TripletCenterLoss) {
          loss = new TripletCenterLoss(Layout.LABELS, Distance.EUCLIDEAN, ReducerKind.MEAN, 0.5, 0);
        }
        double s = loss.computeScore(labels, pre, L2, null, true);
        INDArray g = loss.computeGradient(labels, pre, L2, null);
        assertFalse(Double.isNaN(s), loss.name());
        assertFalse(g.isNaN().any(), loss.name());
        if (!(loss instanceof TripletCenterLoss && labels == singletons)) {
          assertEquals(0.0, s, loss.name());
        }
        assertEquals(6, loss.lastStats().anchors(), loss.name());
      }
    }
    // identical embeddings: every distance 0, still finite
    INDArray same = Nd4j.ones(6, 4);
    INDArray labels = Nd4j.create(new double[] {0, 0, 1, 1, 2, 2}, new long[] {6, 1}, 'c');
    for (MetricLoss loss : LossCases.everyLoss(Layout.LABELS)) {
      assertFalse(Double.isNaN(loss.computeScore(labels, same, L2, null, true)), loss.name());
      assertFalse(loss.computeGradient(labels, same, L2, null).isNaN().any(), loss.name());
    }
  }

  @Test
  void oneHotLabelsEqualClassIdsAndBadLabelsAreRejected() {
    INDArray pre = LossCases.gaussian(9, 4, 2);
    INDArray ids = LossCases.classColumn(3, 3, 1);
    INDArray oneHot = Nd4j.zeros(9, 3);
    for (int i = 0; i < 9; i++) {
      oneHot.putScalar(i, (int) ids.getDouble(i, 0), 1.0);
    }
    MetricLoss loss = LossCases.everyLoss(Layout.LABELS).get(0);
    assertEquals(
        loss.computeScore(ids, pre, L2, null, true),
        loss.computeScore(oneHot, pre, L2, null, true),
        0.0);
    INDArray frac = ids.dup();
    frac.putScalar(4, 0, 1.5);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> loss.computeScore(frac, pre, L2, null, true));
    assertTrue(e.getMessage().contains("row 4"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> loss.computeScore(null, pre, L2, null, true));
  }

  @Test
  void maskedRowsLeaveTheBatch() {
    INDArray pre = LossCases.gaussian(12, 4, 3);
    INDArray labels = LossCases.classColumn(4, 3, 2);
    double[] m = new double[12];
    java.util.Arrays.fill(m, 1);
    m[2] = 0;
    m[7] = 0;
    INDArray mask = Nd4j.create(m, new long[] {12, 1}, 'c');
    MetricLoss loss = LossCases.everyLoss(Layout.LABELS).get(0); // batch-hard triplet
    double masked = loss.computeScore(labels, pre, L2, mask, false);
    INDArray keptPre =
        Nd4j.vstack(
            pre.get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2),
                org.nd4j.linalg.indexing.NDArrayIndex.all()),
            pre.get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(3, 7),
                org.nd4j.linalg.indexing.NDArrayIndex.all()),
            pre.get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(8, 12),
                org.nd4j.linalg.indexing.NDArrayIndex.all()));
    INDArray keptLabels =
        Nd4j.vstack(
            labels.get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2),
                org.nd4j.linalg.indexing.NDArrayIndex.all()),
            labels.get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(3, 7),
                org.nd4j.linalg.indexing.NDArrayIndex.all()),
            labels.get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(8, 12),
                org.nd4j.linalg.indexing.NDArrayIndex.all()));
    // same mean over the kept rows' terms, scaled by all 12 rows vs the 10 kept
    assertEquals(loss.computeScore(keptLabels, keptPre, L2, null, true) * 12, masked, 1e-10);
    INDArray g = loss.computeGradient(labels, pre, L2, mask);
    assertEquals(0.0, g.getRow(2).norm2Number().doubleValue());
    assertEquals(0.0, g.getRow(7).norm2Number().doubleValue());
  }

  @Test
  void statsCountTuplesAndTheActiveFraction() {
    INDArray pre = LossCases.gaussian(12, 4, 11);
    INDArray labels = LossCases.classColumn(4, 3, 5);
    MetricLoss loss = LossCases.everyLoss(Layout.LABELS).get(0); // batch-hard, hinge
    loss.computeScore(labels, pre, new ActivationIdentity(), null, true);
    InBatchStats s = loss.lastStats();
    assertEquals(12, s.anchors());
    assertEquals(12, s.tuples());
    assertEquals(12, s.terms());
    assertEquals(12, s.apHistogram().total());
    assertEquals(12, s.gapHistogram().total());
    assertTrue(s.activeFraction() > 0 && s.activeFraction() <= 1, s.toString());
  }
}
