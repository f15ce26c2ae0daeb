package io.hardneg.spark.bench;

import static org.apache.spark.sql.functions.col;

import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.mining.MiningConfig;
import io.hardneg.core.mining.SemiHardFallback;
import io.hardneg.core.search.SearchReport;
import io.hardneg.spark.SparkSessions;
import io.hardneg.spark.config.BroadcastSearch;
import io.hardneg.spark.config.IvfSearchSettings;
import io.hardneg.spark.config.SearchSettings;
import io.hardneg.spark.io.IdxSource;
import io.hardneg.spark.io.Schemas;
import io.hardneg.spark.stage.MineStage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.feature.BucketedRandomProjectionLSH;
import org.apache.spark.ml.feature.BucketedRandomProjectionLSHModel;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The Java side of {@code bench/run.sh} (docs/benchmarks.md): builds one embedding set
 * (Fashion-MNIST PCA or synthetic clustered), exports it for the Python peers (faiss, hnswlib) as
 * {@code .npy} files together with a seeded sample of anchors, then times hardneg's MINE stage in
 * the given search placements and Spark MLlib's {@link BucketedRandomProjectionLSH} on the same
 * vectors. Nothing here scores a method: each one's nearest negative per anchor goes to a {@code
 * found-*.npy} file and {@code bench/peers.py} scores every method, the peers included, against one
 * exact truth it computes itself (numpy brute force). Rows go to {@code OUT/java.tsv} (method,
 * settings, seconds, an empty recall cell, note, found file; {@code bench/run.sh} turns them into
 * Markdown); a synthetic set's hardneg rows also go to {@code OUT/scaling-rows.md} in {@link
 * SearchBench}'s format. {@code --lsh-queries 0} skips the LSH k-NN queries (a full scan each).
 * SynapseML's label-conditioned kNN ({@link ConditionalKnnPeer}) runs on the first {@code
 * --cknn-queries} anchors (0 skips it). {@code --warm-up} runs the first setting's MINE once,
 * untimed, before the timed rows: a job's MINE runs warm from its second round on, while the first
 * MINE of a fresh JVM also pays the JIT compilation of the kernel's Vector API code and Spark's
 * code generation; that cold time goes into the first row's note.
 *
 * <p>Long on purpose: one benchmark driver whose rows must be produced on the same vectors and
 * anchors; it is not part of the application jar.
 *
 * <pre>
 * PeerBench --master local[2] --out DIR (--fmnist IMAGES LABELS --pca 64 | --synthetic N)
 *     [--settings broadcast,ivf:0:16] [--anchors 2000] [--lsh-sample 10000] [--lsh-queries 20]
 *     [--cknn-queries 2000] [--warm-up]
 * </pre>
 */
public final class PeerBench {
  /**
   * LSH bucket width. Projections of unit 64-d vectors on a random unit direction have a standard
   * deviation of 1/8; a width of 1 puts nearly every item in two buckets (an all-pairs join), 0.1
   * gives ~10 buckets per table, where a pair at distance 0.5 still collides ~40% of the time.
   */
  static final double BUCKET = 0.1;

  private PeerBench() {}

