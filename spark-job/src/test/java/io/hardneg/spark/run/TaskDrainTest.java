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
 * A failed job's other task still writing: one task fails for good at once, which fails the job,
 * while the other goes on for a while and then creates a file under the temporary output (as a
 * Parquet writer's attempt directory does). Discarding the temporary must leave it gone once that
 * late task has ended; removing it at once (before the drain) leaves it recreated.
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
                      Thread.sleep(1500); // the failed job does not wait for this task
                      Path f = Path.of(late);
                      Files.createDirectories(f.getParent());
                      Files.writeString(f, "late");
                      Files.writeString(Path.of(done), "done");
                    }));
    out.discard(tmp);
    for (int i = 0; i < 100 && !Files.exists(Path.of(done)); i++) {
      Thread.sleep(50);
    }
    assertTrue(Files.exists(Path.of(done)), "the late task ended");
    assertFalse(fs.exists(tmp), "no temporary output recreated by the late task: " + tmp);
  }
}
