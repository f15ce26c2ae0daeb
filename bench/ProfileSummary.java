import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Groups the CPU samples of a Java Flight Recording of one {@code hardneg train} run by stage and
 * by what the sampled stack was doing. Run with the JDK's source launcher (no build):
 *
 * <pre>java bench/ProfileSummary.java RECORDING.jfr CONSOLE.log</pre>
 *
 * <p>One file of about 300 lines because the source launcher runs a single file; a third of it is
 * the category table.
 *
 * <p>Stages come from the console log, whose lines start with epoch milliseconds (bench/profile.sh
 * sets that pattern): each {@code round R (..) STAGE ... in S s} line ends stage STAGE at the
 * line's time and started it S seconds before; samples outside every stage are "setup" (JVM and
 * Spark start, loading, the split, the baseline evaluations) or "shutdown".
 *
 * <p>Two sample kinds are counted apart. {@code jdk.ExecutionSample} samples every thread running
 * Java code (up to five per 10 ms period: enough for local[2]), so its counts are proportional to
 * CPU time in Java. {@code jdk.NativeMethodSample} takes one thread per period among those inside a
 * native call (ND4J's GEMM and element-wise ops, OpenBLAS, oneDNN, compression); its counts say
 * what the native time is spent under, not how much of it there is. Native samples of threads
 * waiting in the kernel (sockets, epoll, file reads) are dropped.
 */
public final class ProfileSummary {
  private static final Pattern DONE =
      Pattern.compile("^(\\d{13}) .*round (\\d+) \\(\\d+/\\d+\\) (\\w+)\\s+.* in ([0-9.]+) s ");

  /** One category: a name and the frame patterns (class or class.method prefixes) that mark it. */
  record Category(String name, String... prefixes) {
    boolean matches(String frame) {
      for (String p : prefixes) {
        if (frame.startsWith(p) || frame.contains(p)) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * In priority order: the first category any frame of the stack matches wins. Training's parts
   * come first (an ND4J GEMM under a layer's backprop is backward), then the data movement parts.
   */
  static final List<Category> CATEGORIES =
      List.of(
          new Category(
              "TRAIN averaging (collect, sum, broadcast, worker set-up)",
              "io.hardneg.spark.stage.OrderedAveragingMaster",
              "ParameterAveragingTrainingWorker.getInitialModel",
              "ParameterAveragingTrainingWorker.getFinalResult",
              "NetBroadcastTuple",
              "io.hardneg.spark.NetBroadcastTupleSerializer"),
          new Category(
              "TRAIN DataSet building (rows -> INDArray)",
              "io.hardneg.spark.stage.TrainStage$TripletBatches",
              "io.hardneg.spark.stage.PkStage$Batches"),
          new Category(
              "TRAIN updater (Adam, apply update)",
              "org.deeplearning4j.nn.updater.",
              "org.nd4j.linalg.learning."),
          new Category(
              "network backward (loss gradient, backprop)",
              ".backpropGradient",
              "calcBackpropGradients",
              ".computeGradient("),
          new Category(
              "network forward (activations, loss score)",
              "ffToLayerActivations",
              ".activate(",
              ".preOutput(",
              ".computeScore(",
              "MultiLayerNetwork.output",
              "MultiLayerNetwork.feedForward"),
          new Category(
              "Java selection (miner-core kernel)",
              "io.hardneg.core.knn.",
              "io.hardneg.core.search.",
              "io.hardneg.core.mining.",
              "io.hardneg.core.distance.",
              "io.hardneg.core.metrics."),
          new Category(
              "TRAIN reading the epoch's cached DataSets (Kryo)",
              "io.hardneg.spark.DataSetSerializer.read",
              "org.nd4j.kryo.Nd4jSerializer.read"),
          new Category(
              "serialisation (Kryo, Java, compression)",
              "com.esotericsoftware.kryo.",
              "org.apache.spark.serializer.",
              "java.io.ObjectInputStream",
              "java.io.ObjectOutputStream",
              "org.nd4j.kryo.",
              "io.hardneg.spark.DataSetSerializer",
              "org.nd4j.linalg.api.buffer.",
              "org.nd4j.serde.",
              "net.jpountz.",
              "org.xerial.snappy.",
              "com.github.luben.zstd.",
              "org.apache.spark.io."),
          new Category(
              "row conversion (UnsafeRow, codegen, Row <-> arrays)",
              "org.apache.spark.sql.catalyst.",
              "GeneratedClass",
              "org.apache.spark.sql.execution.columnar.",
              "io.hardneg.spark.io.Schemas",
              "org.apache.spark.sql.Row",
              "org.apache.spark.sql.types.",
              "scala.collection.mutable.WrappedArray",
              "org.apache.spark.sql.execution.aggregate."),
          new Category(
              "shuffle, sort, Parquet I/O",
              "org.apache.spark.shuffle.",
              "org.apache.spark.util.collection.",
              "org.apache.spark.sql.execution.UnsafeExternalRowSorter",
              "org.apache.spark.unsafe.",
              "org.apache.parquet.",
              "org.apache.spark.sql.execution.datasources."),
          new Category(
              "ND4J other (GEMM, element-wise outside training)",
              "org.nd4j.",
              "org.bytedeco.",
              "org.deeplearning4j."),
          new Category(
              "Spark scheduling (DAG, tasks, RPC, block manager)",
              "org.apache.spark.scheduler.",
              "org.apache.spark.rpc.",
              "org.apache.spark.storage.",
              "org.apache.spark.executor.",
              "org.apache.spark.SparkContext",
              "org.apache.spark.rdd.",
              "org.apache.spark.sql.execution.",
              "io.netty.",
              "org.apache.spark.network."),
          new Category("hardneg other", "io.hardneg."),
          new Category("JIT, class loading, other JDK", "java.", "jdk.", "sun.", "scala."));

  static final String OTHER = "other";

  /** Native frames of a thread waiting, not computing. */
  static final List<String> WAITING =
      List.of(
          "sun.nio.ch.",
          "java.net.",
          "java.io.FileInputStream.read",
          "java.io.FileOutputStream.write",
          "java.lang.ProcessHandleImpl",
          "java.lang.Thread.sleep",
          "jdk.internal.misc.Unsafe.park",
          "io.netty.channel.epoll.",
          "java.lang.Object.wait",
          "org.apache.spark.util.Utils");

  record Stage(String name, long startMs, long endMs, double seconds) {}

  public static void main(String[] args) throws IOException {
    Path jfr = Path.of(args[0]);
    List<Stage> stages = stages(Path.of(args[1]));
    Map<String, Map<String, long[]>> counts = new LinkedHashMap<>();
    counts.put("setup", new TreeMap<>());
    for (Stage s : stages) {
      counts.put(s.name, new TreeMap<>());
    }
    counts.put("shutdown", new TreeMap<>());
    Map<String, Double> gcMs = new LinkedHashMap<>();
    long first = Long.MAX_VALUE;
    long last = 0;
    long dropped = 0;
    try (RecordingFile f = new RecordingFile(jfr)) {
      while (f.hasMoreEvents()) {
        RecordedEvent e = f.readEvent();
        String type = e.getEventType().getName();
        long t = e.getStartTime().toEpochMilli();
        if (type.equals("jdk.GCPhasePause")) {
          gcMs.merge(stageOf(stages, t), e.getDuration().toNanos() / 1e6, Double::sum);
          continue;
        }
        boolean java = type.equals("jdk.ExecutionSample");
        if (!java && !type.equals("jdk.NativeMethodSample")) {
          continue;
        }
        first = Math.min(first, t);
        last = Math.max(last, t);
        RecordedStackTrace st = e.getStackTrace();
        List<String> frames = new ArrayList<>();
        if (st != null) {
          for (RecordedFrame fr : st.getFrames()) {
            if (fr.getMethod() != null) {
              frames.add(fr.getMethod().getType().getName() + "." + fr.getMethod().getName() + "(");
            }
          }
        }
        if (!java && (frames.isEmpty() || waiting(frames.get(0)))) {
          dropped++;
          continue;
        }
        String cat = classify(frames, threadName(e));
        counts.get(stageOf(stages, t)).computeIfAbsent(cat, k -> new long[2])[java ? 0 : 1]++;
      }
    }
    print(System.out, stages, counts, gcMs, dropped, first, last);
  }

  static String threadName(RecordedEvent e) {
    RecordedThread th = e.hasField("sampledThread") ? e.getThread("sampledThread") : null;
    return th == null || th.getJavaName() == null ? "" : th.getJavaName();
  }

  static boolean waiting(String top) {
    return WAITING.stream().anyMatch(top::startsWith);
  }

  static String classify(List<String> frames, String thread) {
    for (Category c : CATEGORIES) {
      for (String f : frames) {
        if (c.matches(f)) {
          if (c.name.startsWith("JIT") && thread.startsWith("dag-scheduler")) {
            return "Spark scheduling (DAG, tasks, RPC, block manager)";
          }
          return c.name;
        }
      }
    }
    return OTHER;
  }

  static String stageOf(List<Stage> stages, long t) {
    for (Stage s : stages) {
      if (t >= s.startMs && t <= s.endMs) {
        return s.name;
      }
    }
    return stages.isEmpty() || t < stages.get(0).startMs ? "setup" : "shutdown";
  }

  static List<Stage> stages(Path log) throws IOException {
    List<Stage> out = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      Matcher m = DONE.matcher(line);
      if (m.find()) {
        long end = Long.parseLong(m.group(1));
        double s = Double.parseDouble(m.group(4));
        out.add(
            new Stage(
                "round " + m.group(2) + " " + m.group(3), end - Math.round(s * 1000), end, s));
      }
    }
    return out;
  }

  static void print(
      PrintStream o,
      List<Stage> stages,
      Map<String, Map<String, long[]>> counts,
      Map<String, Double> gcMs,
      long dropped,
      long first,
      long last) {
    o.printf(
        Locale.ROOT,
        "Samples from %s to %s; %d native samples of waiting threads dropped.%n%n",
        Instant.ofEpochMilli(first),
        Instant.ofEpochMilli(last),
        dropped);
    for (Map.Entry<String, Map<String, long[]>> st : counts.entrySet()) {
      long java = 0;
      long nat = 0;
      for (long[] c : st.getValue().values()) {
        java += c[0];
        nat += c[1];
      }
      if (java + nat == 0) {
        continue;
      }
      String wall =
          stages.stream()
              .filter(s -> s.name.equals(st.getKey()))
              .findFirst()
              .map(s -> String.format(Locale.ROOT, "%.1f s wall", s.seconds))
              .orElse("outside the round's stages");
      o.printf(
          Locale.ROOT,
          "### %s (%s; %d Java samples = %.1f s of Java CPU, %d native samples, GC pauses %.1f"
              + " s)%n%n",
          st.getKey(),
          wall,
          java,
          java / 100.0,
          nat,
          gcMs.getOrDefault(st.getKey(), 0.0) / 1000);
      o.println("| what the stack was doing | Java CPU share | native samples share |");
      o.println("| --- | ---: | ---: |");
      final long j = java;
      final long n = nat;
      st.getValue().entrySet().stream()
          .sorted(
              (a, b) ->
                  Long.compare(
                      b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]))
          .forEach(
              c ->
                  o.printf(
                      Locale.ROOT,
                      "| %s | %.1f%% | %.1f%% |%n",
                      c.getKey(),
                      j == 0 ? 0 : 100.0 * c.getValue()[0] / j,
                      n == 0 ? 0 : 100.0 * c.getValue()[1] / n));
      o.println();
    }
  }
}
