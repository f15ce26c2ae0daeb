package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.spark.result.WorkerCount;
import io.hardneg.spark.stage.TrainWorkers;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.api.TrainingHook;
import org.junit.jupiter.api.Test;

/**
 * The training-worker record: hook calls made inside Spark tasks come back to the driver, counted
 * per JVM, and a drain clears them. (The cluster integration test checks the same record across two
 * executor JVMs.)
 */
class TrainWorkersTest {
  @Test
  void hookCallsInTasksAreCountedPerJvmAndDrained() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SharedSpark.get().sparkContext());
    TrainWorkers workers = new TrainWorkers(jsc.sc());
    TrainingHook hook = workers.hook();
    jsc.parallelize(List.of(1, 2, 3, 4, 5, 6, 7), 3)
        .foreach(i -> hook.postUpdate((org.nd4j.linalg.dataset.api.DataSet) null, null));
    List<WorkerCount> seen = workers.drain();
    assertEquals(1, seen.size(), seen.toString());
    WorkerCount w = seen.get(0);
    assertEquals("driver", w.executor(), "local mode runs tasks in the driver JVM");
    assertEquals(ProcessHandle.current().pid(), w.pid());
    assertEquals(7L, w.minibatches());
    assertTrue(workers.drain().isEmpty(), "drain clears");
  }
}
