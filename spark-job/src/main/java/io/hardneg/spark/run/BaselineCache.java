package io.hardneg.spark.run;

import io.hardneg.core.metrics.RetrievalMetrics;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.io.InputSpec;
import io.hardneg.spark.result.Baselines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Baselines computed once per test side and initial network, on any Hadoop FileSystem: an entry is
 * a directory {@code baselines-<key>} holding {@code baselines.json} and the key's text ({@code
 * key.txt}), published in one rename by {@link AtomicOutput} so a reader sees a whole entry or
 * none. The key ({@link #key}) hashes what the baseline numbers are a function of: the input files
 * (path, size and modification time of every file, so a rewritten input misses), the test side's
 * settings, the seed, the pairs files, the untrained network's {@link
 * io.hardneg.core.model.ModelId} and the metrics' definition. The validation split is not part of
 * it: it is carved from the training side and never changes the test side. The cache only saves
 * time: an entry that cannot be read or written is logged and the baselines are computed as without
 * a cache.
 */
public final class BaselineCache {
  private static final Logger LOG = LoggerFactory.getLogger(BaselineCache.class);

  /** Bumped whenever the baselines' definition changes, so older entries miss. */
  static final String VERSION = "baselines-1";

  static final String FILE = "baselines.json";

  private final FileSystem fs;
  private final Path dir;

  private BaselineCache(FileSystem fs, Path dir) {
    this.fs = fs;
    this.dir = dir;
  }

  /**
   * The cache at {@code setting} ({@code eval.baselines.cache}), or, when it is empty, {@code
   * .hardneg-cache} beside the run directory {@code runRoot} (shared by the runs of one parent
   * directory, on the run's file system).
   */
  public static BaselineCache open(Configuration conf, String setting, Path runRoot)
      throws IOException {
    Path p =
        setting.isEmpty() ? new Path(runRoot.getParent(), ".hardneg-cache") : new Path(setting);
    FileSystem fs = p.getFileSystem(conf);
    return new BaselineCache(fs, fs.makeQualified(p));
  }

  /** The directory of the entry of {@code key}. */
  public Path entry(String key) {
    return new Path(dir, "baselines-" + key);
  }

  /** The cached baselines of {@code key}, or null when there are none (or they are unreadable). */
  public Baselines read(String key) {
    Path entry = entry(key);
    try {
      if (!fs.exists(new Path(entry, RunDirectory.SUCCESS))) {
        return null;
      }
      byte[] json;
      try (var in = fs.open(new Path(entry, FILE))) {
        json = in.readAllBytes();
      }
      Baselines b = Baselines.fromJson(Json.read(new String(json, StandardCharsets.UTF_8)));
      if (!key.equals(b.cacheKey())) {
        throw new IllegalArgumentException("it holds key " + b.cacheKey());
      }
      return b;
    } catch (IOException | RuntimeException | FSError e) {
      LOG.warn("baseline cache entry {} unreadable ({}): computing the baselines", entry, e);
      return null;
    }
  }

  /** Publishes {@code b} as the entry of {@code key}; a failure is logged, never thrown. */
  public void write(String key, String keyText, Baselines b) {
    AtomicOutput out = new AtomicOutput(fs, entry(key), AtomicOutput.Unfinished.REPLACE);
    try {
      // here with an entry only when it was unreadable (or a concurrent run just published the
      // same values): replace it, so that one corrupt file does not cost every later run
      fs.delete(entry(key), true);
      Path tmp = out.begin();
      out.writeText(new Path(tmp, "key.txt"), keyText);
      out.writeText(new Path(tmp, FILE), Json.write(b));
      out.publish(tmp);
      LOG.info("baselines cached in {}", entry(key));
    } catch (IOException | RuntimeException | FSError e) {
      // e.g. a read-only cache, or a concurrent run that published the same entry first
      LOG.warn("baselines not cached in {} ({})", entry(key), e.getMessage());
    }
  }

  /** The key of {@link #keyText}: 32 hex digits of its SHA-256. */
  public static String key(String keyText) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(keyText.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * What the baselines of a run of {@code cfg} with the untrained network {@code untrainedId} are a
   * function of, one fact a line (written beside the entry for whoever wonders why two runs
   * missed).
   */
  public static String keyText(Configuration conf, JobConfig cfg, String untrainedId)
      throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(VERSION + " recall_ks=" + Arrays.toString(RetrievalMetrics.RECALL_KS));
    lines.add("seed=" + cfg.seed());
    lines.add("input=" + spec(cfg.input()));
    files(conf, cfg.input(), lines);
    if (cfg.evalInput() == null) {
      lines.add("test=held out, split.evalFraction=" + cfg.evalFraction());
    } else {
      lines.add("test=" + spec(cfg.evalInput()));
      files(conf, cfg.evalInput(), lines);
    }
    if (!cfg.pairsPath().isEmpty()) {
      lines.add("pairs=" + cfg.pairsFormat());
      files(conf, cfg.pairsPath(), lines);
      if (!cfg.evalPairsPath().isEmpty()) {
        files(conf, cfg.evalPairsPath(), lines);
      }
    }
    lines.add("untrained=" + untrainedId);
    return String.join("\n", lines) + "\n";
  }

  private static String spec(InputSpec s) {
    return String.join(
        " ",
        s.format().name(),
        "id=" + s.idColumn(),
        "label=" + s.labelColumn(),
        "features=" + s.featuresColumn(),
        "zero=" + s.zeroVectors().name());
  }

  private static void files(Configuration conf, InputSpec s, List<String> lines)
      throws IOException {
    List<String> read =
        s.format() == InputSpec.Format.IDX ? List.of(s.images(), s.labels()) : List.of(s.path());
    for (String p : read) {
      files(conf, p, lines);
    }
  }

  /** One line per file under {@code path} (itself when a file): its path, size, modified time. */
  private static void files(Configuration conf, String path, List<String> lines)
      throws IOException {
    Path p = new Path(path);
    FileSystem fs = p.getFileSystem(conf);
    p = fs.makeQualified(p);
    if (!fs.exists(p)) {
      lines.add("file " + p + " absent");
      return;
    }
    List<String> found = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(p, true);
    while (it.hasNext()) {
      LocatedFileStatus f = it.next();
      found.add("file " + f.getPath() + " " + f.getLen() + " " + f.getModificationTime());
    }
    found.sort(null);
    lines.addAll(found);
  }
}
