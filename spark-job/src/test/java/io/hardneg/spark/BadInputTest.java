package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input fails fast with exit code 3 and a message naming the file and the rule. */
class BadInputTest {
  @TempDir Path tmp;

  private String runExpectingBadInput(String images, String labels) {
    SharedSpark.get(); // the CLI reuses the running session (no --master: not stopped after)
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            "train",
            "--set",
            "input.images=" + images,
            "--set",
            "input.labels=" + labels,
            "--out",
            tmp.resolve("run").toString());
    String msg = err.toString(StandardCharsets.UTF_8);
    assertEquals(Main.BAD_INPUT, code, msg);
    return msg;
  }

  @Test
  void missingFileIsNamed() throws Exception {
    Path[] data = TinyData.write(tmp.resolve("in"), 10);
    String msg = runExpectingBadInput(tmp.resolve("nope.gz").toString(), data[1].toString());
    assertTrue(msg.contains("nope.gz") && msg.contains("does not exist"), msg);
  }

  @Test
  void truncatedImagesAreNamedAndNothingIsWritten() throws Exception {
    Path[] data = TinyData.write(tmp.resolve("in"), 10);
    byte[] all = Files.readAllBytes(data[0]);
    Path cut = tmp.resolve("cut-idx3-ubyte");
    Files.write(cut, java.util.Arrays.copyOf(all, all.length - 100));
    String msg = runExpectingBadInput(cut.toString(), data[1].toString());
    assertTrue(msg.contains("cut-idx3-ubyte") && msg.contains("truncated"), msg);
    assertTrue(!Files.exists(tmp.resolve("run/round-000")), "no round may be written");
  }

  @Test
  void labelCountMismatchIsNamed() throws Exception {
    Path[] small = TinyData.write(tmp.resolve("a"), 10);
    Path[] big = TinyData.write(tmp.resolve("b"), 12);
    String msg = runExpectingBadInput(small[0].toString(), big[1].toString());
    assertTrue(msg.contains("10 items but") && msg.contains("12 labels"), msg);
  }
}
