package io.hardneg.spark.run;

import java.time.Duration;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkExecutorInfo;
import org.apache.spark.scheduler.TaskSchedulerImpl;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the tasks a failed Spark job left running. When one task of a write fails for good,
 * Spark fails the job at once and only <em>asks</em> the stage's other running tasks to stop: a
 * task inside a Parquet writer finishes (or fails) on its own time and meanwhile creates its
 * attempt directories under the output. A temporary output directory removed before those tasks end
 * reappears beside the target (seen on a full disk: {@code _tmp-mined-b-<uuid>} left behind). So a
 * failed output is discarded only after no task runs any more, up to a bound. It waits for every
 * running task of the application, not only the failed job's: the jobs of hardneg's CLI run one at
 * a time, so they are the failed job's, and a failure only pays the time its last tasks take.
 * Inside a task no SparkSession is active, and it returns at once.
 *
 * <p>The task scheduler's count ({@code SparkContext.taskScheduler}, {@code
 * TaskSchedulerImpl.runningTasksByExecutors}) is Spark-internal (public in the bytecode, {@code
 * private[spark]} in Scala): checked with Spark 3.5; the status tracker is the fallback.
 */
final class TaskDrain {
  private static final Logger LOG = LoggerFactory.getLogger(TaskDrain.class);
  private static final Duration MAX = Duration.ofSeconds(120);

  private TaskDrain() {}

  /**
   * Returns once no task of this application runs on any executor (or after {@link #MAX}); at once
   * where no SparkSession is active (a driver-only write).
   */
  static void awaitNoRunningTasks() {
    var session = SparkSession.getActiveSession();
    if (session.isEmpty()) {
      session = SparkSession.getDefaultSession();
    }
    if (session.isEmpty() || session.get().sparkContext().isStopped()) {
      return;
    }
    SparkContext sc = session.get().sparkContext();
    long end = System.nanoTime() + MAX.toNanos();
    boolean interrupted = false;
    int running;
    // an interrupt (a kill of the driver's thread) does not end the wait early: removing the
    // output under a running task is the race this class exists to avoid; it is restored after
    while ((running = running(sc)) > 0) {
      if (System.nanoTime() > end) {
        LOG.warn("{} task(s) still running after {}; removing the output anyway", running, MAX);
        break;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException ie) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Tasks running now, as the task scheduler counts them: it forgets a task when the task's end
   * reaches it. The status tracker's counts come from the listener bus, which runs behind and was
   * seen reporting none while a task of a failed job still ran.
   */
  static int running(SparkContext sc) {
    if (!(sc.taskScheduler() instanceof TaskSchedulerImpl t)) {
      int n = 0;
      for (SparkExecutorInfo e : sc.statusTracker().getExecutorInfos()) {
        n += e.numRunningTasks();
      }
      return n;
    }
    int n = 0;
    var it = t.runningTasksByExecutors().valuesIterator();
    while (it.hasNext()) {
      n += (Integer) it.next();
    }
    return n;
  }
}
