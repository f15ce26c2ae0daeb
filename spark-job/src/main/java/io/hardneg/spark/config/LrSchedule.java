package io.hardneg.spark.config;

import java.util.Locale;

/**
 * The learning rate of each round, a pure function of the configuration and the round: a resumed
 * run sets the same rate before round r as an uninterrupted one, so the schedule cannot break
 * bit-identical resumes.
 *
 * <p>{@code cosine}: the first {@code warmupRounds} rounds (capped at {@code rounds − 1}, so a run
 * always trains at the base rate at least once) ramp linearly, round r at {@code base·(r+1)/(W+1)};
 * then the rate decays from {@code base} by half a cosine, {@code min + (base − min)·(1 + cos(π·(r
 * − W)/(rounds − W)))/2}, the standard per-step cosine read per round: the rate would reach {@code
 * min} one round after the last. {@code constant}: {@code base} every round.
 *
 * @param kind constant | cosine
 * @param base the peak rate ({@code model.learningRate})
 * @param min the rate the cosine decays towards ({@code train.lr.min})
 * @param warmupRounds rounds of linear warm-up ({@code train.lr.warmupRounds})
 * @param rounds the planned rounds ({@code rounds})
 */
public record LrSchedule(Kind kind, double base, double min, int warmupRounds, int rounds) {

  /** The shape of the schedule. */
  public enum Kind {
    /** The base rate every round. */
    CONSTANT,
    /** Linear warm-up, then cosine decay over the planned rounds. */
    COSINE;

    /** Parses {@code constant | cosine}. */
    public static Kind parse(String s) {
      return switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "constant" -> CONSTANT;
        case "cosine" -> COSINE;
        default -> throw new IllegalArgumentException("expected constant | cosine");
      };
    }
  }

  /** Validates the rates. */
  public LrSchedule {
    if (!(min >= 0) || !(min <= base)) {
      throw new IllegalArgumentException(
          "train.lr.min must be in [0, model.learningRate = " + base + "], got " + min);
    }
  }

  /** The warm-up rounds in effect: {@code warmupRounds} capped at {@code rounds − 1}. */
  public int effectiveWarmup() {
    return Math.max(0, Math.min(warmupRounds, rounds - 1));
  }

  /** The learning rate of round {@code r} (0-based). */
  public double rate(int r) {
    if (kind == Kind.CONSTANT) {
      return base;
    }
    int w = effectiveWarmup();
    if (r < w) {
      return base * (r + 1) / (w + 1);
    }
    // rounds past the plan (a run extended on resume) stay at the end of the curve
    int t = Math.min(r - w, rounds - w);
    return min + (base - min) * (1 + Math.cos(Math.PI * t / (rounds - w))) / 2;
  }
}
