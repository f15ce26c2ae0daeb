package io.hardneg.spark.bench;

import static org.apache.spark.sql.functions.col;

import io.hardneg.core.data.VectorMath;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.mining.MiningConfig;
import io.hardneg.core.mining.SemiHardFallback;
import io.hardneg.core.search.SearchReport;
import io.hardneg.core.util.Seeds;
import io.hardneg.spark.ModelFiles;
import io.hardneg.spark.SparkSessions;
import io.hardneg.spark.config.IvfSearchSettings;
import io.hardneg.spark.config.SearchSettings;
import io.hardneg.spark.io.IdxSource;
import io.hardneg.spark.io.Schemas;
import io.hardneg.spark.stage.EmbedStage;
import io.hardneg.spark.stage.MineStage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Benchmark of the MINE stage (positives + search + rules) in each search placement, on the same
 * embeddings in one run: wall time, distance computations against exact all-pairs, and the
 * nearest-negative recall of IVF against an exact search on a seeded sample of 2000 anchors. Prints
 * a Markdown table. Not a test: run it through {@code bench/mining.sh}.
 *
 * <pre>
 * SearchBench --master local[2] --settings broadcast,ivf:0:8,ivf:0:16,ivf:0:6:3
 *     (ivf:NLIST:NPROBE[:BASE_LISTS], NLIST 0 = about 4·√N)
 *     [--fmnist IMAGES LABELS [--model ZIP] [--pca 64]] [--synthetic N]... [--name WHERE]
 * </pre>
 *
 * <p>The synthetic rows' data cell reads "synthetic clustered", or "synthetic clustered, WHERE"
 * with {@code --name} ({@code bench/run.sh} names the standalone cluster its opt-in points ran on).
 * The synthetic items are generated inside the partitions, so no JVM holds the whole set.
 */
public final class SearchBench {
  /** Above this many items the exact placements are not run (N² pairs on 2 cores). */
  static final long EXACT_LIMIT = 200_000;

  private SearchBench() {}

  public static void main(String[] args) throws Exception {
    String master = "local[2]";
    List<String> settings = List.of("broadcast", "ivf:0:8", "ivf:0:16", "ivf:0:32");
    String images = null;
    String labels = null;
    String model = null;
    int pca = 0;
    List<Long> synthetic = new ArrayList<>();
    String syntheticName = "synthetic clustered";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--master" -> master = args[++i];
        case "--settings" -> settings = List.of(args[++i].split(","));
        case "--fmnist" -> {
          images = args[++i];
          labels = args[++i];
        }
        case "--model" -> model = args[++i];
        case "--pca" -> pca = Integer.parseInt(args[++i]);
        case "--synthetic" -> synthetic.add(Long.parseLong(args[++i]));
        case "--name" -> syntheticName = "synthetic clustered, " + args[++i];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (images != null && pca > 0) {
      allowUnregisteredClassesForPca();
    }
    SparkSession spark = SparkSessions.create(master, 8);
    System.out.println(
        "| data | N | dim | search | mine stage s | distance computations "
            + "| share of exact | nearest-negative recall | largest task bases / queries |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    if (images != null) {
      Dataset<Row> items = IdxSource.load(spark, images, labels, 8);
      if (model != null) {
        run(
            spark,
            "Fashion-MNIST, trained model",
            EmbedStage.embed(spark, items, ModelFiles.read(spark, model), 512),
            settings);
      }
      if (pca > 0) {
        run(spark, "Fashion-MNIST, PCA-" + pca, pca(spark, items, pca), settings);
      }
    }
    List<Point> points = new ArrayList<>();
    for (long n : synthetic) {
      int parts = (int) Math.max(8, n / 500_000);
      points.addAll(
          run(spark, syntheticName, synthetic(spark, n, 64, 1000, 4000, parts), settings, parts));
    }
    printScaling(points);
    spark.stop();
  }

  /** One timed placement on one data set, for the scaling fit. */
  record Point(String setting, long n, double seconds, long computations) {}

