package io.hardneg.spark.io;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Reads an id or a label cell as an exact 64-bit integer, whatever the column's type: integral
 * types as they are, decimals and strings through {@link BigDecimal}, doubles only where they are
 * integral and at most 2^53 in magnitude (beyond that a double no longer tells which integer was
 * meant). Never goes through floating point, so 2^53 + 1 stays 2^53 + 1.
 */
public final class ExactLong {
  /** Why a cell is not an exact long. */
  public enum Problem {
    /** Null or empty. */
    MISSING("missing"),
    /** A fraction, text, NaN or infinity. */
    NON_INTEGRAL("non-integral"),
    /** Integral but outside [Long.MIN_VALUE, Long.MAX_VALUE]. */
    OUT_OF_RANGE("outside the 64-bit integer range"),
    /** A floating-point value beyond ±2^53, where it may already have been rounded. */
    INEXACT("a floating-point value beyond ±2^53 (cannot be an exact integer)");

    /** The rule's words in messages. */
    public final String words;

    Problem(String words) {
      this.words = words;
    }
  }

  private static final double EXACT_DOUBLE = 9007199254740992.0; // 2^53
  private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private ExactLong() {}

  /** The cell as a {@link Long}, or the {@link Problem} that stops it being one. */
  public static Object parse(Object v) {
    if (v == null) {
      return Problem.MISSING;
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof BigDecimal d) {
      return ofDecimal(d);
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d) || d != Math.floor(d)) {
        return Problem.NON_INTEGRAL;
      }
      return Math.abs(d) > EXACT_DOUBLE ? Problem.INEXACT : (Object) (long) d;
    }
    if (v instanceof String s) {
      return ofString(s);
    }
    return Problem.NON_INTEGRAL;
  }

  /** Exact parse of a decimal string: {@code 12}, {@code +12}, {@code 12.0}, {@code 1.2e1}. */
  static Object ofString(String raw) {
    String s = raw.trim();
    if (s.isEmpty()) {
      return Problem.MISSING;
    }
    try {
      return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
    } catch (NumberFormatException e) {
      // not a plain long: a decimal form, a fraction, too large, or text
    }
    // BigDecimal would accept an exponent of any size; refuse absurd ones before scaling
    if (s.length() > 400) {
      return Problem.NON_INTEGRAL;
    }
    try {
      return ofDecimal(new BigDecimal(s));
    } catch (NumberFormatException | ArithmeticException e) {
      return Problem.NON_INTEGRAL;
    }
  }

  private static Object ofDecimal(BigDecimal d) {
    BigDecimal t = d.stripTrailingZeros();
    if (t.scale() > 0) {
      return Problem.NON_INTEGRAL;
    }
    if (t.precision() - t.scale() > 19 + 1) {
      return Problem.OUT_OF_RANGE; // more than 20 digits: far outside, no need to expand
    }
    BigInteger i = t.toBigIntegerExact();
    return i.compareTo(MIN) < 0 || i.compareTo(MAX) > 0
        ? Problem.OUT_OF_RANGE
        : (Object) i.longValueExact();
  }
}
