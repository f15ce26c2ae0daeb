package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The quiet console remembers the last error another library logged, to name a failure's cause. */
class ConsoleLogTest {
  @Test
  void theLastErrorKeptOffTheQuietConsoleIsNamedOnceAndForgottenByTheNextRun() {
    ConsoleLog.quiet(true);
    LoggerFactory.getLogger("org.apache.spark.scheduler.cluster.StandaloneSchedulerBackend")
        .error(
            "Application has been killed. Reason: All masters are unresponsive! Giving up.\nmore");
    LoggerFactory.getLogger("org.apache.spark.Other").warn("a warning is not an error");
    assertEquals(
        "StandaloneSchedulerBackend: Application has been killed. Reason: All masters are"
            + " unresponsive! Giving up.",
        ConsoleLog.takeLastError());
    assertNull(ConsoleLog.takeLastError(), "taken once");
    LoggerFactory.getLogger("org.apache.spark.Other").error("from an earlier run");
    ConsoleLog.quiet(true);
    assertNull(ConsoleLog.takeLastError(), "a new run starts without it");
  }
}
