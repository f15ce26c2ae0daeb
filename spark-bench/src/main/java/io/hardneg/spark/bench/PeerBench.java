package io.hardneg.spark.bench;

import static org.apache.spark.sql.functions.col;

import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.mining.MiningConfig;
import io.hardneg.core.mining.SemiHardFallback;
import io.hardneg.core.search.SearchReport;
import io.hardneg.spark.SparkSessions;
import io.hardneg.spark.io.IdxSource;
import io.hardneg.spark.io.Schemas;
import io.hardneg.spark.stage.MineStage;
import io.hardneg.spark.config.IvfSearchSettings;
import io.hardneg.spark.config.SearchSettings;
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
 * The Java side of {@code bench/run.sh} (docs/benchmarks.md): builds one embedding set (Fashion-MNIST PCA or
 * synthetic clustered), exports it for the Python peers (faiss, hnswlib) as {@code .npy} files
 * together with the exact nearest negative of a seeded sample of anchors (the truth every
 * method is scored against), then times hardneg's MINE stage in the given search placements and
 * Spark MLlib's {@link BucketedRandomProjectionLSH} on the same vectors. Results go to
 * {@code OUT/java.tsv} (one row per method; {@code bench/run.sh} turns them into Markdown); a
 * synthetic set's hardneg rows also go to {@code OUT/scaling-rows.md} in {@link SearchBench}'s
 * format. {@code --lsh-queries 0} skips the LSH k-NN queries (a full scan each).
 *
 * <pre>
 * PeerBench --master local[2] --out DIR (--fmnist IMAGES LABELS --pca 64 | --synthetic N)
 *     [--settings broadcast,ivf:0:16] [--anchors 2000] [--lsh-sample 10000] [--lsh-queries 20]
 * </pre>
 */
public final class PeerBench {
  /**
   * LSH bucket width. Projections of unit 64-d vectors on a random unit direction have a standard
   * deviation of 1/8; a width of 1 puts nearly every item in two buckets (an all-pairs join),
   * 0.1 gives ~10 buckets per table, where a pair at distance 0.5 still collides ~40% of the time.
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
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (out == null || (images == null) == (synthetic <= 0)) {
      throw new IllegalArgumentException("need --out DIR and exactly one of --fmnist IMAGES LABELS "
          + "or --synthetic N");
    }
    Files.createDirectories(out);
    if (images != null && pca > 0) {
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
    int[] sample = sample(x.n, anchors, 42);
    int[] all = new int[x.n];
    for (int i = 0; i < x.n; i++) {
      all[i] = i;
    }
    long t0 = System.nanoTime();
    Truth truth = Truth.exact(x, sample, all);
    double truthSecs = (System.nanoTime() - t0) / 1e9;
    x.write(out);
    Npy.writeInts(out.resolve("anchors.npy"), sample);
    Npy.writeInts(out.resolve("truth.npy"), truth.ids);
    Npy.writeFloats(out.resolve("truth_sim.npy"), truth.sims, new long[] {truth.sims.length});
    try (PrintWriter tsv = new PrintWriter(Files.newBufferedWriter(out.resolve("java.tsv"),
        StandardCharsets.UTF_8))) {
      tsv.printf(Locale.ROOT, "#data\t%s\t%d\t%d%n", name, x.n, x.d);
      tsv.printf(Locale.ROOT, "truth\tplain Java brute force, %d anchors x %d\t%.2f\t1\t%n",
          sample.length, x.n, truthSecs);
      tsv.flush();
      // a synthetic set's hardneg rows also join the scaling series (bench/report.py)
      try (PrintWriter scaling = synthetic > 0 ? new PrintWriter(Files.newBufferedWriter(
          out.resolve("scaling-rows.md"), StandardCharsets.UTF_8)) : null) {
        hardneg(spark, e, x.n, x.d, settings, tsv, scaling, "synthetic clustered");
      }
      lshJoin(spark, x, lshSample, tsv);
      if (lshQueries > 0) {
        lshKnn(spark, x, sample, truth, lshQueries, tsv);
      }
    }
    e.unpersist();
    spark.stop();
  }

  /** hardneg's MINE stage (positives + search + rules + count), as SearchBench times it. */
  static void hardneg(SparkSession spark, Dataset<Row> e, int n, int dim, List<String> settings,
      PrintWriter tsv, PrintWriter scaling, String scalingName) {
    MiningConfig mining = new MiningConfig(0.2, 1, 1, SemiHardFallback.NEAREST_BEYOND, 42);
    for (String s : settings) {
      SearchSettings ss = SearchBench.parse(s);
      long t0 = System.nanoTime();
      MineStage.Mined m = MineStage.mine(spark, e, mining, KnnOptions.of(1), ss, 0, "bench", 8);
      m.triplets().count();
      double secs = (System.nanoTime() - t0) / 1e9;
      SearchReport r = m.search();
      boolean ivf = ss instanceof IvfSearchSettings;
      Object recall = ivf ? r.nearestNegativeRecall().recall() : 1.0;
      String label = ivf ? "nlist=" + r.nlist() + " nprobe=" + r.nprobe() : "exact";
      double share = r.distanceComputations() / ((double) n * n);
      tsv.printf(Locale.ROOT,
          "hardneg %s\t%s\t%.2f\t%.4f\tmine stage, all %d anchors%s; %.4f of exact's distance "
              + "computations%n",
          ss.label(), label, secs, ((Number) recall).doubleValue(), n,
          ivf ? "; recall on hardneg's own 2000 seeded anchors" : "", share);
      tsv.flush();
      if (scaling != null) {
        scaling.println(SearchBench.row(scalingName, n, dim, ss, secs, r));
        scaling.flush();
      }
      m.release();
    }
  }

