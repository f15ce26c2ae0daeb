package io.hardneg.spark.io;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a failure that happened inside a Spark task back into the job's own bad-input error. An
 * {@link InputException} thrown in a task reaches the driver wrapped in a SparkException (with the
 * task's stack trace in the message); a CSV row beyond the parser's limits arrives as univocity's
 * TextParsingException inside Spark's "error while reading file" wrapper.
 */
public final class SparkFailures {
  private static final Pattern FILE = Pattern.compile("reading file (\\S+?)\\.?(\\s|$)");
  private static final Pattern STATE = Pattern.compile("line=\\d+, column=\\d+, record=\\d+");

  private SparkFailures() {}

  /** The bad-input error inside {@code e}'s causes, or null when it is none. */
  public static InputException inputException(Throwable e) {
    return inputException(e, "CSV input");
  }

  /**
   * Like {@link #inputException(Throwable)}; {@code where} names the input when Spark's wrapper
   * does not (schema inference reads the file outside it).
   */
  public static InputException inputException(Throwable e, String where) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof InputException ie) {
        return ie;
      }
    }
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getClass().getName().endsWith(".TextParsingException")) {
        String msg = String.valueOf(t.getMessage());
        Matcher state = STATE.matcher(msg);
        String file = file(e);
        return new InputException(
            (file == null ? where : file)
                + ": a row breaks the "
                + "CSV parser's limits ("
                + msg.lines().findFirst().orElse("").trim()
                + (state.find() ? " at " + state.group() + " of its split" : "")
                + ")",
            e);
      }
    }
    return null;
  }

  /** The file Spark names in its "Encountered error while reading file F" wrapper. */
  private static String file(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      Matcher m = FILE.matcher(String.valueOf(t.getMessage()));
      if (m.find()) {
        return m.group(1);
      }
    }
    return null;
  }
}
