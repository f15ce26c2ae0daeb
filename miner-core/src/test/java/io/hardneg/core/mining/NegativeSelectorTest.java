package io.hardneg.core.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every rule and guard on hand-made candidate lists with known answers. */
class NegativeSelectorTest {
  static final NegativeSelector.Candidates NONE =
      new NegativeSelector.Candidates(new long[0], new long[0], new double[0], 0);

  static NegativeSelector.Candidates list(double... d) {
    long[] keys = new long[d.length];
    long[] labels = new long[d.length];
    for (int i = 0; i < d.length; i++) {
      keys[i] = 10 + i;
      labels[i] = 100 + i;
    }
    return new NegativeSelector.Candidates(keys, labels, d, 0);
  }

  static MiningConfig cfg(
      int hard,
      int semi,
      int bandMin,
      int bandMax,
      int band,
      double ratio,
      double minDist,
      int quota) {
    return new MiningConfig(
        0.2,
        hard,
        semi,
        SemiHardFallback.SKIP,
        1,
        bandMin,
        bandMax,
        band,
        ratio,
        Double.NaN,
        minDist,
        quota,
        0);
  }

  static List<Long> keys(List<NegativeSelector.Pick> picks) {
    return picks.stream().map(NegativeSelector.Pick::key).toList();
  }

  @Test
  void bandTakesRanksInTheHalfOpenRangeNearestFirst() {
    MiningStats s = new MiningStats();
    List<NegativeSelector.Pick> p =
        NegativeSelector.select(
            cfg(0, 0, 2, 4, 5, Double.NaN, 0, 0), 0.5, list(0.1, 0.2, 0.3, 0.4, 0.5), NONE, s);
    assertEquals(List.of(12L, 13L), keys(p));
    assertEquals(MinedKind.BAND, p.get(0).kind());
    assertEquals(2, p.get(0).rank());
    assertEquals(3, p.get(1).rank());
  }

  @Test
  void falseNegativeGuardRejectsNegativesTooSimilarComparedToThePositive() {
    // d(a,p)=0.5: s_ap=0.875; ratio 0.1: reject s_an > 0.7875, i.e. d_an < 0.6519
    MiningStats s = new MiningStats();
    List<NegativeSelector.Pick> p =
        NegativeSelector.select(cfg(1, 0, 0, 0, 0, 0.1, 0, 0), 0.5, list(0.3, 0.6, 0.7), NONE, s);
    assertEquals(List.of(12L), keys(p));
    assertEquals(2, p.get(0).rank(), "ranks are counted before the guard");
    assertEquals(2, s.falseNegativeRejected());
  }

  @Test
  void falseNegativeGuardIsSignSafe() {
    // d(a,p)=1.6: s_ap=-0.28; ratio 0.5: threshold -0.28-0.14=-0.42 -> reject d_an < 1.6852
    // (a threshold s_ap-s_ap*ratio=-0.14 would reject only d_an < 1.5100 and keep 1.6)
    MiningStats s = new MiningStats();
    List<NegativeSelector.Pick> p =
        NegativeSelector.select(cfg(1, 0, 0, 0, 0, 0.5, 0, 0), 1.6, list(1.6, 1.7), NONE, s);
    assertEquals(List.of(11L), keys(p));
  }

  @Test
  void absoluteFalseNegativeGuard() {
    // d(a,p)=0.5: s_ap=0.875; margin 0.05: reject s_an > 0.825, i.e. d_an < 0.5916
    MiningConfig c =
        new MiningConfig(0.2, 1, 0, SemiHardFallback.SKIP, 1, 0, 0, 0, Double.NaN, 0.05, 0, 0, 0);
    MiningStats s = new MiningStats();
    assertEquals(
        List.of(12L), keys(NegativeSelector.select(c, 0.5, list(0.3, 0.59, 0.6), NONE, s)));
    assertEquals(2, s.falseNegativeRejected());
  }

