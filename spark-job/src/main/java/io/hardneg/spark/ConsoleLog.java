package io.hardneg.spark;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.filter.AbstractFilter;

/**
 * Keeps failure reports of Spark and its libraries off the console: a failed task logs its stack
 * trace (Executor's ERROR with the exception, TaskSetManager's multi-line WARN) long before the
 * job's one {@code hardneg: ...} line. Without {@code --stacktrace} the console shows hardneg's own
 * lines and other libraries' single-line warnings only; every event still reaches the other
 * appenders (the log file of {@code conf/log4j2.properties}). A failure's stack trace is logged to
 * {@link #FAILURE}, which never reaches the console: there the failure is its one {@code hardneg:}
 * line, and its trace is printed by {@code --stacktrace} alone.
 */
final class ConsoleLog {
  /** The logger of a command's failure with its stack trace: the log file only. */
  static final org.slf4j.Logger FAILURE = org.slf4j.LoggerFactory.getLogger("hardneg.failure");

  /** Whether the last {@link #quiet} call asked for the quiet console (no --stacktrace). */
  private static volatile boolean quiet = true;

  /**
   * The first line of the last ERROR another library logged while the console was quiet: a failure
   * that reaches hardneg only as a consequence (a stopped SparkContext after the master gave up on
   * the application) is named by its cause in the one {@code hardneg:} line.
   */
  private static volatile String lastError;

  /**
   * Denies, on a console appender, {@link #FAILURE}'s events always and, when quiet, another
   * library's errors, exceptions and multi-line lines.
   */
  static final Filter QUIET =
      new AbstractFilter(Filter.Result.DENY, Filter.Result.NEUTRAL) {
        @Override
        public Filter.Result filter(LogEvent e) {
          if ("hardneg.failure".equals(e.getLoggerName())) {
            return onMatch;
          }
          if (!quiet || e.getLoggerName() != null && e.getLoggerName().startsWith("io.hardneg")) {
            return onMismatch;
          }
          String m = e.getMessage() == null ? "" : e.getMessage().getFormattedMessage();
          boolean trace = e.getThrown() != null || (m != null && m.contains("\n"));
          boolean error = e.getLevel().isMoreSpecificThan(Level.ERROR);
          if (error && m != null) {
            String logger = String.valueOf(e.getLoggerName());
            lastError =
                logger.substring(logger.lastIndexOf('.') + 1)
                    + ": "
                    + m.lines().findFirst().orElse("");
          }
          return trace || error ? onMatch : onMismatch;
        }
      };

  private ConsoleLog() {}

  /**
   * Adds {@link #QUIET} to every console appender (once); {@code quiet = false} ({@code
   * --stacktrace}) leaves other libraries' reports on the console.
   */
  static void quiet(boolean quiet) {
    ConsoleLog.quiet = quiet;
    lastError = null;
    if (!(LogManager.getContext(false) instanceof LoggerContext ctx)) {
      return;
    }
    for (Appender a : ctx.getConfiguration().getAppenders().values()) {
      if (a instanceof ConsoleAppender c && !c.hasFilter()) {
        c.addFilter(QUIET);
      } else if (a instanceof ConsoleAppender c && !contains(c.getFilter())) {
        c.addFilter(QUIET);
      }
    }
  }

  /** The last other library's ERROR kept off the quiet console, or null; then forgets it. */
  static String takeLastError() {
    String e = lastError;
    lastError = null;
    return e;
  }

  private static boolean contains(Filter f) {
    if (f == QUIET) {
      return true;
    }
    if (f instanceof org.apache.logging.log4j.core.filter.CompositeFilter cf) {
      for (Filter g : cf.getFiltersArray()) {
        if (g == QUIET) {
          return true;
        }
      }
    }
    return false;
  }
}
