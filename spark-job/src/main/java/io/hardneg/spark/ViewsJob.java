package io.hardneg.spark;

import io.hardneg.core.data.IdxReader;
import io.hardneg.core.data.NearDuplicateViews;
import io.hardneg.core.data.NearDuplicateViews.Strength;
import io.hardneg.spark.config.ConfigException;
import io.hardneg.spark.io.IdxSource;
import io.hardneg.spark.io.InputException;
import io.hardneg.spark.run.AtomicOutput;
import io.hardneg.spark.run.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * {@code hardneg views}: builds a many-class near-duplicate retrieval task from an IDX images /
 * labels pair (docs/benchmarks.md, many-class task). Each of the first N source images is a class;
 * its items are V views of it ({@link NearDuplicateViews}, default strength). Item {@code v} of
 * source {@code s} has {@code label = offset + s} and {@code id = label · V + v}, so the training
 * split (offset 0) and the test split (offset = the training sources) share one id and label space
 * without overlapping.
 *
 * <p>Long on purpose: one command's options, its seeded row generator and its atomic write; the id
 * and label layout above is defined here once.
 *
 * <p>Writes into DIR, published in one rename ({@link AtomicOutput}): {@code items/} (Parquet:
 * {@code id, label, source, category, features: array<float>}; {@code category} is the image's
 * label in the IDX file), {@code pairs/} (Parquet: {@code anchor_id, positive_id}, every ordered
 * pair of two views of one source: V·(V−1) per source) and {@code views.json} (the parameters and
 * counts); with {@code --csv} also {@code items-csv/} ({@code id, label, p0 … p<d−1>}, the layout
 * of {@code input.featuresColumn = all}) and {@code pairs-csv/}.
 *
 * <p>Each task re-reads the images file and makes the views of its range of sources; a view is a
 * function of (seed, source, view) alone, so the rows do not depend on the partitioning.
 */
