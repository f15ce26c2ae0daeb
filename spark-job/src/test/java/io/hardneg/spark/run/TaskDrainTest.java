package io.hardneg.spark.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.spark.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed job's other task still writing: one task fails on each of its 4 attempts (local[2,4]),
 * which fails the job, while the other waits until the test has seen the failure, then 500 ms more,
 * and creates a file under the temporary output (as a Parquet writer's attempt directory does).
 * Discarding the temporary must leave it gone once that late task has ended; removing it at once
 * (without the drain) leaves it recreated. The late task waits for a file the test writes after the
 * failure, so neither outcome depends on how fast the machine is.
 */
class TaskDrainTest {
  @TempDir Path dir;

  @Test
  void aDiscardedOutputStaysGoneWhenALateTaskOfTheFailedJobWritesIntoIt() throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    AtomicOutput out =
        new AtomicOutput(
            fs,
            fs.makeQualified(new org.apache.hadoop.fs.Path(dir.resolve("out").toUri())),
            AtomicOutput.Unfinished.REFUSE);
    org.apache.hadoop.fs.Path tmp = out.begin();
    String late = Path.of(tmp.toUri()).resolve("_temporary/attempt/part-1").toString();
    String done = dir.resolve("late-task-done").toString();
    String go = dir.resolve("job-failed").toString();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SharedSpark.get().sparkContext());
    assertThrows(
        SparkException.class,
        () ->
            jsc.parallelize(List.of(0, 1), 2)
                .foreach(
                    i -> {
                      if (i == 0) {
                        throw new IllegalStateException("this partition always fails");
                      }
                      // the failed job does not wait for this task; it goes on after the
                      // driver has seen the failure (at most 60 s)
                      for (int t = 0; t < 1200 && !Files.exists(Path.of(go)); t++) {
                        Thread.sleep(50);
                      }
                      Thread.sleep(500);
                      Path f = Path.of(late);
                      Files.createDirectories(f.getParent());
                      Files.writeString(f, "late");
                      Files.writeString(Path.of(done), "done");
                    }));
    Files.writeString(Path.of(go), "go");
    out.discard(tmp);
    for (int i = 0; i < 400 && !Files.exists(Path.of(done)); i++) {
      Thread.sleep(50);
    }
    assertTrue(Files.exists(Path.of(done)), "the late task ended");
    assertFalse(fs.exists(tmp), "no temporary output recreated by the late task: " + tmp);
  }
}
