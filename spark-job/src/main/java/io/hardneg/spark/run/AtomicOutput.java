package io.hardneg.spark.run;

import io.hardneg.spark.config.ConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Publishes an output directory in one step, on any Hadoop FileSystem: the output is written
 * completely into a temporary directory beside the target ({@code _tmp-<name>-<uuid>}; the leading
 * underscore hides it from Hadoop and Spark readers), {@code _SUCCESS} is written last inside it,
 * and ONE rename makes it the target. A reader therefore sees no target, or a complete one with
 * {@code _SUCCESS}; a kill at any moment leaves at most a temporary directory.
 *
 * <p>The target is checked before any work and again just before the rename, because a rename onto
 * an existing directory moves the source <em>into</em> it (that is how files nest as {@code
 * triplets/triplets/}): an absent or empty target is fine; a committed one (with {@code _SUCCESS})
 * is refused as a usage error; one holding files without {@code _SUCCESS} (an unfinished earlier
 * output) is refused naming it, or replaced where the caller owns it and redoing it is well defined
 * ({@link Unfinished#REPLACE}: an uncommitted round of a run directory). Nothing is ever written
 * into an existing target.
 */
public final class AtomicOutput {
  /** What to do with a target that holds files but no {@code _SUCCESS}. */
  public enum Unfinished {
    /** Refuse with a usage error naming the target and what it holds. */
    REFUSE,
    /** Delete it at publish time (the caller redoes that output from scratch). */
    REPLACE
  }

  private static final String UUID_RE =
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  private final FileSystem fs;
  private final Path target;
  private final Unfinished unfinished;

  public AtomicOutput(FileSystem fs, Path target, Unfinished unfinished) {
    this.fs = fs;
    this.target = new Path(target.toString()); // without a trailing slash: its name, its parent
    this.unfinished = unfinished;
  }

  public Path target() {
    return target;
  }

  /**
   * Checks the target, removes temporaries an earlier killed run left for it and creates a new
   * temporary directory beside it (proving the place writable before any expensive work).
   *
   * @return the temporary directory to write the output into
   * @throws ConfigException if the target is committed or (REFUSE) unfinished
   * @throws OutputException if the temporary directory cannot be created
   */
  public Path begin() throws IOException {
    Path parent = target.getParent();
    if (parent == null) {
      throw new ConfigException(
          target + ": an output cannot be a file system's root; choose " + "another --out");
    }
    Path tmp = new Path(parent, "_tmp-" + target.getName() + "-" + UUID.randomUUID());
    try {
      check();
      if (fs.exists(parent)) {
        Pattern ours = Pattern.compile("_tmp-" + Pattern.quote(target.getName()) + "-" + UUID_RE);
        for (FileStatus s : fs.listStatus(parent)) {
          if (ours.matcher(s.getPath().getName()).matches()) {
            fs.delete(s.getPath(), true);
          }
        }
      }
      if (!fs.mkdirs(tmp)) {
        throw new IOException("mkdirs returned false");
      }
    } catch (IOException | FSError e) {
      discard(tmp);
      throw new OutputException(
          target
              + ": the output directory cannot be created or written ("
              + reason(e)
              + "); choose another --out or fix its parent",
          e);
    }
    return tmp;
  }

  /**
   * Writes {@code _SUCCESS} into {@code tmp} and renames {@code tmp} to the target in one step. On
   * any failure the temporary directory is removed and the target is left as it was.
   */
  public Path publish(Path tmp) throws IOException {
    try {
      write(fs, new Path(tmp, RunDirectory.SUCCESS), new byte[0]);
      if (check() && !fs.delete(target, true)) {
        throw new IOException("could not remove " + target + " before publishing");
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("could not rename " + tmp + " to " + target);
      }
      return target;
    } catch (IOException e) {
      discard(tmp);
      throw new OutputException(target + ": cannot publish the output (" + e.getMessage() + ")", e);
    } catch (RuntimeException | Error e) {
      discard(tmp);
      throw e;
    }
  }

  /** Writes a small UTF-8 file in one go; a failing write (disk full, quota) names the file. */
  public void writeText(Path file, String text) {
    write(fs, file, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes a small file in one go; a failing write (disk full, quota) names the file. */
  static void write(FileSystem fs, Path file, byte[] bytes) {
    try (OutputStream out = fs.create(file, true)) {
      out.write(bytes);
    } catch (IOException | FSError e) {
      throw new OutputException(
          file + ": cannot write " + bytes.length + " bytes (" + reason(e) + ")", e);
    }
  }

  /**
   * A failed write's reason in one line. Hadoop's local file system reports a failed write (a full
   * disk: {@code No space left on device}) as an {@link FSError}, an Error wrapping the
   * IOException: the IOException is the reason.
   */
  static String reason(Throwable e) {
    Throwable t = e instanceof FSError && e.getCause() != null ? e.getCause() : e;
    String m = String.valueOf(t.getMessage()).lines().findFirst().orElse("");
    return (m.contains("No space left on device") ? "disk full, " : "")
        + t.getClass().getSimpleName()
        + ": "
        + m;
  }

  /**
   * Removes a temporary directory of a failed attempt, after the Spark tasks a failed job left
   * running have ended (they would recreate directories under it: {@link TaskDrain}); never throws.
   */
  public void discard(Path tmp) {
    TaskDrain.awaitNoRunningTasks();
    try {
      fs.delete(tmp, true);
    } catch (IOException | RuntimeException | FSError ignored) {
      // best effort: the next begin() for this target removes it
    }
  }

  /**
   * Checks the target's state.
   *
   * @return true when the target exists and must be removed before the rename (an empty directory,
   *     or an unfinished output under REPLACE)
   */
  private boolean check() throws IOException {
    if (!fs.exists(target)) {
      return false;
    }
    if (!fs.getFileStatus(target).isDirectory()) {
      throw new ConfigException(
          target + " is a file, not an output directory; choose another " + "--out");
    }
    if (fs.exists(new Path(target, RunDirectory.SUCCESS))) {
      if (unfinished == Unfinished.REPLACE) {
        throw new IllegalStateException(target + " is committed and is never redone");
      }
      throw new ConfigException(
          target
              + " already holds a committed output (it has "
              + RunDirectory.SUCCESS
              + "); choose another --out or remove it first");
    }
    FileStatus[] inside = fs.listStatus(target);
    if (inside.length == 0 || unfinished == Unfinished.REPLACE) {
      return true;
    }
    throw new ConfigException(
        target
            + " holds an unfinished earlier output ("
            + Arrays.stream(inside).map(s -> s.getPath().getName()).sorted().limit(5).toList()
            + (inside.length > 5 ? " and " + (inside.length - 5) + " more" : "")
            + " but no "
            + RunDirectory.SUCCESS
            + ", e.g. left by an interrupted run); hardneg "
            + "never writes into it: remove it or choose another --out");
  }
}
