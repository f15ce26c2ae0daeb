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
 * Keeps failure reports of Spark and its libraries off the console: a failed task logs its
 * stack trace (Executor's ERROR with the exception, TaskSetManager's multi-line WARN) long
 * before the job's one {@code hardneg: ...} line. Without {@code --stacktrace} the console shows
 * hardneg's own lines and other libraries' single-line warnings only; every event still reaches
 * the other appenders (the log file of {@code conf/log4j2.properties}).
 */
final class ConsoleLog {
  /** Denies, on a console appender, another library's errors, exceptions and multi-line lines. */
  static final Filter QUIET = new AbstractFilter(Filter.Result.DENY, Filter.Result.NEUTRAL) {
    @Override
    public Filter.Result filter(LogEvent e) {
      if (e.getLoggerName() != null && e.getLoggerName().startsWith("io.hardneg")) {
        return onMismatch;
      }
      String m = e.getMessage() == null ? "" : e.getMessage().getFormattedMessage();
      boolean trace = e.getThrown() != null || (m != null && m.contains("\n"));
      return trace || e.getLevel().isMoreSpecificThan(Level.ERROR) ? onMatch : onMismatch;
    }
  };

  private ConsoleLog() {}

  /** Adds {@link #QUIET} to every console appender (once). */
  static void quiet() {
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
