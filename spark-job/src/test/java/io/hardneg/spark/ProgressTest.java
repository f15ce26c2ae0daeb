package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.spark.report.Progress;
import org.apache.spark.SparkContext;
import org.junit.jupiter.api.Test;

class ProgressTest {

  @Test
  void stagesNameTheirSparkJobsAndLogCountsRateAndEta() {
    SparkContext sc = SharedSpark.get().sparkContext();
    Progress p = new Progress(sc, 3);
    p.roundStarted(0);
    Progress.Stage s = p.start(0, "MINE", "search negatives");
    assertEquals("round-000-mine", sc.getLocalProperty("spark.jobGroup.id"));
    assertEquals("round 0 MINE: search negatives", sc.getLocalProperty("spark.job.description"));
    // a Spark job run now carries the group (what the Spark UI shows)
    assertEquals(3, SharedSpark.get().range(3).count());
    String line = s.done(1234, "anchors");
    assertTrue(line.startsWith("round 0 (1/3) MINE     1,234 anchors in "), line);
    assertTrue(line.contains(" anchors/s); ETA after the first round"), line);
    assertNull(sc.getLocalProperty("spark.jobGroup.id"), "group cleared after the stage");
    p.start(0, Progress.LAST_STAGE, "commit").done(1, "round");
    p.roundDone(0);
    p.roundStarted(1);
    String next = p.start(1, "EMBED", "embed").done(10, "items");
    // one round done: ETA = mean round time x (rounds after this one + what is left of it)
    assertTrue(next.matches(".*; ETA \\d+ s$"), next);
    p.roundDone(1);
    p.roundStarted(2);
    assertTrue(p.start(2, Progress.LAST_STAGE, "commit").done(1, "round").endsWith("run done"));
  }
}
