package io.hardneg.spark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code bench/run.sh} with {@code BENCH_SMOKE=1} (synthetic 2,000 items, one training step, a
 * 1,000-item kernel) on this module's test classpath and checks the report it writes: every table
 * present; every mining recall a number in [0, 1] that the scorer ({@code bench/peers.py})
 * computed; hardneg's exact search at recall 1 against the truth the scorer computes by numpy brute
 * force (hardneg's kernel and numpy agree on every anchor); two rows (hardneg IVF, SynapseML's
 * ConditionalKNN) and the scorer's truth recomputed here in plain Java from the exported {@code
 * .npy} files; SynapseML's exact conditional search at recall 1; and — when the Debian peers are
 * installed, as {@code .ci/run} makes sure — faiss's exact index at recall 1 against the same truth
 * (k = 64, top-k then label filter), faiss's exact per-class and ID-selector searches at recall 1
 * in both mining tables, hnswlib (top-k and per class) and PyTorch rows with numbers.
 */
class RunScriptSmokeTest {
  @Test
  void smokeRunWritesAllTables() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    Path out = Path.of("target", "RESULTS-smoke.md").toAbsolutePath();
    Files.deleteIfExists(out);
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder pb =
        new ProcessBuilder("bash", root.resolve("bench/run.sh").toString())
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(Path.of("target", "run-smoke.log").toFile());
    pb.environment().put("BENCH_SMOKE", "1");
    pb.environment().put("BENCH_CP", cp);
    pb.environment().put("BENCH_OUT", out.toString());
    pb.environment()
        .put("BENCH_WORK", Path.of("target", "peers-smoke").toAbsolutePath().toString());
    Process p = pb.start();
    // a hang guard, not a timing assertion: the run takes 1-9 minutes on a shared 2-core machine
    assertTrue(p.waitFor(20, TimeUnit.MINUTES), "bench/run.sh did not finish in 20 minutes");
    assertEquals(
        0,
        p.exitValue(),
        "bench/run.sh failed: " + Files.readString(Path.of("target", "run-smoke.log")));
    String md = Files.readString(out, StandardCharsets.UTF_8);
    for (String s :
        List.of(
            "**Machine**",
            "## 1. Mining",
            "## 2. Training throughput",
            "## 3. Scaling",
            "## 4. Kernel",
            "| hardneg broadcast | exact |",
            "| hardneg ivf |",
            "| Spark MLlib BRP-LSH approxSimilarityJoin |",
            "| Spark MLlib BRP-LSH approxNearestNeighbors |",
            "| SynapseML ConditionalKNN | k=1, condition = labels other than the anchor's",
            "| mlp |",
            "| cnn |",
            "| 1000 | 0 |",
            "**Inside the job**",
            // the TRAIN stage in both training modes: pk (the default) and triplets
            "| mlp | pk |",
            "| mlp | triplets |",
            "| synthetic clustered | 1000 | 64 | ivf nlist=",
            "| synthetic clustered | 3000 | 64 | ivf nlist=",
            // the large-set mining comparison, and its hardneg run as the scaling series' last
            // point
            "### Mining at 4000 synthetic vectors",
            "| synthetic clustered | 4000 | 64 | ivf nlist=",
            "| ivf nprobe=4 | 1000, 3000, 4000 |")) {
      assertTrue(md.contains(s), "RESULTS-smoke.md lacks '" + s + "':\n" + md);
    }
    // every mining row (both tables) carries a scored recall in [0, 1]
    String mining = md.substring(md.indexOf("## 1. Mining"), md.indexOf("## 2. Training"));
    List<String> scored =
        mining
            .lines()
            .filter(
                l ->
                    l.startsWith("| hardneg ")
                        || l.startsWith("| Spark MLlib ")
                        || l.startsWith("| faiss Index")
                        || l.startsWith("| SynapseML ")
                        || l.startsWith("| hnswlib |")
                        || l.startsWith("| hnswlib per class |"))
            .toList();
    assertTrue(scored.size() >= 5, mining);
    for (String l : scored) {
      double r = recall(l);
      assertTrue(r >= 0 && r <= 1, "recall outside [0, 1]: " + l);
    }
    // the exact stage timed against its own kernel on the same vectors (MineKernelBench)
    assertTrue(
        mining.matches(
            "(?s).*\\*\\*The exact MINE stage against its own kernel on the same vectors\\*\\*.*"
                + "Kernel [0-9.]+ / [0-9.]+ s \\(2 repetitions after an untimed one\\); MINE "
                + "[0-9.]+ s = (\\*\\*[0-9.]+(–[0-9.]+)?× the kernel\\*\\*|the kernel too fast to time).*"),
        mining);
    // hardneg's exact search finds the nearest negative numpy's brute force finds, every anchor
    assertTrue(row(md, "| hardneg broadcast |").contains("| 1.000 | 1.0000 |"), md);
    Path work = Path.of("target", "peers-smoke");
    crossCheckRecall(work, "hardneg ivf", recall(row(md, "| hardneg ivf |")));
    // SynapseML's conditional ball tree is exact: it finds every nearest negative it searched for
    double cknn = recall(row(md, "| SynapseML ConditionalKNN |"));
    crossCheckRecall(work, "SynapseML ConditionalKNN", cknn);
    assertEquals(1.0, cknn, 1e-9, md);
    // the in-job training bench fitted rows at a positive rate for both networks and modes: a
    // triplets epoch 3 rows per triplet (256), a pk epoch each of the 256 items once
    assertTrue(
        md.lines()
                .filter(
                    l ->
                        l.matches(
                            "\\| (mlp|cnn) \\| triplets \\| [0-9.]*[1-9][0-9.]* \\| [0-9.]+ "
                                + "\\| 768 \\| 1 \\|.*"))
                .count()
            == 2,
        md);
    assertTrue(
        md.lines()
                .filter(
                    l ->
                        l.matches(
                            "\\| (mlp|cnn) \\| pk \\| [0-9.]*[1-9][0-9.]* \\| [0-9.]+ "
                                + "\\| 256 \\| 1 \\|.*"))
                .count()
            == 2,
        md);
    String big = md.substring(md.indexOf("### Mining at 4000"), md.indexOf("## 2. Training"));
    assertTrue(
        row(big, "| hardneg ivf | nlist=")
            .matches(
                "\\| hardneg ivf \\| nlist=[0-9]+ "
                    + "nprobe=4 \\| [0-9.]+ \\| 1.000 \\| [0-9.]+ \\|.*"),
        big);
    if (importable("faiss")) {
      // searched 1,000 of the 4,000 items and said so
      assertTrue(row(big, "| faiss IndexFlatIP | k=64 |").contains("(extrapolated)"), big);
      assertTrue(
          row(md, "| faiss IndexFlatIP | k=64 |").contains("| 1.0000 |"),
          "faiss's exact index must find every exact nearest negative at k=64:\n" + md);
      assertTrue(md.contains("| faiss IndexIVFFlat |") && md.contains("| faiss IndexHNSWFlat |"));
      assertTrue(row(md, "| faiss IndexFlatIP | k=64 |").contains("top-k then label filter"), md);
      // the peers at their best: exact per-class and ID-selector searches, in both tables
      for (String table : List.of(mining.substring(0, mining.indexOf("### Mining at")), big)) {
        for (String exact :
            List.of("| faiss IndexFlatIP per class |", "| faiss IndexFlatIP + IDSelectorNot |")) {
          assertEquals(1.0, recall(row(table, exact)), 1e-9, exact + " must be exact:\n" + table);
        }
      }
    } else {
      assertTrue(md.contains("| faiss | not installed |"), md);
    }
    if (importable("hnswlib")) {
      assertTrue(md.matches("(?s).*\\| hnswlib \\| M=16 [^|]*\\| [0-9.]+ \\|.*"), md);
      assertTrue(row(big, "| hnswlib per class | M=16 ef=").contains("(extrapolated)"), big);
    }
    if (importable("torch")) {
      assertTrue(row(md, "| mlp |").matches("\\| mlp \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ .*"), md);
    }
  }

  /**
   * Recomputes the recall of java.tsv's first row of {@code method} in plain Java from what
   * PeerBench exported (vectors, labels, anchors, the negatives it found, for the first anchors)
   * and checks the scorer's truth on the way.
   */
  private static void crossCheckRecall(Path work, String method, double printed) throws Exception {
    String file =
        Files.readAllLines(work.resolve("java.tsv")).stream()
            .filter(l -> l.startsWith(method + "\t"))
            .findFirst()
            .orElseThrow()
            .split("\t")[5];
    Npy emb = Npy.read(work.resolve("emb.npy"));
    long[] labels = Npy.read(work.resolve("labels.npy")).longs();
    long[] anchors = Npy.read(work.resolve("anchors.npy")).longs();
    long[] found = Npy.read(work.resolve(file)).longs();
    double[] scorerTruth = Npy.read(work.resolve("truth_sim.npy")).doubles();
    int n = labels.length;
    int d = (int) (emb.values.length / n);
    int hits = 0;
    for (int i = 0; i < found.length; i++) {
      int a = (int) anchors[i];
      double best = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < n; c++) {
        if (labels[c] != labels[a]) {
          best = Math.max(best, dot(emb.values, a, c, d));
        }
      }
      assertEquals(best, scorerTruth[i], 1e-5, "the scorer's truth for anchor row " + a);
      int f = (int) found[i];
      if (f >= 0 && labels[f] != labels[a] && dot(emb.values, a, f, d) >= best - 1e-5) {
        hits++;
      }
    }
    // one anchor of slack: a found negative tied with the truth to within float rounding
    assertEquals(
        hits / (double) found.length,
        printed,
        1.0 / found.length + 5e-5,
        method + " recall recomputed from " + file);
  }

  private static double dot(double[] v, int a, int b, int d) {
    double s = 0;
    for (int j = 0; j < d; j++) {
      s += v[a * d + j] * v[b * d + j];
    }
    return s;
  }

  /** The recall cell (fifth) of a mining table row. */
  private static double recall(String row) {
    return Double.parseDouble(row.split("\\|")[5].trim());
  }

  /** A {@code .npy} file (format 1.0, little-endian {@code f4}, {@code i4} or {@code i8}). */
  private record Npy(double[] values) {
    static Npy read(Path p) throws Exception {
      java.nio.ByteBuffer b =
          java.nio.ByteBuffer.wrap(Files.readAllBytes(p)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      int major = b.get(6);
      int headerLen = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
      int start = (major == 1 ? 10 : 12) + headerLen;
      String header =
          new String(b.array(), major == 1 ? 10 : 12, headerLen, StandardCharsets.US_ASCII);
      String descr = header.replaceAll("(?s).*'descr': *'([^']*)'.*", "$1");
      int width = Integer.parseInt(descr.substring(2));
      double[] v = new double[(b.capacity() - start) / width];
      for (int i = 0; i < v.length; i++) {
        int at = start + i * width;
        v[i] =
            switch (descr) {
              case "<f4" -> b.getFloat(at);
              case "<i4" -> b.getInt(at);
              case "<i8" -> b.getLong(at);
              default -> throw new IllegalArgumentException(p + ": dtype " + descr);
            };
      }
      return new Npy(v);
    }

    long[] longs() {
      long[] out = new long[values.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = (long) values[i];
      }
      return out;
    }

    double[] doubles() {
      return values;
    }
  }

  private static String row(String md, String prefix) {
    return md.lines()
        .filter(l -> l.startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row '" + prefix + "' in:\n" + md));
  }

  private static boolean importable(String module) throws Exception {
    Process p =
        new ProcessBuilder("/usr/bin/python3", "-c", "import " + module)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
  }
}
