package io.hardneg.spark.io;

/** Input data that break a rule: the message names the file, the row or field, and the rule. */
public class InputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }
}
