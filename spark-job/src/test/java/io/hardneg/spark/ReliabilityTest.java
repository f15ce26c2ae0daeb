package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.model.Architecture;
import io.hardneg.core.model.EmbeddingNetworks;
import io.hardneg.core.model.ModelSpec;
import io.hardneg.spark.run.Json;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/reliability.md through the CLI: every bad input, bad model, bad setting and unwritable
 * output ends with its own exit code and a one-line message naming the file, the row or key and the
 * rule, before any expensive stage; classes of one item are counted, not fatal.
 */
class ReliabilityTest {
  @TempDir Path tmp;

  /** Exit code and stderr of one CLI run on the shared session. */
  record Outcome(int code, String err) {}

  static Outcome cli(String... args) {
    SharedSpark.get(); // no --master: the CLI reuses (and does not stop) the shared session
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new Outcome(code, err.toString(StandardCharsets.UTF_8));
  }

  static void assertOutcome(Outcome o, int code, String... parts) {
    assertEquals(code, o.code(), o.err());
    for (String p : parts) {
      assertTrue(o.err().contains(p), "expected '" + p + "' in: " + o.err());
    }
    assertFalse(o.err().contains("\tat "), "no stack trace without --stacktrace: " + o.err());
  }

  private String[] idx(String cmd, Path images, Path labels, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(cmd, "--set", "input.images=" + images, "--set", "input.labels=" + labels));
    a.addAll(List.of(more));
    if (!a.contains("--out")) {
      a.addAll(List.of("--out", tmp.resolve("run-" + System.nanoTime()).toString()));
    }
    return a.toArray(new String[0]);
  }

  private Path csv(String name, String body) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, "id,label,f0,f1\n" + body);
    return p;
  }

  private String[] table(String cmd, Path path, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                cmd,
                "--set",
                "input.format=" + (path.toString().endsWith(".csv") ? "csv" : "parquet"),
                "--set",
                "input.path=" + path,
                "--set",
                "input.featuresColumn=" + (path.toString().endsWith(".csv") ? "all" : "features")));
    a.addAll(List.of(more));
    if (!a.contains("--out")) {
      a.addAll(List.of("--out", tmp.resolve("run-" + System.nanoTime()).toString()));
    }
    return a.toArray(new String[0]);
  }

  @Test
  void corruptAndTruncatedGzipIdxAreNamed() throws Exception {
    Path[] data = TinyData.write(tmp.resolve("in"), 20);
    Path garbage = tmp.resolve("garbage-idx3-ubyte.gz");
    byte[] junk = new byte[4000];
    new java.util.Random(1).nextBytes(junk);
    junk[0] = 0x1f; // a gzip magic followed by noise: the header itself is broken
    junk[1] = (byte) 0x8b;
    Files.write(garbage, junk);
    assertOutcome(
        cli(idx("train", garbage, data[1])),
        Main.BAD_INPUT,
        "garbage-idx3-ubyte.gz",
        "corrupt gzip/IDX");
    // a well-formed gzip of the images cut in half ends early
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream o = new GZIPOutputStream(gz)) {
      o.write(Files.readAllBytes(data[0]));
    }
    Path cut = tmp.resolve("cut-idx3-ubyte.gz");
    Files.write(cut, Arrays.copyOf(gz.toByteArray(), gz.size() / 2));
    assertOutcome(cli(idx("mine", cut, data[1])), Main.BAD_INPUT, "cut-idx3-ubyte.gz", "truncated");
  }

  @Test
  void aSingleClassIdxFailsBeforeAnyStage() throws Exception {
    Path[] data = TinyData.write(tmp.resolve("in"), 20);
    Path labels = tmp.resolve("one-class-idx1-ubyte");
    try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(labels))) {
      o.writeInt(0x801);
      o.writeInt(20);
      o.write(new byte[20]); // every label 0
    }
    Path out = tmp.resolve("run");
    assertOutcome(
        cli(idx("train", data[0], labels, "--out", out.toString())),
        Main.BAD_INPUT,
        "one-class-idx1-ubyte",
        "all 20 items have label 0",
        "at least two classes");
    assertFalse(Files.exists(out.resolve("run.json")), "nothing expensive ran");
  }

  @Test
  void badTablesGiveExitThreeNamingRowAndRule() throws Exception {
    assertOutcome(
        cli(table("mine", csv("nan.csv", "1,0,0.5,NaN\n2,1,1,1\n"))),
        Main.BAD_INPUT,
        "nan.csv",
        "NaN or infinite features, first: id 1");
    assertOutcome(
        cli(table("mine", csv("inf.csv", "1,0,0.5,1\n2,1,Infinity,1\n"))),
        Main.BAD_INPUT,
        "inf.csv",
        "NaN or infinite features, first: id 2");
    assertOutcome(
        cli(table("mine", csv("nolabel.csv", "1,,0.5,1\n2,1,1,1\n"))),
        Main.BAD_INPUT,
        "nolabel.csv",
        "missing or non-integral label, first: id 1");
    assertOutcome(
        cli(table("train", csv("text-label.csv", "1,cat,0.5,1\n2,dog,1,1\n"))),
        Main.BAD_INPUT,
        "text-label.csv",
        "label column 'label' has type string");
    assertOutcome(
        cli(table("mine", csv("dup.csv", "1,0,0.5,1\n1,1,1,1\n"))),
        Main.BAD_INPUT,
        "dup.csv",
        "id 1 appears 2 times");
    assertOutcome(
        cli(table("mine", csv("one.csv", "1,0,0.5,1\n2,0,1,1\n"))),
        Main.BAD_INPUT,
        "one.csv",
        "at least two classes");
    assertOutcome(cli(table("mine", csv("empty.csv", ""))), Main.BAD_INPUT, "empty.csv");
  }

  @Test
  void truncatedParquetAndWrongSchemaAreBadInput() throws Exception {
    var spark = SharedSpark.get();
    List<org.apache.spark.sql.Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rows.add(
          org.apache.spark.sql.RowFactory.create(
              (long) i, i % 3, new float[] {i, 1f / (i + 1)}, "f" + i));
    }
    var schema =
        new org.apache.spark.sql.types.StructType()
            .add("id", "long")
            .add("label", "int")
            .add("features", "array<float>")
            .add("text", "string");
    var frame = spark.createDataFrame(rows, schema).coalesce(1);
    Path good = tmp.resolve("good.parquet");
    frame.write().parquet(good.toString());
    Path part;
    try (var s = Files.list(good)) {
      part =
          s.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    // wrong schema: the configured features column holds strings
    assertOutcome(
        cli(table("mine", good, "--set", "input.featuresColumn=text")),
        Main.BAD_INPUT,
        "features column 'text' has type string");
    assertOutcome(
        cli(table("mine", good, "--set", "input.labelColumn=class")),
        Main.BAD_INPUT,
        "no label column 'class'");
    // truncated: the footer is gone
    Path cutDir = tmp.resolve("cut.parquet");
    Files.createDirectories(cutDir);
    byte[] all = Files.readAllBytes(part);
    Files.write(cutDir.resolve(part.getFileName()), Arrays.copyOf(all, all.length / 2));
    assertOutcome(cli(table("mine", cutDir)), Main.BAD_INPUT, "cut.parquet");
    // a directory that lists a good file and a truncated one: schema inference reads only
    // one footer, the truncated file fails inside the validation job
    Path mixed = tmp.resolve("mixed.parquet");
    Files.createDirectories(mixed);
    Files.copy(part, mixed.resolve("part-00000-a.parquet"));
    Files.write(mixed.resolve("part-00001-b.parquet"), Arrays.copyOf(all, all.length / 2));
    assertOutcome(cli(table("mine", mixed)), Main.BAD_INPUT, "mixed.parquet", "cannot read");
  }

  @Test
  void classesOfOneItemAreCountedInMiningJsonNotFatal() throws Exception {
    // classes 0 and 1 hold three items each, class 2 one item: its anchor has no positive
    Path p =
        csv(
            "small-classes.csv",
            "1,0,1,0\n2,0,0.9,0.1\n3,0,0.8,0.2\n4,1,0,1\n"
                + "5,1,0.1,0.9\n6,1,0.2,0.8\n7,2,0.5,0.5\n");
    Path out = tmp.resolve("mined");
    Outcome o = cli(table("mine", p, "--out", out.toString()));
    assertEquals(Main.OK, o.code(), o.err());
    Map<String, Object> m = Json.read(Files.readString(out.resolve("mining.json")));
    assertEquals(1, ((Number) m.get("anchors_without_positive")).intValue(), "" + m);
    assertEquals(6, ((Number) m.get("anchors")).intValue() - 1, "" + m);
  }

  private static byte[] modelZip(int inputDim) throws IOException {
    var net =
        EmbeddingNetworks.build(
            new ModelSpec(Architecture.MLP, inputDim, new int[] {4}, 3, 1e-3, 7));
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    ModelSerializer.writeModel(net, b, false);
    return b.toByteArray();
  }

  @Test
  void corruptForeignAndWrongSizeModelsAreBadInput() throws Exception {
    Path data = csv("two.csv", "1,0,0.5,1\n2,1,1,1\n3,0,0.4,1\n4,1,1,0.9\n");
    Path garbage = tmp.resolve("garbage.zip");
    Files.writeString(garbage, "not a zip at all");
    assertOutcome(
        cli(table("mine", data, "--model", garbage.toString())),
        Main.BAD_INPUT,
        "garbage.zip",
        "not a DL4J model zip");
    Path missing = tmp.resolve("missing.zip");
    assertOutcome(
        cli(table("mine", data, "--model", missing.toString())),
        Main.BAD_INPUT,
        "missing.zip",
        "does not exist");
    // a valid model for 5 features, the input has 2
    Path five = tmp.resolve("five.zip");
    Files.write(five, modelZip(5));
    assertOutcome(
        cli(table("mine", data, "--model", five.toString())),
        Main.BAD_INPUT,
        "five.zip",
        "built for 5 features per item, but the input has 2");
    assertOutcome(
        cli(table("evaluate", data, "--model", five.toString())),
        Main.BAD_INPUT,
        "built for 5 features per item");
    // a model carrying a preprocessor.bin, which DL4J would read with ObjectInputStream
    Path evil = tmp.resolve("evil.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(evil));
        ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(modelZip(2)))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        z.putNextEntry(new ZipEntry(e.getName()));
        z.write(in.readAllBytes());
      }
      z.putNextEntry(new ZipEntry(ModelSerializer.PREPROCESSOR_BIN));
      new java.io.ObjectOutputStream(z).writeObject("any serialised object");
    }
    assertOutcome(
        cli(table("mine", data, "--model", evil.toString())),
        Main.BAD_INPUT,
        "evil.zip",
        "'preprocessor.bin' is not accepted");
    // the same model without the extra entry is fine: the check is not over-eager
    Path ok = tmp.resolve("ok.zip");
    Files.write(ok, modelZip(2));
    Outcome fine = cli(table("mine", data, "--model", ok.toString()));
    assertEquals(Main.OK, fine.code(), fine.err());
  }

  @Test
  void resumingARunWhoseModelIsCorruptOrForeignIsBadInput() throws Exception {
    Path[] data = TinyData.write(tmp.resolve("in"), 30);
    for (String kind : new String[] {"corrupt", "foreign"}) {
      Path run = tmp.resolve("run-" + kind);
      Path round = run.resolve("round-000");
      Files.createDirectories(round);
      Files.write(
          round.resolve("model.zip"),
          kind.equals("corrupt") ? Arrays.copyOf(modelZip(784), 200) : modelZip(10));
      Files.write(round.resolve("_SUCCESS"), new byte[0]);
      Outcome o = cli(idx("train", data[0], data[1], "--set", "rounds=2", "--out", run.toString()));
      assertOutcome(
          o,
          Main.BAD_INPUT,
          "round-000/model.zip",
          kind.equals("corrupt")
              ? "not a DL4J model zip"
              : "built for 10 features per item, but the input has 784");
      assertFalse(Files.exists(run.resolve("round-001")), "no round after a bad model");
    }
  }

  @Test
  void outOfRangeSettingsAreUsageErrorsNamingTheKey() {
    assertOutcome(
        cli(
            "mine",
            "--set",
            "mining.search=ivf",
            "--set",
            "mining.ivf.nlist=4",
            "--set",
            "mining.ivf.nprobe=16"),
        Main.USAGE,
        "nprobe 16 > nlist 4");
    assertOutcome(
        cli("mine", "--set", "mining.margin=-0.1"),
        Main.USAGE,
        "'mining.margin'",
        "must be a number in [0.0");
    assertOutcome(
        cli("mine", "--set", "mining.semiHardPerAnchor=0"),
        Main.USAGE,
        "mining would produce nothing");
    assertOutcome(
        cli("mine", "--set", "mining.hardPerAnchor=-1"),
        Main.USAGE,
        "'mining.hardPerAnchor' = '-1'");
    assertOutcome(
        cli("train", "--set", "train.batchTriplets=0"), Main.USAGE, "'train.batchTriplets' = '0'");
    assertOutcome(cli("train", "--set", "mining.listCap=0"), Main.USAGE, "'mining.listCap'");
    assertOutcome(
        cli("train", "--set", "model.embeddingDim=1"), Main.USAGE, "'model.embeddingDim'");
    assertOutcome(cli("train", "--set", "spark.partitions=abc"), Main.USAGE, "not an integer");
    assertOutcome(
        cli("train", "--set", "mining.nprobe=3"),
        Main.USAGE,
        "unknown configuration key 'mining.nprobe'");
  }

  @Test
  void fullDiskCausesAreRecognisedAnywhereInTheChain() {
    // what a JVM and HDFS say; a Parquet write in an executor arrives wrapped by Spark
    Exception local =
        new RuntimeException(
            "Job aborted",
            new java.io.IOException(
                "write failed", new java.io.IOException("No space left on device")));
    assertEquals("No space left on device", Main.diskFull(local));
    Exception hdfs =
        new RuntimeException(
            "Task failed: org.apache.hadoop.hdfs.protocol."
                + "DSQuotaExceededException: The DiskSpace quota of /runs is exceeded");
    assertTrue(Main.diskFull(hdfs).contains("quota of /runs"), Main.diskFull(hdfs));
    assertEquals(null, Main.diskFull(new IllegalStateException("something else")));
  }

  @Test
  void anOutputUnderARegularFileIsExitFourBeforeAnyWork() throws Exception {
    Path file = tmp.resolve("a-file");
    Files.writeString(file, "x");
    Path[] data = TinyData.write(tmp.resolve("in"), 20);
    String out = file.resolve("run").toString();
    for (String cmd : new String[] {"train", "mine"}) {
      assertOutcome(
          cli(idx(cmd, data[0], data[1], "--out", out)),
          Main.OUTPUT,
          out,
          "cannot be created or written");
    }
    assertEquals("x", Files.readString(file));
  }
}
