package io.hardneg.core.inbatch;

import io.hardneg.core.mining.SemiHardFallback;
import java.io.Serializable;
import java.util.Objects;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A miner's configuration as stored inside a loss in the DL4J model JSON (a plain class with
 * Jackson-visible fields, since DL4J serialises the loss). Only the fields the kind uses matter;
 * the others keep their defaults. The public constructor validates by building the miner.
 */
public final class MinerSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  @JsonProperty("kind")
  private MinerKind kind = MinerKind.ALL;

  /** Margin of semi-hard, batch-all and hardest-fraction. */
  @JsonProperty("margin")
  private double margin = 0.2;

  @JsonProperty("fallback")
  private SemiHardFallback fallback = SemiHardFallback.SKIP;

  /** Multi-similarity ε. */
  @JsonProperty("epsilon")
  private double epsilon = 0.1;

  /** Distance-weighted cutoff λ. */
  @JsonProperty("cutoff")
  private double cutoff = 0.5;

  @JsonProperty("nonzeroLossCutoff")
  private double nonzeroLossCutoff = 1.4;

  /** Hardest-fraction q. */
  @JsonProperty("fraction")
  private double fraction = 0.5;

  @JsonProperty("seed")
  private long seed;

  /** For JSON. */
  public MinerSpec() {}

  public MinerSpec(
      MinerKind kind,
      double margin,
      SemiHardFallback fallback,
      double epsilon,
      double cutoff,
      double nonzeroLossCutoff,
      double fraction,
      long seed) {
    this.kind = Objects.requireNonNull(kind, "miner kind");
    this.margin = margin;
    this.fallback = Objects.requireNonNull(fallback, "semi-hard fallback");
    this.epsilon = epsilon;
    this.cutoff = cutoff;
    this.nonzeroLossCutoff = nonzeroLossCutoff;
    this.fraction = fraction;
    this.seed = seed;
    create(); // validates the parameters the kind uses
  }

  /** A spec of the given kind with every other parameter at its default. */
  public static MinerSpec of(MinerKind kind) {
    MinerSpec d = new MinerSpec();
    return new MinerSpec(
        kind, d.margin, d.fallback, d.epsilon, d.cutoff, d.nonzeroLossCutoff, d.fraction, d.seed);
  }

  public InBatchMiner create() {
    return switch (kind) {
      case ALL -> new AllTuplesMiner();
      case BATCH_HARD -> new BatchHardMiner();
      case SEMI_HARD -> new SemiHardMiner(margin, fallback);
      case BATCH_ALL -> new BatchAllMiner(margin);
      case DISTANCE_WEIGHTED -> new DistanceWeightedMiner(cutoff, nonzeroLossCutoff, seed);
      case MULTI_SIMILARITY -> new MultiSimilarityMiner(epsilon);
      case HARDEST_FRACTION -> new HardestFractionMiner(fraction, margin);
    };
  }

  public MinerKind kind() {
    return kind;
  }

  public double margin() {
    return margin;
  }

  public SemiHardFallback fallback() {
    return fallback;
  }

  public double epsilon() {
    return epsilon;
  }

  public double cutoff() {
    return cutoff;
  }

  public double nonzeroLossCutoff() {
    return nonzeroLossCutoff;
  }

  public double fraction() {
    return fraction;
  }

  public long seed() {
    return seed;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MinerSpec m
        && m.kind == kind
        && Double.compare(m.margin, margin) == 0
        && m.fallback == fallback
        && Double.compare(m.epsilon, epsilon) == 0
        && Double.compare(m.cutoff, cutoff) == 0
        && Double.compare(m.nonzeroLossCutoff, nonzeroLossCutoff) == 0
        && Double.compare(m.fraction, fraction) == 0
        && m.seed == seed;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, margin, fallback, epsilon, cutoff, nonzeroLossCutoff, fraction, seed);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case ALL, BATCH_HARD -> kind.label();
      case SEMI_HARD -> kind.label() + "(margin=" + margin + ", fallback=" + fallback + ")";
      case BATCH_ALL -> kind.label() + "(margin=" + margin + ")";
      case DISTANCE_WEIGHTED ->
          kind.label()
              + "(cutoff="
              + cutoff
              + ", nonzeroLossCutoff="
              + nonzeroLossCutoff
              + ", seed="
              + seed
              + ")";
      case MULTI_SIMILARITY -> kind.label() + "(epsilon=" + epsilon + ")";
      case HARDEST_FRACTION -> kind.label() + "(fraction=" + fraction + ", margin=" + margin + ")";
    };
  }
}
