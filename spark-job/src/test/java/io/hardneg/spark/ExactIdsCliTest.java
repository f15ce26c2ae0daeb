package io.hardneg.spark;

import static io.hardneg.spark.ReliabilityTest.assertOutcome;
import static io.hardneg.spark.ReliabilityTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the CLI: ids and labels beyond 2^53 come back from {@code mine} exactly as they went in;
 * a bad configuration file and a bad row found inside a Spark task are one line each.
 */
class ExactIdsCliTest {
  @TempDir Path tmp;

  static final long P53 = 1L << 53;
  static final long[] IDS = {
    P53 + 1, (1L << 60) + 3, Long.MIN_VALUE + 1, Long.MAX_VALUE, (1L << 60) + 4, P53
  };

  /** Two classes a double cannot tell apart. */
  static final long[] LABELS = {P53, P53, P53, P53 + 1, P53 + 1, P53 + 1};

  @Test
  void idsAndLabelsBeyondTwoToThe53RoundTripThroughMine() throws Exception {
    StringBuilder sb = new StringBuilder("id,label,f0,f1\n");
    for (int i = 0; i < IDS.length; i++) {
      sb.append(IDS[i])
          .append(',')
          .append(LABELS[i])
          .append(',')
          .append(i < 3 ? 1 : 0.1 * i)
          .append(',')
          .append(i < 3 ? 0.1 * i : 1)
          .append('\n');
    }
    Path csv = tmp.resolve("big-ids.csv");
    Files.writeString(csv, sb);
    Path out = tmp.resolve("mined");
    var o =
        cli(
            "mine",
            "--set",
            "input.format=csv",
            "--set",
            "input.path=" + csv,
            "--set",
            "input.featuresColumn=all",
            "--out",
            out.toString());
    assertEquals(Main.OK, o.code(), o.err());
    List<Row> t =
        SharedSpark.get()
            .read()
            .parquet(out.resolve("triplets").toString())
            .select("anchor", "positive", "negative", "anchor_label", "negative_label")
            .collectAsList();
    Set<Long> ids = new HashSet<>();
    for (long id : IDS) {
      ids.add(id);
    }
    Set<Long> anchors = new HashSet<>();
    for (Row r : t) {
      for (int c = 0; c < 3; c++) {
        assertTrue(ids.contains(r.getLong(c)), "id read exactly: " + r);
      }
      anchors.add(r.getLong(0));
      assertNotEquals(r.getLong(3), r.getLong(4), "2^53 and 2^53+1 are two classes: " + r);
      int a = indexOf(r.getLong(0));
      assertEquals(LABELS[a], r.getLong(3), "anchor label exact: " + r);
      assertEquals(LABELS[indexOf(r.getLong(2))], r.getLong(4), "negative label exact: " + r);
      assertEquals(LABELS[a], LABELS[indexOf(r.getLong(1))], "positive in the class: " + r);
    }
    assertEquals(ids, anchors, "every item (unique ids near 2^60 included) is an anchor");
  }

  private static int indexOf(long id) {
    for (int i = 0; i < IDS.length; i++) {
      if (IDS[i] == id) {
        return i;
      }
    }
    throw new AssertionError("unknown id " + id);
  }

  @Test
  void configurationFileProblemsNameTheFileAndTheLine() throws Exception {
    Path escape = tmp.resolve("escape.conf");
    Files.writeString(escape, "# fine\nseed = 1\nmining.margin = \\u00zz\n");
    assertOutcome(
        cli("mine", "--conf", escape.toString()), Main.USAGE, "escape.conf", "line 3", "Malformed");
    Path latin1 = tmp.resolve("latin1.conf");
    Files.write(
        latin1, "seed = 1\n# caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    assertOutcome(
        cli("mine", "--conf", latin1.toString()), Main.USAGE, "latin1.conf", "line 2", "not UTF-8");
  }

  @Test
  void aCsvRowBeyondTheParsersLimitIsOneLineNamingTheFile() throws Exception {
    Path wide = tmp.resolve("too-wide.csv");
    StringBuilder sb = new StringBuilder("id,label,f0,f1\n1,0,0.5,1\n2,1");
    sb.append(",1".repeat(20_500)).append('\n');
    Files.writeString(wide, sb);
    var o =
        cli(
            "mine",
            "--set",
            "input.format=csv",
            "--set",
            "input.path=" + wide,
            "--set",
            "input.featuresColumn=all",
            "--out",
            tmp.resolve("w").toString());
    assertOutcome(o, Main.BAD_INPUT, "too-wide.csv", "CSV parser's limits");
    assertEquals(1, o.err().strip().lines().count(), o.err());
  }
}
