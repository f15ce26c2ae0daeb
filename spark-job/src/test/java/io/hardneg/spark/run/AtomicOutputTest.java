package io.hardneg.spark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.spark.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One rename of a complete temporary directory; never into an existing output. */
class AtomicOutputTest {
  @TempDir Path tmp;

  private AtomicOutput output(Path target, AtomicOutput.Unfinished unfinished) throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    return new AtomicOutput(
        fs, fs.makeQualified(new org.apache.hadoop.fs.Path(target.toUri())), unfinished);
  }

  private List<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .toList();
    }
  }

  private static Path local(org.apache.hadoop.fs.Path p) {
    return Path.of(p.toUri());
  }

  @Test
  void aCompleteOutputAppearsInOneRenameWithSuccessInside() throws Exception {
    Path target = tmp.resolve("out");
    AtomicOutput o = output(target, AtomicOutput.Unfinished.REFUSE);
    org.apache.hadoop.fs.Path t = o.begin();
    assertTrue(t.getName().startsWith("_tmp-out-"), t.toString());
    assertEquals(tmp, local(t).getParent(), "the temporary lies beside the target");
    o.writeText(new org.apache.hadoop.fs.Path(t, "a.json"), "{}");
    assertFalse(Files.exists(target), "nothing visible before the publish");
    o.publish(t);
    assertEquals(List.of("_SUCCESS", "a.json"), names(target));
    assertEquals(List.of("out"), names(tmp), "no temporary left");
  }

  @Test
  void anEmptyTargetDirectoryIsReplacedNotWrittenInto() throws Exception {
    Path target = Files.createDirectory(tmp.resolve("out"));
    AtomicOutput o = output(target, AtomicOutput.Unfinished.REFUSE);
    org.apache.hadoop.fs.Path t = o.begin();
    Files.createDirectory(local(t).resolve("triplets"));
    o.publish(t);
    assertEquals(List.of("_SUCCESS", "triplets"), names(target), "no out/_tmp-…/ nesting");
  }

  @Test
  void aCommittedTargetIsAUsageErrorAndStaysAsItWas() throws Exception {
    Path target = Files.createDirectory(tmp.resolve("out"));
    Files.writeString(target.resolve("_SUCCESS"), "");
    Files.writeString(target.resolve("mining.json"), "old");
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> output(target, AtomicOutput.Unfinished.REFUSE).begin());
    assertTrue(
        e.getMessage().contains("already holds a committed output")
            && e.getMessage().contains(target.toString()),
        e.getMessage());
    assertEquals("old", Files.readString(target.resolve("mining.json")));
    assertEquals(List.of("out"), names(tmp), "no temporary made");
  }

  @Test
  void anUnfinishedTargetIsRefusedNamingWhatItHolds() throws Exception {
    // what an interrupted multi-rename publish left: outputs without _SUCCESS
    Path target = Files.createDirectories(tmp.resolve("out/triplets"));
    Files.writeString(target.getParent().resolve("mining.json"), "old");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> output(target.getParent(), AtomicOutput.Unfinished.REFUSE).begin());
    assertTrue(
        e.getMessage().contains("unfinished earlier output")
            && e.getMessage().contains("[mining.json, triplets]")
            && e.getMessage().contains("no _SUCCESS"),
        e.getMessage());
    assertEquals(List.of("mining.json", "triplets"), names(target.getParent()));
  }

  @Test
  void anUnfinishedRoundIsReplacedWhenTheCallerRedoesIt() throws Exception {
    Path target = Files.createDirectory(tmp.resolve("round-001"));
    Files.writeString(target.resolve("metrics.json"), "stale");
    AtomicOutput o = output(target, AtomicOutput.Unfinished.REPLACE);
    org.apache.hadoop.fs.Path t = o.begin();
    o.writeText(new org.apache.hadoop.fs.Path(t, "metrics.json"), "new");
    o.publish(t);
    assertEquals("new", Files.readString(target.resolve("metrics.json")));
    assertEquals(List.of("_SUCCESS", "metrics.json"), names(target));
  }

  @Test
  void aTargetFilledDuringTheRunFailsThePublishAndRemovesTheTemporary() throws Exception {
    Path target = Files.createDirectory(tmp.resolve("out"));
    AtomicOutput o = output(target, AtomicOutput.Unfinished.REFUSE);
    org.apache.hadoop.fs.Path t = o.begin();
    o.writeText(new org.apache.hadoop.fs.Path(t, "mining.json"), "mine");
    Files.writeString(target.resolve("other.json"), "someone else's"); // another writer
    assertThrows(ConfigException.class, () -> o.publish(t));
    assertFalse(Files.exists(local(t)), "the temporary is removed");
    assertEquals(List.of("other.json"), names(target), "the target is not written into");
  }

  @Test
  void aFailingWriteOfSuccessRemovesTheTemporaryAndNamesTheFile() throws Exception {
    Path target = tmp.resolve("out");
    AtomicOutput o = output(target, AtomicOutput.Unfinished.REFUSE);
    org.apache.hadoop.fs.Path t = o.begin();
    // a real write failure without mocks: _SUCCESS cannot be created over a non-empty directory
    Files.createDirectories(local(t).resolve("_SUCCESS/blocker"));
    OutputException e = assertThrows(OutputException.class, () -> o.publish(t));
    assertTrue(e.getMessage().contains("_SUCCESS"), e.getMessage());
    assertFalse(Files.exists(local(t)), "the temporary is removed");
    assertFalse(Files.exists(target), "nothing published");
  }

  @Test
  void aKilledRunsTemporaryIsRemovedByTheNextBeginForTheSameTarget() throws Exception {
    Path target = tmp.resolve("out");
    org.apache.hadoop.fs.Path killed = output(target, AtomicOutput.Unfinished.REFUSE).begin();
    Files.writeString(tmp.resolve("_tmp-other-keep"), "not ours");
    AtomicOutput o = output(target, AtomicOutput.Unfinished.REFUSE);
    org.apache.hadoop.fs.Path t = o.begin();
    assertFalse(Files.exists(local(killed)));
    o.publish(t);
    assertEquals(List.of("_tmp-other-keep", "out"), names(tmp));
  }
}
