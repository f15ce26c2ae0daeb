package io.hardneg.spark.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The run directory on any Hadoop FileSystem. A round is published like every hardneg output
 * ({@link AtomicOutput}): written under a temporary {@code _tmp-round-NNN-<uuid>} directory, {@code
 * _SUCCESS} last inside it, then one rename to {@code round-NNN}. A round directory without {@code
 * _SUCCESS} does not exist for hardneg.
 */
public final class RunDirectory {
  public static final String SUCCESS = "_SUCCESS";
  private static final Pattern ROUND = Pattern.compile("round-(\\d{3,})");

  private final FileSystem fs;
  private final Path root;

  public RunDirectory(Configuration conf, String output) {
    try {
      Path p = new Path(output);
      this.fs = p.getFileSystem(conf);
      this.root = fs.makeQualified(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open output " + output, e);
    }
  }

  public Path root() {
    return root;
  }

  public FileSystem fs() {
    return fs;
  }

  /** The published directory of round {@code r}. */
  public Path round(int r) {
    return new Path(root, String.format(Locale.ROOT, "round-%03d", r));
  }

  /**
   * Creates the root if needed, proves it writable with a probe file (before any expensive stage)
   * and removes temporaries left by an interrupted run.
   */
  public void prepare() throws IOException {
    try {
      if (!fs.mkdirs(root)) {
        throw new IOException("mkdirs returned false");
      }
      Path probe = new Path(root, "_tmp-probe-" + UUID.randomUUID());
      writeBytes(probe, new byte[0]);
      fs.delete(probe, false);
    } catch (IOException | OutputException | org.apache.hadoop.fs.FSError e) {
      throw new OutputException(
          root
              + ": the output directory cannot be created or written ("
              + e.getClass().getSimpleName()
              + ": "
              + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
              + "); choose another --out or fix its parent",
          e);
    }
    for (FileStatus s : fs.listStatus(root)) {
      if (s.getPath().getName().startsWith("_tmp-")) {
        fs.delete(s.getPath(), true);
      }
    }
  }

  /** Highest round with {@code _SUCCESS}, or -1 when none is committed. */
  public int lastCommittedRound() throws IOException {
    if (!fs.exists(root)) {
      return -1;
    }
    int last = -1;
    for (FileStatus s : fs.listStatus(root)) {
      Matcher m = ROUND.matcher(s.getPath().getName());
      if (s.isDirectory() && m.matches() && fs.exists(new Path(s.getPath(), SUCCESS))) {
        last = Math.max(last, Integer.parseInt(m.group(1)));
      }
    }
    return last;
  }

  /** Round {@code r}'s publication: an uncommitted leftover of it is redone, never reused. */
  private AtomicOutput roundOutput(int r) {
    return new AtomicOutput(fs, round(r), AtomicOutput.Unfinished.REPLACE);
  }

  /** A new temporary directory for round {@code r} ({@code _tmp-round-NNN-<uuid>}). */
  public Path beginRound(int r) throws IOException {
    return roundOutput(r).begin();
  }

  /**
   * Writes {@code _SUCCESS} into {@code tmp} and renames it to {@code round-NNN} in one step
   * ({@link AtomicOutput#publish}); an uncommitted leftover {@code round-NNN} is replaced.
   */
  public Path commitRound(Path tmp, int r) throws IOException {
    return roundOutput(r).publish(tmp);
  }

  /** Removes the temporary directory of a round that failed; never throws. */
  public void discardRound(Path tmp, int r) {
    roundOutput(r).discard(tmp);
  }

  /** Writes a small file in one go; a failing write (disk full, quota) names the file. */
  public void writeBytes(Path file, byte[] bytes) throws IOException {
    AtomicOutput.write(fs, file, bytes);
  }

  /** Writes UTF-8 text. */
  public void writeText(Path file, String text) throws IOException {
    writeBytes(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes a root-level file atomically: to a hidden temporary name, then a rename. */
  public void writeAtomically(String name, String text) throws IOException {
    Path tmp = new Path(root, "_tmp-" + name + "-" + UUID.randomUUID());
    writeText(tmp, text);
    Path target = new Path(root, name);
    if (fs.exists(target)) {
      fs.delete(target, false);
    }
    if (!fs.rename(tmp, target)) {
      throw new IOException("could not rename " + tmp + " to " + target);
    }
  }

  /** Reads a whole small file. */
  public byte[] readBytes(Path file) throws IOException {
    try (var in = fs.open(file)) {
      return in.readAllBytes();
    }
  }
}
