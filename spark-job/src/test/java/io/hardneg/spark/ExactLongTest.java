package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hardneg.spark.io.ExactLong;
import io.hardneg.spark.io.ExactLong.Problem;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** Every cell type an id or label can arrive in, read exactly or rejected with its rule. */
class ExactLongTest {
  static final long P53 = 1L << 53;

  @Test
  void integralValuesAreExactWhateverTheirType() {
    assertEquals(P53 + 1, ExactLong.parse(P53 + 1));
    assertEquals(Long.MAX_VALUE, ExactLong.parse("9223372036854775807"));
    assertEquals(Long.MIN_VALUE, ExactLong.parse("-9223372036854775808"));
    assertEquals((1L << 60) + 3, ExactLong.parse(new BigDecimal("1152921504606846979")));
    assertEquals(12L, ExactLong.parse("+12"));
    assertEquals(12L, ExactLong.parse(" 12.000 "));
    assertEquals(120L, ExactLong.parse("1.2e2"));
    assertEquals(7L, ExactLong.parse(7));
    assertEquals(3L, ExactLong.parse(new BigDecimal("3.00")));
    assertEquals(P53, ExactLong.parse((double) P53));
    assertEquals(-5L, ExactLong.parse(-5.0f));
  }

  @Test
  void everyOtherCellHasItsOwnRule() {
    assertEquals(Problem.MISSING, ExactLong.parse(null));
    assertEquals(Problem.MISSING, ExactLong.parse(" "));
    assertEquals(Problem.NON_INTEGRAL, ExactLong.parse("1.5"));
    assertEquals(Problem.NON_INTEGRAL, ExactLong.parse(1.5));
    assertEquals(Problem.NON_INTEGRAL, ExactLong.parse(Double.NaN));
    assertEquals(Problem.NON_INTEGRAL, ExactLong.parse(Double.POSITIVE_INFINITY));
    assertEquals(Problem.NON_INTEGRAL, ExactLong.parse("cat"));
    assertEquals(Problem.NON_INTEGRAL, ExactLong.parse("1e-999999"));
    assertEquals(Problem.NON_INTEGRAL, ExactLong.parse(new BigDecimal("2.5")));
    assertEquals(Problem.OUT_OF_RANGE, ExactLong.parse("9223372036854775808"));
    assertEquals(Problem.OUT_OF_RANGE, ExactLong.parse("-9223372036854775809"));
    assertEquals(Problem.OUT_OF_RANGE, ExactLong.parse("1e999999"));
    assertEquals(Problem.OUT_OF_RANGE, ExactLong.parse(new BigDecimal("18446744073709551616")));
    // a double beyond 2^53 may already be a rounded neighbour of the integer that was meant
    assertEquals(Problem.INEXACT, ExactLong.parse((double) P53 + 2));
    assertEquals(Problem.INEXACT, ExactLong.parse(1e19));
  }
}