  @Test
  void nearDuplicateGuardAndQuota() {
    MiningStats s = new MiningStats();
    List<NegativeSelector.Pick> p =
        NegativeSelector.select(
            cfg(2, 0, 0, 0, 0, Double.NaN, 0.05, 0), 0.5, list(0.01, 0.2, 0.3), NONE, s);
    assertEquals(List.of(11L, 12L), keys(p));
    assertEquals(1, s.nearDuplicateRejected());
    long[] labels = {7, 7, 8};
    NegativeSelector.Candidates sameLabel =
        new NegativeSelector.Candidates(
            new long[] {1, 2, 3}, labels, new double[] {0.1, 0.2, 0.3}, 0);
    MiningStats q = new MiningStats();
    assertEquals(
        List.of(1L, 3L),
        keys(
            NegativeSelector.select(
                cfg(2, 0, 0, 0, 0, Double.NaN, 0, 1), 0.5, sameLabel, NONE, q)));
    assertEquals(1, q.quotaRejected());
  }

  @Test
  void semiHardSkipsGuardedCandidatesAndKindsStayDistinct() {
    // d(a,p)=0.5; beyond: 0.55 (near-duplicate guard 0.56 rejects it), 0.6 semi-hard
    MiningStats s = new MiningStats();
    NegativeSelector.Candidates beyond =
        new NegativeSelector.Candidates(
            new long[] {20, 21}, new long[] {1, 2}, new double[] {0.55, 0.6}, 3);
    List<NegativeSelector.Pick> p =
        NegativeSelector.select(
            cfg(1, 1, 0, 0, 0, Double.NaN, 0.56, 0), 0.5, list(0.3, 0.58), beyond, s);
    assertEquals(List.of(11L, 21L), keys(p));
    assertEquals(MinedKind.HARD, p.get(0).kind());
    assertEquals(1, p.get(0).rank());
    assertEquals(MinedKind.SEMIHARD, p.get(1).kind());
    assertEquals(4, p.get(1).rank(), "3 at or below d(a,p) + position 1");
  }

  @Test
  void semiHardIncludesTheMarginBoundAndTheReportAgrees() {
    // margin 0.25 (exact in binary), d(a,p)=0.5: 0.75 sits exactly on d(a,p) + margin
    MiningConfig c =
        new MiningConfig(
            0.25, 0, 2, SemiHardFallback.SKIP, 1, 0, 0, 0, Double.NaN, Double.NaN, 0, 0, 0);
    NegativeSelector.Candidates beyond =
        new NegativeSelector.Candidates(
            new long[] {20, 21}, new long[] {1, 2}, new double[] {0.75, Math.nextUp(0.75)}, 0);
    MiningStats s = new MiningStats();
    List<NegativeSelector.Pick> p = NegativeSelector.select(c, 0.5, list(0.3), beyond, s);
    assertEquals(List.of(20L), keys(p), "at the margin: semi-hard; beyond it: not");
    assertEquals(Hardness.SEMIHARD, Hardness.of(0.5, p.get(0).dAn(), c.margin()));
  }

  @Test
  void hardnessBoundaries() {
    assertEquals(Hardness.HARD, Hardness.of(0.5, 0.25, 0.25));
    assertEquals(Hardness.HARD, Hardness.of(0.5, 0.5, 0.25), "d(a,n) = d(a,p): not semi-hard");
    assertEquals(Hardness.SEMIHARD, Hardness.of(0.5, Math.nextUp(0.5), 0.25));
    assertEquals(Hardness.SEMIHARD, Hardness.of(0.5, 0.75, 0.25), "d(a,p) + margin included");
    assertEquals(Hardness.EASY, Hardness.of(0.5, Math.nextUp(0.75), 0.25));
    assertEquals(
        List.of("hard", "semihard", "easy"),
        java.util.Arrays.stream(Hardness.values()).map(Hardness::label).toList());
  }

  @Test
  void kindLabelsAreTheStoredStrings() {
    assertEquals(
        List.of("hard", "semihard", "band", "beyond"),
        MinedKind.GLOBAL.stream().map(MinedKind::label).toList());
    assertEquals(
        List.of("hard", "semihard", "band", "beyond"),
        List.copyOf(new MiningStats().byKind().keySet()));
    assertThrows(
        IllegalArgumentException.class, () -> new MiningStats().addTriplet(MinedKind.VIOLATING));
  }

  @Test
  void invalidSettingsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> cfg(0, 0, 3, 3, 1, Double.NaN, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> cfg(1, 0, 0, 0, 0, -0.1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> cfg(0, 0, 0, 0, 0, Double.NaN, 0, 0));
  }
}
