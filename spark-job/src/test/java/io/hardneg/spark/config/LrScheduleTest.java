package io.hardneg.spark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hardneg.spark.config.LrSchedule.Kind;
import org.junit.jupiter.api.Test;

/** The per-round rates against values worked out by hand. */
class LrScheduleTest {
  @Test
  void cosineWarmsUpLinearlyThenDecaysOverThePlannedRounds() {
    LrSchedule s = new LrSchedule(Kind.COSINE, 1e-3, 0, 1, 5);
    // warm-up: (0+1)/(1+1); then (1 + cos(pi t / 4)) / 2 for t = 0..3
    double[] want = {0.5e-3, 1e-3, 0.853553390593e-3, 0.5e-3, 0.146446609407e-3};
    for (int r = 0; r < want.length; r++) {
      assertEquals(want[r], s.rate(r), 1e-15, "round " + r);
    }
    LrSchedule floor = new LrSchedule(Kind.COSINE, 1e-3, 1e-4, 2, 6);
    double[] want2 = {1e-3 / 3, 2e-3 / 3, 1e-3, 1e-4 + 0.9e-3 * 0.853553390593, 0.55e-3};
    for (int r = 0; r < want2.length; r++) {
      assertEquals(want2[r], floor.rate(r), 1e-15, "round " + r);
    }
  }

  @Test
  void warmUpIsCappedSoTheBaseRateIsReachedAndConstantIsConstant() {
    assertEquals(1e-3, new LrSchedule(Kind.COSINE, 1e-3, 0, 1, 1).rate(0));
    LrSchedule two = new LrSchedule(Kind.COSINE, 1e-3, 0, 5, 2);
    assertEquals(1, two.effectiveWarmup());
    assertEquals(0.5e-3, two.rate(0));
    assertEquals(1e-3, two.rate(1));
    LrSchedule c = new LrSchedule(Kind.CONSTANT, 2e-3, 0, 3, 10);
    for (int r = 0; r < 10; r++) {
      assertEquals(2e-3, c.rate(r));
    }
  }

  @Test
  void theFloorMustNotExceedTheBaseRate() {
    assertThrows(
        IllegalArgumentException.class, () -> new LrSchedule(Kind.COSINE, 1e-3, 2e-3, 1, 3));
  }
}
