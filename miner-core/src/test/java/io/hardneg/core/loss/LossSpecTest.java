package io.hardneg.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.distance.Distance;
import io.hardneg.core.inbatch.MinerKind;
import io.hardneg.core.mining.SemiHardFallback;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LossSpecTest {

  @Test
  void defaultsAreDocumented() {
    LossSpec s = LossSpec.defaults();
    assertEquals(LossKind.TRIPLET, s.loss());
    assertEquals(MinerKind.ALL, s.miner());
    assertEquals(ReducerKind.MEAN, s.reducer());
    assertEquals(Distance.EUCLIDEAN, s.distance());
    assertEquals(0.2, s.margin());
    assertEquals(0.2, s.minerMargin(), "miner margin defaults to the loss margin");
    assertEquals(SemiHardFallback.SKIP, s.fallback());
  }

  @Test
  void parsesEveryKeyAndBuildsTheConfiguredLoss() {
    Map<String, String> m = new HashMap<>();
    m.put("loss", "triplet");
    m.put("miner", "semi-hard");
    m.put("reducer", "mean-nonzero");
    m.put("distance", "cosine");
    m.put("margin", "0.3");
    m.put("softplus", "true");
    m.put("swap", "true");
    m.put("fallback", "nearest-beyond");
    m.put("minerMargin", "0.25");
    m.put("seed", "9");
    LossSpec s = LossSpec.fromMap(m);
    TripletLoss t = assertInstanceOf(TripletLoss.class, LossFactory.create(s, Layout.LABELS));
    assertEquals(0.3, t.margin());
    assertTrue(t.softplus() && t.swap());
    assertEquals(Distance.COSINE, t.distance());
    assertEquals(ReducerKind.MEAN_NONZERO, t.reducer());
    assertEquals(MinerKind.SEMI_HARD, t.miner().kind());
    assertEquals(0.25, t.miner().margin());
    assertEquals(SemiHardFallback.NEAREST_BEYOND, t.miner().fallback());
    assertEquals(Layout.LABELS, t.layout());

    assertInstanceOf(
        ContrastiveLoss.class,
        LossFactory.create(
            LossSpec.fromMap(Map.of("loss", "contrastive", "posMargin", "0.1", "negMargin", "0.9")),
            Layout.TRIPLETS));
    MultiSimilarityLoss ms =
        assertInstanceOf(
            MultiSimilarityLoss.class,
            LossFactory.create(
                LossSpec.fromMap(
                    Map.of(
                        "loss",
                        "multi-similarity",
                        "miner",
                        "multi-similarity",
                        "alpha",
                        "3",
                        "beta",
                        "40",
                        "base",
                        "0.6",
                        "epsilon",
                        "0.2",
                        "distance",
                        "cosine")),
                Layout.LABELS));
    assertEquals(40, ms.beta());
    assertEquals(0.2, ms.miner().epsilon());
    assertInstanceOf(
        NPairLoss.class,
        LossFactory.create(LossSpec.fromMap(Map.of("loss", "n-pair")), Layout.LABELS));
    TripletCenterLoss tc =
        assertInstanceOf(
            TripletCenterLoss.class,
            LossFactory.create(
                LossSpec.fromMap(Map.of("loss", "triplet-center", "centerMomentum", "0.5")),
                Layout.LABELS));
    assertEquals(0.5, tc.centerMomentum());
    assertEquals(
        MinerKind.DISTANCE_WEIGHTED,
        LossSpec.fromMap(
                Map.of("miner", "distance-weighted", "cutoff", "0.4", "nonzeroCutoff", "1.3"))
            .minerSpec()
            .kind());
    assertEquals(
        0.1,
        LossSpec.fromMap(Map.of("miner", "hardest-fraction", "fraction", "0.1"))
            .minerSpec()
            .fraction());
  }

  @Test
  void everyLossTimesEveryMinerTimesEveryReducerBuilds() {
    for (LossKind l : LossKind.values()) {
      for (MinerKind k : MinerKind.values()) {
        for (ReducerKind r : ReducerKind.values()) {
          if (l == LossKind.TRIPLET_CENTER && k != MinerKind.ALL) {
            continue;
          }
          LossSpec s =
              LossSpec.fromMap(Map.of("loss", l.label(), "miner", k.label(), "reducer", r.label()));
          for (Layout layout : Layout.values()) {
            assertEquals(r, LossFactory.create(s, layout).reducer());
          }
        }
      }
    }
  }

  @Test
  void badInputGivesClearErrors() {
    assertMessage(Map.of("lose", "triplet"), "unknown loss key 'lose'");
    assertMessage(Map.of("loss", "arcface"), "unknown loss 'arcface'");
    assertMessage(Map.of("miner", "hardest"), "unknown miner 'hardest'");
    assertMessage(Map.of("margin", "abc"), "key margin: expected a finite number, got 'abc'");
    assertMessage(Map.of("margin", "-1"), "triplet margin must be finite and >= 0.0, got -1.0");
    assertMessage(Map.of("softplus", "yes"), "key softplus: expected true | false, got 'yes'");
    assertMessage(Map.of("fallback", "nearest"), "unknown semi-hard fallback 'nearest'");
    assertMessage(
        Map.of("miner", "distance-weighted", "distance", "cosine"),
        "distance-weighted needs distance euclidean");
    assertMessage(
        Map.of("miner", "hardest-fraction", "fraction", "1.5"),
        "hardest fraction must be in (0, 1], got 1.5");
    assertMessage(
        Map.of("loss", "triplet-center", "miner", "batch-hard"), "triplet-center runs no miner");
    assertMessage(
        Map.of("loss", "contrastive", "posMargin", "1", "negMargin", "0.5"),
        "positive margin closer than the negative one");
    assertMessage(Map.of("seed", "x"), "key seed");
  }

  @Test
  void theRecordConstructorValidatesToo() {
    LossSpec d = LossSpec.defaults();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new LossSpec(
                    LossKind.MULTI_SIMILARITY,
                    d.miner(),
                    d.reducer(),
                    d.distance(),
                    d.margin(),
                    d.softplus(),
                    d.swap(),
                    d.posMargin(),
                    d.negMargin(),
                    -1,
                    d.beta(),
                    d.base(),
                    d.epsilon(),
                    d.fallback(),
                    d.minerMargin(),
                    d.cutoff(),
                    d.nonzeroCutoff(),
                    d.fraction(),
                    d.seed(),
                    d.centerMomentum()));
    assertTrue(e.getMessage().contains("alpha=-1.0"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new LossSpec(
                d.loss(),
                MinerKind.SEMI_HARD,
                d.reducer(),
                d.distance(),
                d.margin(),
                d.softplus(),
                d.swap(),
                d.posMargin(),
                d.negMargin(),
                d.alpha(),
                d.beta(),
                d.base(),
                d.epsilon(),
                d.fallback(),
                0,
                d.cutoff(),
                d.nonzeroCutoff(),
                d.fraction(),
                d.seed(),
                d.centerMomentum()),
        "semi-hard needs a margin > 0");
  }

  private static void assertMessage(Map<String, String> m, String part) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LossSpec.fromMap(m));
    assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
  }
}
