package io.hardneg.spark.run;

/**
 * The run directory cannot be created or written (a path under a regular file, no permission, disk
 * full): the message names the path. Committed rounds are never touched by the failing write, since
 * every round is published by one rename after it is complete.
 */
public class OutputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OutputException(String message, Throwable cause) {
    super(message, cause);
  }
}
