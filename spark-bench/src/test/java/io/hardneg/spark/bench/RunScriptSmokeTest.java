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
 * Runs {@code bench/run.sh} with {@code BENCH_SMOKE=1} (synthetic 2,000 items, one training
 * step, a 1,000-item kernel) on this module's test classpath and checks the report it writes:
 * every table present, hardneg's exact search at recall 1, and — when the Debian peers are
 * installed, as {@code .ci/run} makes sure — faiss's exact index agreeing with the exact truth
 * PeerBench exported (recall 1 at k = 64: same vectors, same anchors, same labels, read back
 * through the .npy files), hnswlib and PyTorch rows with numbers.
 */
class RunScriptSmokeTest {
  @Test
  void smokeRunWritesAllTables() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    Path out = Path.of("target", "RESULTS-smoke.md").toAbsolutePath();
    Files.deleteIfExists(out);
    String cp = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("bench/run.sh").toString())
        .directory(root.toFile()).redirectErrorStream(true)
        .redirectOutput(Path.of("target", "run-smoke.log").toFile());
    pb.environment().put("BENCH_SMOKE", "1");
    pb.environment().put("BENCH_CP", cp);
    pb.environment().put("BENCH_OUT", out.toString());
    pb.environment().put("BENCH_WORK",
        Path.of("target", "peers-smoke").toAbsolutePath().toString());
    Process p = pb.start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "bench/run.sh did not finish in 5 minutes");
    assertEquals(0, p.exitValue(), "bench/run.sh failed: "
        + Files.readString(Path.of("target", "run-smoke.log")));
    String md = Files.readString(out, StandardCharsets.UTF_8);
    for (String s : List.of("**Machine**", "## 1. Mining", "## 2. Training throughput",
        "## 3. Scaling", "## 4. Kernel", "| hardneg broadcast | exact |", "| hardneg ivf |",
        "| Spark MLlib BRP-LSH approxSimilarityJoin |",
        "| Spark MLlib BRP-LSH approxNearestNeighbors |", "| mlp |", "| cnn |", "| 1000 | 0 |",
        "**Inside the job**", "| synthetic clustered | 1000 | 64 | ivf nlist=",
        "| synthetic clustered | 3000 | 64 | ivf nlist=",
        // the large-set mining comparison, and its hardneg run as the scaling series' last point
        "### Mining at 4000 synthetic vectors", "| synthetic clustered | 4000 | 64 | ivf nlist=",
        "| ivf nprobe=4 | 1000, 3000, 4000 |")) {
      assertTrue(md.contains(s), "RESULTS-smoke.md lacks '" + s + "':\n" + md);
    }
    assertTrue(row(md, "| hardneg broadcast |").contains("| 1.000 | 1.0000 |"), md);
    // the in-job training bench fitted rows at a positive rate for both networks
    assertTrue(md.lines().filter(l -> l.matches("\\| (mlp|cnn) \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ "
        + "\\| 256 \\| 1 \\|.*")).count() == 2, md);
    String big = md.substring(md.indexOf("### Mining at 4000"), md.indexOf("## 2. Training"));
    assertTrue(row(big, "| hardneg ivf | nlist=").matches("\\| hardneg ivf \\| nlist=[0-9]+ "
        + "nprobe=4 \\| [0-9.]+ \\| 1.000 \\| [0-9.]+ \\|.*"), big);
    if (importable("faiss")) {
      // searched 1,000 of the 4,000 items and said so
      assertTrue(row(big, "| faiss IndexFlatIP | k=64 |").contains("(extrapolated)"), big);
      assertTrue(row(md, "| faiss IndexFlatIP | k=64 |").contains("| 1.0000 |"),
          "faiss's exact index must find every exact nearest negative at k=64:\n" + md);
      assertTrue(md.contains("| faiss IndexIVFFlat |") && md.contains("| faiss IndexHNSWFlat |"));
    } else {
      assertTrue(md.contains("| faiss | not installed |"), md);
    }
    if (importable("hnswlib")) {
      assertTrue(md.matches("(?s).*\\| hnswlib \\| M=16 [^|]*\\| [0-9.]+ \\|.*"), md);
    }
    if (importable("torch")) {
      assertTrue(row(md, "| mlp |").matches("\\| mlp \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ .*"),
          md);
    }
  }

  private static String row(String md, String prefix) {
    return md.lines().filter(l -> l.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no row '" + prefix + "' in:\n" + md));
  }

  private static boolean importable(String module) throws Exception {
    Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import " + module)
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
  }
}
