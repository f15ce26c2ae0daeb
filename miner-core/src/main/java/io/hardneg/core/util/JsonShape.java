package io.hardneg.core.util;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How a result record is laid out as JSON beyond "components in declaration order, in snake case".
 * The writer (spark-job's {@code io.hardneg.spark.run.Json}) reads these by reflection, so records
 * of both modules can use them while miner-core stays free of any JSON library.
 */
public final class JsonShape {
  private JsonShape() {}

  /** The component's keys (a record's components, a map's entries) go in its place. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface Inline {
    /** Prefix of each inlined map key ({@code "recall_at_"} + K). */
    String prefix() default "";
  }

  /** The key is left out when the value is null (instead of written as null). */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface OmitNull {}
}