  /**
   * MLlib LSH self-join on a seeded subsample, then the label filter and the nearest joined
   * negative per anchor; recall against the exact nearest negative within the subsample. The
   * threshold is the 95th percentile of the true nearest-negative distances (a user would have to
   * guess it; this is the favourable choice).
   */
  static void lshJoin(SparkSession spark, Embeddings x, int sampleSize, PrintWriter tsv) {
    int s = Math.min(sampleSize, x.n);
    int[] sub = sample(x.n, s, 7);
    int[] local = new int[Math.min(2000, s)];
    for (int i = 0; i < local.length; i++) {
      local[i] = sub[i];
    }
    Truth t = Truth.exact(x, local, sub);
    double[] dist = new double[t.sims.length];
    for (int i = 0; i < dist.length; i++) {
      dist[i] = Math.sqrt(Math.max(0, 2 - 2 * t.sims[i]));
    }
    double[] sorted = dist.clone();
    java.util.Arrays.sort(sorted);
    double threshold = sorted[(int) Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))];
    Dataset<Row> df = vectors(spark, x, sub);
    BucketedRandomProjectionLSH lsh = new BucketedRandomProjectionLSH().setBucketLength(BUCKET)
        .setNumHashTables(3).setSeed(42).setInputCol("vec").setOutputCol("hashes");
    long t0 = System.nanoTime();
    BucketedRandomProjectionLSHModel model = lsh.fit(df);
    Dataset<Row> hashed = model.transform(df).persist(StorageLevel.MEMORY_AND_DISK());
    List<Row> nearest = model.approxSimilarityJoin(hashed, hashed, threshold, "dist")
        .filter(col("datasetA.label").notEqual(col("datasetB.label")))
        .groupBy(col("datasetA.row").as("row"))
        .agg(org.apache.spark.sql.functions.min("dist").as("d"))
        .collectAsList();
    double secs = (System.nanoTime() - t0) / 1e9;
    hashed.unpersist();
    Map<Integer, Double> found = new java.util.HashMap<>();
    for (Row r : nearest) {
      found.put(r.getInt(0), r.getDouble(1));
    }
    int hits = 0;
    for (int i = 0; i < local.length; i++) {
      Double d = found.get(local[i]);
      if (d != null && d <= dist[i] + 1e-5) {
        hits++;
      }
    }
    tsv.printf(Locale.ROOT, "Spark MLlib BRP-LSH approxSimilarityJoin\tbucketLength=" + BUCKET
        + " tables=3 threshold=%.3f (p95 of true)\t%.2f\t%.4f\t"
        + "self-join of a %d-row subsample; "
        + "truth within the subsample; %d anchors%n", threshold, secs,
        hits / (double) local.length, s, local.length);
    tsv.flush();
  }

  /**
   * MLlib LSH k-NN ({@code approxNearestNeighbors}, k = 64, then the label filter), one query per
   * call as the API takes, for the first {@code queries} anchors on the full set; the time is
   * extrapolated to all N queries.
   */
  static void lshKnn(SparkSession spark, Embeddings x, int[] anchors, Truth truth, int queries,
      PrintWriter tsv) {
    int[] all = new int[x.n];
    for (int i = 0; i < x.n; i++) {
      all[i] = i;
    }
    Dataset<Row> df = vectors(spark, x, all);
    BucketedRandomProjectionLSH lsh = new BucketedRandomProjectionLSH().setBucketLength(BUCKET)
        .setNumHashTables(3).setSeed(42).setInputCol("vec").setOutputCol("hashes");
    long t0 = System.nanoTime();
    BucketedRandomProjectionLSHModel model = lsh.fit(df);
    Dataset<Row> hashed = model.transform(df).persist(StorageLevel.MEMORY_AND_DISK());
    hashed.count();
    double build = (System.nanoTime() - t0) / 1e9;
    int q = Math.min(queries, anchors.length);
    int hits = 0;
    long t1 = System.nanoTime();
    for (int i = 0; i < q; i++) {
      int a = anchors[i];
      List<Row> nn = model.approxNearestNeighbors(hashed, Vectors.dense(x.row(a)), 64, "dist")
          .select("row", "label", "dist").collectAsList();
      double best = Double.POSITIVE_INFINITY;
      for (Row r : nn) {
        if (r.getLong(1) != x.labels[a]) {
          best = Math.min(best, r.getDouble(2));
        }
      }
      double trueDist = Math.sqrt(Math.max(0, 2 - 2 * truth.sims[i]));
      if (best <= trueDist + 1e-5) {
        hits++;
      }
    }
    double perQuery = (System.nanoTime() - t1) / 1e9 / Math.max(1, q);
    hashed.unpersist();
    tsv.printf(Locale.ROOT, "Spark MLlib BRP-LSH approxNearestNeighbors\tk=64 bucketLength="
        + BUCKET + " tables=3\t%.2f\t%.4f\t"
        + "extrapolated: build %.1f s + %d queries x %.3f s "
        + "measured on %d queries (recall on those %d)%n", build + perQuery * x.n,
        hits / (double) q, build, x.n, perQuery, q, q);
    tsv.flush();
  }

  static Dataset<Row> vectors(SparkSession spark, Embeddings x, int[] rows) {
    List<Row> list = new ArrayList<>(rows.length);
    for (int r : rows) {
      list.add(RowFactory.create(r, x.labels[r], Vectors.dense(x.row(r))));
    }
    StructType schema = new StructType().add("row", DataTypes.IntegerType)
        .add("label", DataTypes.LongType).add("vec", new VectorUDT());
    return spark.createDataFrame(list, schema).repartition(8);
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
      java.util.stream.IntStream.range(0, anchors.length).parallel().forEach(i -> {
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
      StringBuilder s = new StringBuilder("{'descr': '" + dtype + "', 'fortran_order': False, "
          + "'shape': (");
      for (long dim : shape) {
        s.append(dim).append(", ");
      }
      s.append("), }");
      // header + newline padded so the data starts at a multiple of 64 bytes
      int pad = (64 - (10 + s.length() + 1) % 64) % 64;
      s.append(" ".repeat(pad)).append('\n');
      byte[] dict = s.toString().getBytes(StandardCharsets.US_ASCII);
      ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(10 + dict.length + bytes))
          .order(ByteOrder.LITTLE_ENDIAN);
      b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1)
          .put((byte) 0).putShort((short) dict.length).put(dict);
      return b;
    }
  }
}