  public static void main(String[] args) throws Exception {
    String master = "local[2]";
    List<String> settings = List.of("broadcast", "ivf:0:16", "ivf:0:32");
    String images = null;
    String labels = null;
    int pca = 64;
    long synthetic = 0;
    int anchors = 2000;
    int lshSample = 5_000;
    int lshQueries = 20;
    int cknnQueries = 2000;
    boolean warmUp = false;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--master" -> master = args[++i];
        case "--settings" -> settings = List.of(args[++i].split(","));
        case "--fmnist" -> {
          images = args[++i];
          labels = args[++i];
        }
        case "--pca" -> pca = Integer.parseInt(args[++i]);
        case "--synthetic" -> synthetic = Long.parseLong(args[++i]);
        case "--anchors" -> anchors = Integer.parseInt(args[++i]);
        case "--lsh-sample" -> lshSample = Integer.parseInt(args[++i]);
        case "--lsh-queries" -> lshQueries = Integer.parseInt(args[++i]);
        case "--cknn-queries" -> cknnQueries = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--warm-up" -> warmUp = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (out == null || (images == null) == (synthetic <= 0)) {
      throw new IllegalArgumentException(
          "need --out DIR and exactly one of --fmnist IMAGES LABELS " + "or --synthetic N");
    }
    Files.createDirectories(out);
    if ((images != null && pca > 0) || cknnQueries > 0) {
      // Spark ML's PCA and SynapseML's ball tree serialise classes hardneg's Kryo registrator
      // does not list; hardneg's own classes stay registered
      SearchBench.allowUnregisteredClassesForPca();
    }
    SparkSession spark = SparkSessions.create(master, 8);
    String name;
    Dataset<Row> emb;
    if (images != null) {
      name = "Fashion-MNIST 60k, PCA-" + pca;
      emb = SearchBench.pca(spark, IdxSource.load(spark, images, labels, 8), pca);
    } else {
      name = "synthetic clustered " + synthetic;
      emb = SearchBench.synthetic(spark, synthetic, 64, 1000, 4000, 8);
    }
    Dataset<Row> e = emb.persist(StorageLevel.MEMORY_AND_DISK());
    Embeddings x = Embeddings.collect(e);
    int[] sample = anchorSample(x, anchors, 42);
    x.write(out);
    Npy.writeInts(out.resolve("anchors.npy"), sample);
    try (PrintWriter tsv =
        new PrintWriter(Files.newBufferedWriter(out.resolve("java.tsv"), StandardCharsets.UTF_8))) {
      tsv.printf(Locale.ROOT, "#data\t%s\t%d\t%d%n", name, x.n, x.d);
      tsv.flush();
      // a synthetic set's hardneg rows also join the scaling series (bench/report.py)
      try (PrintWriter scaling =
          synthetic > 0
              ? new PrintWriter(
                  Files.newBufferedWriter(out.resolve("scaling-rows.md"), StandardCharsets.UTF_8))
              : null) {
        hardneg(spark, e, x, sample, out, settings, warmUp, tsv, scaling, "synthetic clustered");
      }
      lshJoin(spark, x, lshSample, out, tsv);
      if (lshQueries > 0) {
        lshKnn(spark, x, sample, lshQueries, out, tsv);
      }
      if (cknnQueries > 0) {
        ConditionalKnnPeer.run(spark, x, sample, cknnQueries, out, tsv);
      }
    }
    e.unpersist();
    spark.stop();
  }

  /**
   * hardneg's MINE stage (positives + search + rules + count), as SearchBench times it. The nearest
   * negative it found for each shared anchor (the closest negative among the anchor's triplets: the
   * hard rule takes the nearest negative the search returned) goes to {@code
   * OUT/found-hardneg-I.npy}; {@code bench/peers.py} scores it against the same truth as the peers,
   * so the row's recall cell is left empty here. With {@code warmUp} the first setting runs once
   * untimed first, and its (cold) time goes into the first row's note.
   */
  static void hardneg(
      SparkSession spark,
      Dataset<Row> e,
      Embeddings x,
      int[] anchors,
      Path out,
      List<String> settings,
      boolean warmUp,
      PrintWriter tsv,
      PrintWriter scaling,
      String scalingName)
      throws IOException {
    MiningConfig mining = new MiningConfig(0.2, 1, 1, SemiHardFallback.NEAREST_BEYOND, 42);
    int n = x.n;
    String cold = "";
    if (warmUp) {
      long t0 = System.nanoTime();
      MineStage.Mined m =
          MineStage.mine(
              spark,
              e,
              mining,
              KnnOptions.of(1),
              SearchBench.parse(settings.get(0)),
              0,
              "bench",
              8);
      m.triplets().count();
      m.release();
      cold =
          String.format(
              Locale.ROOT,
              "; timed after one untimed run of the same setting in this JVM, which took %.2f s "
                  + "(JIT compilation and Spark code generation)",
              (System.nanoTime() - t0) / 1e9);
    }
    for (int k = 0; k < settings.size(); k++) {
      SearchSettings ss = SearchBench.parse(settings.get(k));
      long t0 = System.nanoTime();
      MineStage.Mined m = MineStage.mine(spark, e, mining, KnnOptions.of(1), ss, 0, "bench", 8);
      m.triplets().count();
      double secs = (System.nanoTime() - t0) / 1e9;
      String file = "found-hardneg-" + k + ".npy";
      Npy.writeInts(out.resolve(file), nearestFound(m.triplets(), x, anchors));
      SearchReport r = m.search();
      boolean ivf = ss instanceof IvfSearchSettings;
      String own = "";
      SearchReport.NearestNegativeRecall nr = r.nearestNegativeRecall();
      if (ivf && nr != null && nr.recall() != null) {
        own =
            String.format(
                Locale.ROOT,
                "; the stage's own recall estimate %.4f on %s anchors",
                nr.recall(),
                nr.sample());
      }
      String label =
          ivf
              ? "nlist="
                  + r.nlist()
                  + " nprobe="
                  + r.nprobe()
                  + (r.baseLists() == null ? "" : " baseLists=" + r.baseLists())
              : "exact";
      double share = r.distanceComputations() / ((double) n * n);
      tsv.printf(
          Locale.ROOT,
          "hardneg %s\t%s\t%.2f\t\tmine stage, all %d anchors; %.4f of "
              + "exact's distance computations%s\t%s%n",
          ss.label(),
          label,
          secs,
          n,
          share,
          own + (k == 0 ? cold : ""),
          file);
      tsv.flush();
      if (scaling != null) {
        scaling.println(SearchBench.row(scalingName, n, x.d, ss, secs, r));
        scaling.flush();
      }
      m.release();
      if (ss instanceof BroadcastSearch && warmUp) {
        kernelAlone(spark, e, mining, out, secs);
      }
    }
  }

  /**
   * The exact broadcast stage's kernel alone on the same vectors, positives and k, two timed
   * repetitions after an untimed one, one call per task slot ({@link MineKernelBench}), into {@code
   * OUT/kernel-same.tsv}: the stage's seconds, the calls, k, then the kernel's seconds per
   * repetition.
   */
  static void kernelAlone(
      SparkSession spark, Dataset<Row> e, MiningConfig mining, Path out, double mineSecs)
      throws IOException {
    // as many concurrent calls as the stage had task slots
    int tasks = spark.sparkContext().defaultParallelism();
    double[] k;
    try {
      k = MineKernelBench.time(spark, e, mining, KnnOptions.of(1), 0, 8, tasks, 2);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while timing the kernel", ex);
    }
    int kk = MineKernelBench.k(mining);
    StringBuilder line =
        new StringBuilder(String.format(Locale.ROOT, "%.2f\t%d\t%d", mineSecs, tasks, kk));
    for (double s : k) {
      line.append(String.format(Locale.ROOT, "\t%.4f", s));
    }
    Files.writeString(out.resolve("kernel-same.tsv"), line + "\n", StandardCharsets.UTF_8);
  }

  /**
   * Per anchor of {@code anchors} (rows of {@code x}): the row of the closest negative among its
   * triplets, or -1 when it has none (no positive, or no negative found).
   */
  static int[] nearestFound(Dataset<Row> triplets, Embeddings x, int[] anchors) {
    Object[] ids = new Object[anchors.length];
    Map<Long, Integer> pos = new java.util.HashMap<>();
    for (int i = 0; i < anchors.length; i++) {
      ids[i] = x.ids[anchors[i]];
      pos.put(x.ids[anchors[i]], i);
    }
    int[] found = new int[anchors.length];
    java.util.Arrays.fill(found, -1);
    double[] best = new double[anchors.length];
    java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
    for (Row t :
        triplets
            .filter(col("anchor").isin(ids))
            .select("anchor", "negative", "d_an")
            .collectAsList()) {
      int i = pos.get(t.getLong(0));
      int row = java.util.Arrays.binarySearch(x.ids, t.getLong(1));
      if (row >= 0 && t.getFloat(2) < best[i]) {
        best[i] = t.getFloat(2);
        found[i] = row;
      }
    }
    return found;
  }

  /**
   * MLlib LSH self-join on a seeded subsample, then the label filter and the nearest joined
   * negative per anchor. The threshold is the 95th percentile of the true nearest-negative
   * distances within the subsample (a user would have to guess it; this is the favourable choice).
   * The negatives found go to {@code OUT/found-lsh-join.npy}, with the anchors and the subsample
   * beside it; {@code bench/peers.py} scores them against the exact nearest negative within the
   * subsample.
   */
  static void lshJoin(SparkSession spark, Embeddings x, int sampleSize, Path out, PrintWriter tsv)
      throws IOException {
    int s = Math.min(sampleSize, x.n);
    int[] sub = sample(x.n, s, 7);
    int[] local = java.util.Arrays.copyOf(sub, Math.min(2000, s));
    Truth t = Truth.exact(x, local, sub);
    double[] dist = new double[t.sims.length];
    for (int i = 0; i < dist.length; i++) {
      dist[i] = Math.sqrt(Math.max(0, 2 - 2 * t.sims[i]));
    }
    double[] sorted = dist.clone();
    java.util.Arrays.sort(sorted);
    double threshold = sorted[(int) Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))];
    Dataset<Row> df = vectors(spark, x, sub);
    BucketedRandomProjectionLSH lsh =
        new BucketedRandomProjectionLSH()
            .setBucketLength(BUCKET)
            .setNumHashTables(3)
            .setSeed(42)
            .setInputCol("vec")
            .setOutputCol("hashes");
    long t0 = System.nanoTime();
    BucketedRandomProjectionLSHModel model = lsh.fit(df);
    Dataset<Row> hashed = model.transform(df).persist(StorageLevel.MEMORY_AND_DISK());
    // min of (dist, row): the nearest joined negative and which item it is
    List<Row> nearest =
        model
            .approxSimilarityJoin(hashed, hashed, threshold, "dist")
            .filter(col("datasetA.label").notEqual(col("datasetB.label")))
            .groupBy(col("datasetA.row").as("row"))
            .agg(
                org.apache
                    .spark
                    .sql
                    .functions
                    .min(
                        org.apache.spark.sql.functions.struct(
                            col("dist"), col("datasetB.row").as("other")))
                    .as("d"))
            .collectAsList();
    double secs = (System.nanoTime() - t0) / 1e9;
    hashed.unpersist();
    Map<Integer, Integer> nearestRow = new java.util.HashMap<>();
    for (Row r : nearest) {
      nearestRow.put(r.getInt(0), r.getStruct(1).getInt(1));
    }
    int[] found = new int[local.length];
    for (int i = 0; i < local.length; i++) {
      found[i] = nearestRow.getOrDefault(local[i], -1);
    }
    Npy.writeInts(out.resolve("found-lsh-join.npy"), found);
    Npy.writeInts(out.resolve("anchors-lsh-join.npy"), local);
    Npy.writeInts(out.resolve("candidates-lsh-join.npy"), sub);
    tsv.printf(
        Locale.ROOT,
        "Spark MLlib BRP-LSH approxSimilarityJoin\tbucketLength="
            + BUCKET
            + " tables=3 threshold=%.3f (p95 of true)\t%.2f\t\t"
            + "self-join of a %d-row subsample; "
            + "truth within the subsample; %d anchors\tfound-lsh-join.npy%n",
        threshold,
        secs,
        s,
        local.length);
    tsv.flush();
  }

  /**
   * MLlib LSH k-NN ({@code approxNearestNeighbors}, k = 64, then the label filter), one query per
   * call as the API takes, for the first {@code queries} anchors on the full set; the time is
   * extrapolated to all N queries. The negatives found go to {@code OUT/found-lsh-knn.npy} (scored
   * by {@code bench/peers.py} on those first anchors).
   */
  static void lshKnn(
      SparkSession spark, Embeddings x, int[] anchors, int queries, Path out, PrintWriter tsv)
      throws IOException {
    int[] all = new int[x.n];
    for (int i = 0; i < x.n; i++) {
      all[i] = i;
    }
    Dataset<Row> df = vectors(spark, x, all);
    BucketedRandomProjectionLSH lsh =
        new BucketedRandomProjectionLSH()
            .setBucketLength(BUCKET)
            .setNumHashTables(3)
            .setSeed(42)
            .setInputCol("vec")
            .setOutputCol("hashes");
    long t0 = System.nanoTime();
    BucketedRandomProjectionLSHModel model = lsh.fit(df);
    Dataset<Row> hashed = model.transform(df).persist(StorageLevel.MEMORY_AND_DISK());
    hashed.count();
    double build = (System.nanoTime() - t0) / 1e9;
    int q = Math.min(queries, anchors.length);
    int[] found = new int[q];
    long t1 = System.nanoTime();
    for (int i = 0; i < q; i++) {
      int a = anchors[i];
      List<Row> nn =
          model
              .approxNearestNeighbors(hashed, Vectors.dense(x.row(a)), 64, "dist")
              .select("row", "label", "dist")
              .collectAsList();
      double best = Double.POSITIVE_INFINITY;
      found[i] = -1;
      for (Row r : nn) {
        if (r.getLong(1) != x.labels[a] && r.getDouble(2) < best) {
          best = r.getDouble(2);
          found[i] = r.getInt(0);
        }
      }
    }
    double perQuery = (System.nanoTime() - t1) / 1e9 / Math.max(1, q);
    hashed.unpersist();
    Npy.writeInts(out.resolve("found-lsh-knn.npy"), found);
    tsv.printf(
        Locale.ROOT,
        "Spark MLlib BRP-LSH approxNearestNeighbors\tk=64 bucketLength="
            + BUCKET
            + " tables=3\t%.2f\t\t"
            + "extrapolated: build %.1f s + %d queries x %.3f s "
            + "measured on %d queries (recall on those %d)\tfound-lsh-knn.npy%n",
        build + perQuery * x.n,
        build,
        x.n,
        perQuery,
        q,
        q);
    tsv.flush();
  }

  static Dataset<Row> vectors(SparkSession spark, Embeddings x, int[] rows) {
    List<Row> list = new ArrayList<>(rows.length);
    for (int r : rows) {
      list.add(RowFactory.create(r, x.labels[r], Vectors.dense(x.row(r))));
    }
    StructType schema =
        new StructType()
            .add("row", DataTypes.IntegerType)
            .add("label", DataTypes.LongType)
            .add("vec", new VectorUDT());
    return spark.createDataFrame(list, schema).repartition(8);
  }

  /**
   * The shared anchors every method is scored on: {@code k} seeded rows among the items that have a
   * positive (another item of their label), since the MINE stage mines no other anchor. On a set
   * where every label has two items or more this is {@code sample(n, k, seed)}.
   */
  static int[] anchorSample(Embeddings x, int k, long seed) {
    Map<Long, Integer> perLabel = new java.util.HashMap<>();
    for (long l : x.labels) {
      perLabel.merge(l, 1, Integer::sum);
    }
    int[] eligible =
        java.util.stream.IntStream.range(0, x.n)
            .filter(i -> perLabel.get(x.labels[i]) > 1)
            .toArray();
    int[] pick = sample(eligible.length, k, seed);
    for (int i = 0; i < pick.length; i++) {
      pick[i] = eligible[pick[i]];
    }
    return pick;
  }

  /** {@code k} distinct row indices of {@code [0, n)}, seeded (partial Fisher-Yates). */
  static int[] sample(int n, int k, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    Random r = new Random(seed);
    int m = Math.min(k, n);
    for (int i = 0; i < m; i++) {
      int j = i + r.nextInt(n - i);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return java.util.Arrays.copyOf(p, m);
  }

  /** The embeddings on the driver, row-major, ordered by id. */
  record Embeddings(int n, int d, float[] v, long[] ids, long[] labels) {
    static Embeddings collect(Dataset<Row> e) {
      List<Row> rows = e.orderBy("id").collectAsList();
      int n = rows.size();
      int d = rows.get(0).getSeq(2).length();
      float[] v = new float[n * d];
      long[] ids = new long[n];
      long[] labels = new long[n];
      for (int i = 0; i < n; i++) {
        Row r = rows.get(i);
        ids[i] = r.getLong(0);
        labels[i] = r.getLong(1);
        Schemas.copyFloats(r, 2, v, i * d);
      }
      return new Embeddings(n, d, v, ids, labels);
    }

    double[] row(int i) {
      double[] out = new double[d];
      for (int j = 0; j < d; j++) {
        out[j] = v[i * d + j];
      }
      return out;
    }

    void write(Path dir) throws IOException {
      Npy.writeFloats(dir.resolve("emb.npy"), v, new long[] {n, d});
      Npy.writeLongs(dir.resolve("labels.npy"), labels);
    }
  }

  /**
   * Exact nearest negative (largest inner product = smallest Euclidean distance on unit vectors,
   * different label) of each anchor among {@code candidates}; ties keep the lowest row.
   */
  record Truth(int[] ids, float[] sims) {
    static Truth exact(Embeddings x, int[] anchors, int[] candidates) {
      int[] ids = new int[anchors.length];
      float[] sims = new float[anchors.length];
      java.util.stream.IntStream.range(0, anchors.length)
          .parallel()
          .forEach(
              i -> {
                int a = anchors[i];
                int best = -1;
                float bestSim = Float.NEGATIVE_INFINITY;
                int d = x.d;
                for (int c : candidates) {
                  if (x.labels[c] == x.labels[a]) {
                    continue;
                  }
                  float s = 0;
                  for (int j = 0; j < d; j++) {
                    s += x.v[a * d + j] * x.v[c * d + j];
                  }
                  if (s > bestSim) {
                    bestSim = s;
                    best = c;
                  }
                }
                ids[i] = best;
                sims[i] = bestSim;
              });
      return new Truth(ids, sims);
    }
  }

  /** Minimal NumPy {@code .npy} (format 1.0, little-endian, C order) writer. */
  static final class Npy {
    private Npy() {}

    static void writeFloats(Path p, float[] v, long[] shape) throws IOException {
      ByteBuffer b = allocate("<f4", shape, 4L * v.length);
      b.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(v);
      Files.write(p, b.array());
    }

    static void writeLongs(Path p, long[] v) throws IOException {
      ByteBuffer b = allocate("<i8", new long[] {v.length}, 8L * v.length);
      b.slice().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().put(v);
      Files.write(p, b.array());
    }

    static void writeInts(Path p, int[] v) throws IOException {
      ByteBuffer b = allocate("<i4", new long[] {v.length}, 4L * v.length);
      b.slice().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(v);
      Files.write(p, b.array());
    }

    /** A buffer holding the header, positioned at the start of the data. */
    private static ByteBuffer allocate(String dtype, long[] shape, long bytes) {
      StringBuilder s =
          new StringBuilder("{'descr': '" + dtype + "', 'fortran_order': False, " + "'shape': (");
      for (long dim : shape) {
        s.append(dim).append(", ");
      }
      s.append("), }");
      // header + newline padded so the data starts at a multiple of 64 bytes
      int pad = (64 - (10 + s.length() + 1) % 64) % 64;
      s.append(" ".repeat(pad)).append('\n');
      byte[] dict = s.toString().getBytes(StandardCharsets.US_ASCII);
      ByteBuffer b =
          ByteBuffer.allocate(Math.toIntExact(10 + dict.length + bytes))
              .order(ByteOrder.LITTLE_ENDIAN);
      b.put((byte) 0x93)
          .put("NUMPY".getBytes(StandardCharsets.US_ASCII))
          .put((byte) 1)
          .put((byte) 0)
          .putShort((short) dict.length)
          .put(dict);
      return b;
    }
  }
}