  /**
   * For each placement run on two or more synthetic sizes: the exponent b of time ~ N^b (least
   * squares on log-log over all sizes, and between the two largest sizes), and the same for the
   * distance computations. Not printed with fewer than two sizes.
   */
  static void printScaling(List<Point> points) {
    Map<String, List<Point>> by = new java.util.TreeMap<>();
    for (Point p : points) {
      by.computeIfAbsent(p.setting(), k -> new ArrayList<>()).add(p);
    }
    boolean header = false;
    for (Map.Entry<String, List<Point>> e : by.entrySet()) {
      List<Point> ps = e.getValue();
      ps.sort(java.util.Comparator.comparingLong(Point::n));
      if (ps.size() < 2) {
        continue;
      }
      if (!header) {
        System.out.println();
        System.out.println(
            "| search | sizes | time exponent (fit) | time exponent (two largest) "
                + "| computations exponent (fit) |");
        System.out.println("|---|---|---|---|---|");
        header = true;
      }
      double[] x = ps.stream().mapToDouble(p -> Math.log(p.n())).toArray();
      double[] t = ps.stream().mapToDouble(p -> Math.log(p.seconds())).toArray();
      double[] c = ps.stream().mapToDouble(p -> Math.log(Math.max(1, p.computations()))).toArray();
      Point a = ps.get(ps.size() - 2);
      Point b = ps.get(ps.size() - 1);
      double pair = Math.log(b.seconds() / a.seconds()) / Math.log((double) b.n() / a.n());
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %.2f | %.2f | %.2f |%n",
          e.getKey(),
          ps.stream()
              .map(p -> String.valueOf(p.n()))
              .collect(java.util.stream.Collectors.joining(", ")),
          slope(x, t),
          pair,
          slope(x, c));
    }
  }

  /** Least-squares slope of y on x. */
  static double slope(double[] x, double[] y) {
    double mx = java.util.Arrays.stream(x).average().orElse(0);
    double my = java.util.Arrays.stream(y).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxy / sxx;
  }

  static List<Point> run(SparkSession spark, String name, Dataset<Row> emb, List<String> settings) {
    return run(spark, name, emb, settings, 8);
  }

  static List<Point> run(
      SparkSession spark, String name, Dataset<Row> emb, List<String> settings, int parts) {
    List<Point> points = new ArrayList<>();
    Dataset<Row> e = emb.persist(StorageLevel.MEMORY_AND_DISK());
    long n = e.count();
    int dim = e.first().getSeq(2).length();
    MiningConfig mining = new MiningConfig(0.2, 1, 1, SemiHardFallback.NEAREST_BEYOND, 42);
    for (String s : settings) {
      SearchSettings ss = parse(s);
      if (!(ss instanceof IvfSearchSettings) && n > EXACT_LIMIT) {
        System.out.printf(
            Locale.ROOT,
            "| %s | %d | %d | %s | skipped: exact over %.2g pairs " + "| | | | |%n",
            name,
            n,
            dim,
            ss.label(),
            (double) n * n);
        continue;
      }
      long t0 = System.nanoTime();
      MineStage.Mined m = MineStage.mine(spark, e, mining, KnnOptions.of(1), ss, 0, "bench", parts);
      m.triplets().count();
      double secs = (System.nanoTime() - t0) / 1e9;
      SearchReport r = m.search();
      long comps = r.distanceComputations();
      System.out.println(row(name, n, dim, ss, secs, r));
      System.out.flush();
      points.add(new Point(s, n, secs, comps));
      m.release();
    }
    e.unpersist();
    return points;
  }

  /**
   * One Markdown row of this bench's table from a MINE stage's {@code search} report (also written
   * by {@link PeerBench} for its synthetic set, so that {@code bench/report.py} can put that run
   * into the scaling series).
   */
  static String row(String name, long n, int dim, SearchSettings ss, double secs, SearchReport r) {
    long comps = r.distanceComputations();
    boolean ivf = ss instanceof IvfSearchSettings;
    Object recall = ivf ? r.nearestNegativeRecall().recall() : "1 (exact)";
    String label =
        ivf
            ? "ivf nlist="
                + r.nlist()
                + " nprobe="
                + r.nprobe()
                + (r.baseLists() == null ? "" : " baseLists=" + r.baseLists())
            : ss.label();
    Object tasks = ivf ? r.largestTaskBases() + " / " + r.largestTaskQueries() : "";
    return String.format(
        Locale.ROOT,
        "| %s | %d | %d | %s | %.1f | %.3g | %.4f | %s | %s |",
        name,
        n,
        dim,
        label,
        secs,
        (double) comps,
        comps / ((double) n * n),
        recall instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : recall,
        tasks);
  }

  static SearchSettings parse(String s) {
    String[] p = s.split(":");
    int nlist = p.length > 1 ? Integer.parseInt(p[1]) : 0;
    int nprobe = p.length > 2 ? Integer.parseInt(p[2]) : 8;
    int baseLists = p.length > 3 ? Integer.parseInt(p[3]) : 1;
    return SearchSettings.of(p[0], nlist, nprobe, 50_000, 65_536, 10, 4, 2000, baseLists);
  }

  /**
   * Spark ML's PCA ships its own objects between tasks (SummarizerBuffer, its metric singletons,
   * breeze vectors) that the job never uses and so does not register; the job's default {@code
   * spark.kryo.registrationRequired=true} would reject them. The benchmarks that compute PCA
   * embeddings turn the requirement off for their own session (a system property, which {@code
   * SparkSessions}' {@code setIfMissing} respects).
   */
  static void allowUnregisteredClassesForPca() {
    System.setProperty("spark.kryo.registrationRequired", "false");
  }

  /** Normalised PCA projection of the raw pixels (Spark ML PCA). */
  static Dataset<Row> pca(SparkSession spark, Dataset<Row> items, int k) {
    Dataset<Row> v =
        items.withColumn("vec", org.apache.spark.ml.functions.array_to_vector(col("features")));
    PCAModel model = new PCA().setInputCol("vec").setOutputCol("pc").setK(k).fit(v);
    Dataset<Row> projected =
        model
            .transform(v)
            .select(
                col("id"),
                col("label"),
                org.apache.spark.ml.functions.vector_to_array(col("pc"), "float32").as("emb"));
    return spark.createDataFrame(
        projected
            .javaRDD()
            .map(
                r -> {
                  float[] x = new float[k];
                  Schemas.copyFloats(r, 2, x, 0);
                  VectorMath.normalizeInPlace(x, 0, k);
                  Float[] boxed = new Float[k];
                  for (int j = 0; j < k; j++) {
                    boxed[j] = x[j];
                  }
                  return RowFactory.create(r.getLong(0), r.getLong(1), boxed);
                }),
        Schemas.EMBEDDINGS);
  }

  /**
   * n unit vectors around {@code clusters} seeded centres (noise 0.35 per coordinate of a unit
   * centre scaled by 1/sqrt(dim)), label = cluster mod {@code labels}: every label spans several
   * clusters, so nearest negatives sit in neighbouring clusters. Generated inside the partitions.
   */
  static Dataset<Row> synthetic(
      SparkSession spark, long n, int dim, int labels, int clusters, int partitions) {
    return spark.createDataFrame(
        spark
            .range(0, n, 1, partitions)
            .javaRDD()
            .map(
                idObj -> {
                  long id = idObj;
                  int cluster = (int) Math.floorMod(Seeds.mix(id * 31 + 7), (long) clusters);
                  java.util.Random centre = new java.util.Random(Seeds.mix(cluster + 1_000_003L));
                  java.util.Random noise = new java.util.Random(Seeds.mix(id));
                  float[] x = new float[dim];
                  double scale = 1 / Math.sqrt(dim);
                  for (int j = 0; j < dim; j++) {
                    x[j] =
                        (float)
                            (centre.nextGaussian() * scale + 0.35 * scale * noise.nextGaussian());
                  }
                  VectorMath.normalizeInPlace(x, 0, dim);
                  Float[] boxed = new Float[dim];
                  for (int j = 0; j < dim; j++) {
                    boxed[j] = x[j];
                  }
                  return RowFactory.create(id, (long) (cluster % labels), boxed);
                }),
        Schemas.EMBEDDINGS);
  }
}
