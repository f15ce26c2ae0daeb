package io.hardneg.core.loss;

import io.hardneg.core.distance.Distance;
import io.hardneg.core.inbatch.MinerKind;
import io.hardneg.core.inbatch.MinerSpec;
import io.hardneg.core.mining.SemiHardFallback;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A validated choice of loss × miner × reducer × distance with every parameter, for {@link
 * LossFactory#create}. Parameters the chosen loss or miner does not use are ignored. Keys of {@link
 * #fromMap} (camelCase, like {@code conf/hardneg.conf}), with defaults:
 *
 * <pre>
 * loss           triplet | contrastive | multi-similarity | n-pair | triplet-center  (triplet)
 * miner          all | batch-hard | semi-hard | batch-all | distance-weighted
 *                | multi-similarity | hardest-fraction     (all; labels-in-batch layout only)
 * reducer        mean | mean-nonzero                        (mean)
 * distance       euclidean | squared-euclidean | cosine     (euclidean)
 * margin         triplet / triplet-center margin, >= 0      (0.2)
 * softplus       true | false: soft-plus instead of hinge   (false)
 * swap           true | false: triplet distance swap        (false)
 * posMargin      contrastive positive margin, metric units  (0)
 * negMargin      contrastive negative margin, metric units  (1)
 * alpha, beta    multi-similarity α > 0, β > 0              (2, 50)
 * base           multi-similarity λ, metric units           (0.5)
 * epsilon        multi-similarity miner ε >= 0              (0.1)
 * fallback       semi-hard fallback: skip | hard | nearest-beyond   (skip)
 * minerMargin    margin of semi-hard / batch-all / hardest-fraction (= margin)
 * cutoff         distance-weighted cutoff λ >= 0            (0.5)
 * nonzeroCutoff  distance-weighted non-zero-loss cutoff     (1.4)
 * fraction       hardest-fraction q in (0, 1]               (0.5)
 * seed           distance-weighted sampling seed            (0)
 * centerMomentum triplet-center running-mean momentum γ in [0, 1]  (0.1)
 * </pre>
 */
public record LossSpec(
    LossKind loss,
    MinerKind miner,
    ReducerKind reducer,
    Distance distance,
    double margin,
    boolean softplus,
    boolean swap,
    double posMargin,
    double negMargin,
    double alpha,
    double beta,
    double base,
    double epsilon,
    SemiHardFallback fallback,
    double minerMargin,
    double cutoff,
    double nonzeroCutoff,
    double fraction,
    long seed,
    double centerMomentum) {

  /** The margin when none is given. */
  public static final double DEFAULT_MARGIN = 0.2;

  /** Every key {@link #fromMap} accepts. */
  public static final List<String> KEYS =
      List.of(
          "loss",
          "miner",
          "reducer",
          "distance",
          "margin",
          "softplus",
          "swap",
          "posMargin",
          "negMargin",
          "alpha",
          "beta",
          "base",
          "epsilon",
          "fallback",
          "minerMargin",
          "cutoff",
          "nonzeroCutoff",
          "fraction",
          "seed",
          "centerMomentum");

  /**
   * Validates every parameter the chosen loss and miner use, by building them once (the range
   * checks live in their constructors): a bad value fails here, naming the parameter.
   */
  public LossSpec {
    Objects.requireNonNull(loss, "loss");
    Objects.requireNonNull(miner, "miner");
    Objects.requireNonNull(reducer, "reducer");
    Objects.requireNonNull(distance, "distance");
    Objects.requireNonNull(fallback, "fallback");
    if (miner == MinerKind.DISTANCE_WEIGHTED && distance != Distance.EUCLIDEAN) {
      throw new IllegalArgumentException(
          "miner distance-weighted needs distance euclidean, got "
              + distance.name().toLowerCase(Locale.ROOT));
    }
    if (loss == LossKind.TRIPLET_CENTER && miner != MinerKind.ALL) {
      throw new IllegalArgumentException(
          "loss triplet-center runs no miner: leave miner unset " + "(all), got " + miner.label());
    }
    LossFactory.build(
        loss,
        Layout.LABELS,
        distance,
        reducer,
        new MinerSpec(miner, minerMargin, fallback, epsilon, cutoff, nonzeroCutoff, fraction, seed),
        margin,
        softplus,
        swap,
        posMargin,
        negMargin,
        alpha,
        beta,
        base,
        centerMomentum);
  }

  /** The defaults listed above. */
  public static LossSpec defaults() {
    return fromMap(Map.of());
  }

  /** The miner part, as stored in the loss. */
  public MinerSpec minerSpec() {
    return new MinerSpec(
        miner, minerMargin, fallback, epsilon, cutoff, nonzeroCutoff, fraction, seed);
  }

  /**
   * Parses the keys listed in the class comment; unknown keys and bad values are errors naming the
   * key, the value and what was expected.
   */
  public static LossSpec fromMap(Map<String, String> m) {
    return fromMap(m, DEFAULT_MARGIN);
  }

  /**
   * {@link #fromMap(Map)} with {@code defaultMargin} as the margin when the keys do not give one (a
   * job's mining margin): the margin travels as a number, never through its text.
   */
  public static LossSpec fromMap(Map<String, String> m, double defaultMargin) {
    for (String k : m.keySet()) {
      if (!KEYS.contains(k)) {
        throw new IllegalArgumentException(
            "unknown loss key '" + k + "' (expected one of " + String.join(", ", KEYS) + ")");
      }
    }
    Map<String, String> v = new LinkedHashMap<>(m);
    double margin = num(v, "margin", defaultMargin);
    try {
      return new LossSpec(
          parse(v, "loss", "triplet", LossKind::parse),
          parse(v, "miner", "all", MinerKind::parse),
          parse(v, "reducer", "mean", ReducerKind::parse),
          parse(v, "distance", "euclidean", Distance::parse),
          margin,
          bool(v, "softplus"),
          bool(v, "swap"),
          num(v, "posMargin", 0),
          num(v, "negMargin", 1),
          num(v, "alpha", 2),
          num(v, "beta", 50),
          num(v, "base", 0.5),
          num(v, "epsilon", 0.1),
          parse(v, "fallback", "skip", SemiHardFallback::parse),
          num(v, "minerMargin", margin),
          num(v, "cutoff", 0.5),
          num(v, "nonzeroCutoff", 1.4),
          num(v, "fraction", 0.5),
          parse(v, "seed", "0", Long::parseLong),
          num(v, "centerMomentum", 0.1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("loss configuration " + m + ": " + e.getMessage(), e);
    }
  }

  private static <T> T parse(
      Map<String, String> v, String key, String dflt, Function<String, T> f) {
    String s = v.getOrDefault(key, dflt);
    try {
      return f.apply(s.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "key "
              + key
              + ": "
              + e.getMessage()
              + (e instanceof NumberFormatException
                  ? " (expected an integer, got '" + s + "')"
                  : ""));
    }
  }

  private static double num(Map<String, String> v, String key, double dflt) {
    String s = v.get(key);
    if (s == null) {
      return dflt;
    }
    try {
      double d = Double.parseDouble(s.trim());
      if (!Double.isFinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "key " + key + ": expected a finite number, got '" + s + "'");
    }
  }

  private static boolean bool(Map<String, String> v, String key) {
    String s = v.getOrDefault(key, "false").trim().toLowerCase(Locale.ROOT);
    return switch (s) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "key " + key + ": expected true | false, got '" + v.get(key) + "'");
    };
  }
}
