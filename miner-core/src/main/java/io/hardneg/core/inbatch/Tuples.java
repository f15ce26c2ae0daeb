package io.hardneg.core.inbatch;

/**
 * What a miner hands to a loss: triplets or pairs (exactly one is set), converted on demand to the
 * form the loss consumes ({@link Triplets#toPairs()}, {@link Pairs#toTriplets(int)}).
 */
public record Tuples(Triplets triplets, Pairs pairs, int rows) {
  public Tuples {
    if ((triplets == null) == (pairs == null)) {
      throw new IllegalArgumentException("exactly one of triplets and pairs must be given");
    }
  }

  public static Tuples of(Triplets t, int rows) {
    return new Tuples(t, null, rows);
  }

  public static Tuples of(Pairs p, int rows) {
    return new Tuples(null, p, rows);
  }

  public Triplets asTriplets() {
    return triplets != null ? triplets : pairs.toTriplets(rows);
  }

  public Pairs asPairs() {
    return pairs != null ? pairs : triplets.toPairs();
  }
}