public final class ViewsJob {
  /** The items table of the task. */
  public static final StructType ITEMS =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("id", DataTypes.LongType, false),
            DataTypes.createStructField("label", DataTypes.LongType, false),
            DataTypes.createStructField("source", DataTypes.LongType, false),
            DataTypes.createStructField("category", DataTypes.LongType, false),
            DataTypes.createStructField(
                "features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
          });

  /** The known pairs of pair mode. */
  public static final StructType PAIRS =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("anchor_id", DataTypes.LongType, false),
            DataTypes.createStructField("positive_id", DataTypes.LongType, false)
          });

  static final String USAGE =
      """
      usage: hardneg views --images FILE --labels FILE --out DIR [--views V] [--sources N]
                           [--seed S] [--offset K] [--partitions P] [--csv] [--master URL]
        views      a many-class near-duplicate task from an IDX images/labels pair: each of the
                   first N images is a class of V seeded augmented views (docs/benchmarks.md)
        --views    views per source, 2-1000 (default 4)
        --sources  the first N images of the file (default all)
        --seed     root of every random choice (default 42)
        --offset   added to the source index to make the label (default 0); give the test split
                   the training split's source count, so ids and labels never overlap
        --partitions  Spark tasks (default 8)
        --csv      also write items-csv/ and pairs-csv/
      """;

  /** The command's options, validated before a SparkSession is built. */
  public record Options(
      String images,
      String labels,
      String out,
      int views,
      int sources,
      long seed,
      long offset,
      int partitions,
      boolean csv,
      String master) {

    /** Parses {@code hardneg views ...}; a bad option is a {@link ConfigException} (exit 2). */
    public static Options parse(String... args) {
      String images = null;
      String labels = null;
      String out = null;
      String master = null;
      int views = 4;
      int sources = 0;
      long seed = 42;
      long offset = 0;
      int partitions = 8;
      boolean csv = false;
      for (int i = 1; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--images" -> images = value(args, ++i, a);
          case "--labels" -> labels = value(args, ++i, a);
          case "--out" -> out = value(args, ++i, a);
          case "--master" -> master = value(args, ++i, a);
          case "--views" -> views = (int) number(args, ++i, a, 2, 1000);
          case "--sources" -> sources = (int) number(args, ++i, a, 1, Integer.MAX_VALUE);
          case "--seed" -> seed = number(args, ++i, a, Long.MIN_VALUE, Long.MAX_VALUE);
          case "--offset" -> offset = number(args, ++i, a, 0, 1L << 40);
          case "--partitions" -> partitions = (int) number(args, ++i, a, 1, 100_000);
          case "--csv" -> csv = true;
          case "--stacktrace" -> {}
          default -> throw new ConfigException("unknown option '" + a + "'\n" + USAGE);
        }
      }
      for (String[] req :
          new String[][] {{"--images", images}, {"--labels", labels}, {"--out", out}}) {
        if (req[1] == null || req[1].isBlank()) {
          throw new ConfigException("views needs " + req[0] + "\n" + USAGE);
        }
      }
      return new Options(
          images, labels, out, views, sources, seed, offset, partitions, csv, master);
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new ConfigException(option + " needs a value");
      }
      return args[i];
    }

    private static long number(String[] args, int i, String option, long lo, long hi) {
      String v = value(args, i, option);
      long n;
      try {
        n = Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(option + " needs an integer, got '" + v + "'");
      }
      if (n < lo || n > hi) {
        throw new ConfigException(option + " must be in [" + lo + ", " + hi + "], got " + n);
      }
      return n;
    }
  }

  /**
   * What {@code views.json} holds.
   *
   * @param idFirst the smallest id ({@code offset · views})
   * @param idEnd one past the largest id
   */
  public record Summary(
      String images,
      String labels,
      long sources,
      int views,
      long seed,
      long offset,
      int side,
      Strength strength,
      long items,
      long pairs,
      long idFirst,
      long idEnd,
      List<String> tables) {}

  private final SparkSession spark;
  private final Options opt;
  private final PrintStream out;

  public ViewsJob(SparkSession spark, Options opt, PrintStream out) {
    this.spark = spark;
    this.opt = opt;
    this.out = out;
  }

  /** Generates and publishes the task; returns what views.json holds. */
  public Summary run() throws IOException {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    // both files are read and checked on the driver before any output is begun
    IdxReader.IdxTensor images = IdxSource.tensor(hadoop, opt.images());
    IdxReader.IdxTensor labels = IdxSource.tensor(hadoop, opt.labels());
    int side = (int) Math.round(Math.sqrt(images.itemSize()));
    if (images.shape().length != 3 || images.shape()[1] != side || images.shape()[2] != side) {
      throw new InputException(
          opt.images()
              + ": views need square grey images (n x side x side), got shape "
              + java.util.Arrays.toString(images.shape()));
    }
    if (labels.shape().length != 1 || labels.count() != images.count()) {
      throw new InputException(
          opt.labels()
              + " has "
              + labels.count()
              + " labels for the "
              + images.count()
              + " images of "
              + opt.images());
    }
    if (opt.sources() > images.count()) {
      throw new ConfigException(
          "--sources "
              + opt.sources()
              + " exceeds the "
              + images.count()
              + " images of "
              + opt.images());
    }
    int n = opt.sources() == 0 ? images.count() : opt.sources();
    Path target = new Path(opt.out());
    FileSystem fs = target.getFileSystem(hadoop);
    AtomicOutput output =
        new AtomicOutput(fs, fs.makeQualified(target), AtomicOutput.Unfinished.REFUSE);
    Path tmp = output.begin();
    boolean published = false;
    try {
      Dataset<Row> items = items(n, side);
      Dataset<Row> pairs = pairs(n);
      spark.sparkContext().setJobGroup("views", "WRITE views and pairs", false);
      items.write().parquet(new Path(tmp, "items").toString());
      pairs.write().parquet(new Path(tmp, "pairs").toString());
      List<String> tables = new ArrayList<>(List.of("items", "pairs"));
      if (opt.csv()) {
        Dataset<Row> written = spark.read().parquet(new Path(tmp, "items").toString());
        List<Column> cols = new ArrayList<>(List.of(functions.col("id"), functions.col("label")));
        for (int j = 0; j < side * side; j++) {
          cols.add(functions.col("features").getItem(j).as("p" + j));
        }
        written
            .select(cols.toArray(new Column[0]))
            .write()
            .option("header", "true")
            .csv(new Path(tmp, "items-csv").toString());
        pairs.write().option("header", "true").csv(new Path(tmp, "pairs-csv").toString());
        tables.addAll(List.of("items-csv", "pairs-csv"));
      }
      long first = opt.offset() * opt.views();
      Summary s =
          new Summary(
              opt.images(),
              opt.labels(),
              n,
              opt.views(),
              opt.seed(),
              opt.offset(),
              side,
              Strength.DEFAULT,
              (long) n * opt.views(),
              (long) n * opt.views() * (opt.views() - 1),
              first,
              first + (long) n * opt.views(),
              tables);
      output.writeText(new Path(tmp, "views.json"), Json.write(s));
      output.publish(tmp);
      published = true;
      out.printf(
          "wrote %d items (%d sources x %d views) and %d pairs -> %s%n",
          s.items(), n, opt.views(), s.pairs(), output.target());
      return s;
    } finally {
      spark.sparkContext().clearJobGroup();
      if (!published) {
        output.discard(tmp);
      }
    }
  }

  /** The views of sources {@code [0, n)}: each task re-reads the images and makes its range. */
  Dataset<Row> items(int n, int side) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<SerializableConfiguration> conf =
        jsc.broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
    String images = opt.images();
    String labels = opt.labels();
    int views = opt.views();
    long seed = opt.seed();
    long offset = opt.offset();
    JavaRDD<Row> rows =
        jsc.parallelize(slices(n, opt.partitions()), Math.min(n, opt.partitions()))
            .flatMap(
                slice -> {
                  IdxReader.IdxTensor im = IdxSource.tensor(conf.value().value(), images);
                  IdxReader.IdxTensor lb = IdxSource.tensor(conf.value().value(), labels);
                  return new ViewRows(im, lb, side, views, seed, offset, slice[0], slice[1]);
                });
    return spark.createDataFrame(rows, ITEMS);
  }

  /** The rows of sources {@code [from, to)}, made one view at a time (a task holds one row). */
  private static final class ViewRows implements Iterator<Row> {
    private final IdxReader.IdxTensor images;
    private final IdxReader.IdxTensor labels;
    private final int side;
    private final int views;
    private final long seed;
    private final long offset;
    private final int to;
    private int source;
    private int view;
    private float[] src;

    ViewRows(
        IdxReader.IdxTensor images,
        IdxReader.IdxTensor labels,
        int side,
        int views,
        long seed,
        long offset,
        int from,
        int to) {
      this.images = images;
      this.labels = labels;
      this.side = side;
      this.views = views;
      this.seed = seed;
      this.offset = offset;
      this.source = from;
      this.to = to;
    }

    @Override
    public boolean hasNext() {
      return source < to;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int d = side * side;
      if (view == 0) {
        src = NearDuplicateViews.pixels(images.data(), source * d, d);
      }
      float[] f = NearDuplicateViews.view(src, side, Strength.DEFAULT, seed, source, view);
      long label = offset + source;
      Row row =
          RowFactory.create(
              label * views + view, label, (long) source, (long) (labels.data()[source] & 0xff), f);
      if (++view == views) {
        view = 0;
        source++;
      }
      return row;
    }
  }

  /** Every ordered pair of two views of one source. */
  Dataset<Row> pairs(int n) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int views = opt.views();
    long offset = opt.offset();
    JavaRDD<Row> rows =
        jsc.parallelize(slices(n, opt.partitions()), Math.min(n, opt.partitions()))
            .flatMap(
                slice -> {
                  List<Row> out = new ArrayList<>((slice[1] - slice[0]) * views * (views - 1));
                  for (int s = slice[0]; s < slice[1]; s++) {
                    long base = (offset + s) * views;
                    for (int a = 0; a < views; a++) {
                      for (int b = 0; b < views; b++) {
                        if (a != b) {
                          out.add(RowFactory.create(base + a, base + b));
                        }
                      }
                    }
                  }
                  return out.iterator();
                });
    return spark.createDataFrame(rows, PAIRS);
  }

  private static List<int[]> slices(int n, int partitions) {
    int parts = Math.min(n, partitions);
    List<int[]> slices = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      slices.add(new int[] {(int) ((long) n * i / parts), (int) ((long) n * (i + 1) / parts)});
    }
    return slices;
  }
}
