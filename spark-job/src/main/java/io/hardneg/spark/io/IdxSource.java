package io.hardneg.spark.io;

import io.hardneg.core.data.IdxReader;
import io.hardneg.core.data.LabeledVectors;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Loads an IDX images/labels pair from any Hadoop FileSystem path into the items table ({@code id}
 * = position in the file, {@code label}, {@code features} scaled to [0, 1]).
 *
 * <p>IDX files are single unsplittable streams, so the driver reads them once to validate them (a
 * broken file fails before any expensive work), then each partition re-reads the files from the
 * FileSystem and keeps only its slice of rows: item data never travel from the driver.
 */
public final class IdxSource {
  private IdxSource() {}

  /** Reads and validates both files on the driver; returns the table for its shape. */
  static LabeledVectors readAll(Configuration conf, String images, String labels) {
    try {
      IdxReader.IdxTensor im = read(conf, images);
      IdxReader.IdxTensor lb = read(conf, labels);
      return IdxReader.toLabeledVectors(im, lb, images, labels);
    } catch (IOException e) {
      throw new InputException(e.getMessage(), e);
    }
  }

  /** Reads one IDX file from any Hadoop FileSystem path; a missing or broken file is bad input. */
  public static IdxReader.IdxTensor tensor(Configuration conf, String file) {
    try {
      return read(conf, file);
    } catch (IOException e) {
      throw new InputException(e.getMessage(), e);
    }
  }

  private static IdxReader.IdxTensor read(Configuration conf, String file) throws IOException {
    Path p = new Path(file);
    FileSystem fs = p.getFileSystem(conf);
    if (!fs.exists(p)) {
      throw new IOException(file + ": input file does not exist");
    }
    try (InputStream in = fs.open(p)) {
      return IdxReader.read(in, file);
    } catch (IOException e) {
      // gzip errors (ZipException: bad header, CRC, invalid block) do not name the file
      String msg = String.valueOf(e.getMessage());
      throw msg.startsWith(file)
          ? e
          : new IOException(
              file
                  + ": corrupt gzip/IDX stream ("
                  + e.getClass().getSimpleName()
                  + ": "
                  + msg
                  + ")",
              e);
    }
  }

  /** A single class leaves no negative: fail before any expensive stage. */
  static void checkClasses(LabeledVectors t, String labels) {
    long[] l = t.labels();
    for (int i = 1; i < l.length; i++) {
      if (l[i] != l[0]) {
        return;
      }
    }
    throw new InputException(
        labels
            + ": all "
            + l.length
            + " items have label "
            + (l.length > 0 ? l[0] : "-")
            + "; mining needs at least two classes (no negative "
            + "exists)");
  }

  /** The items table, spread over {@code partitions} partitions; zero vectors rejected. */
  public static Dataset<Row> load(
      SparkSession spark, String images, String labels, int partitions) {
    return load(spark, images, labels, partitions, InputSpec.ZeroVectors.REJECT);
  }

  /** Whether item {@code i} has a zero or near-zero feature vector. */
  static boolean zero(LabeledVectors t, int i) {
    double ss = 0;
    for (float x : t.row(i)) {
      ss += (double) x * x;
    }
    return ss < InputSpec.MIN_NORM * InputSpec.MIN_NORM;
  }

  /** Rejects zero vectors (naming the first), or counts the ones that will be dropped. */
  private static void checkZeros(LabeledVectors t, String images, InputSpec.ZeroVectors zero) {
    int count = 0;
    int first = -1;
    for (int i = 0; i < t.size(); i++) {
      if (zero(t, i)) {
        count++;
        first = first < 0 ? i : first;
      }
    }
    if (count > 0 && zero == InputSpec.ZeroVectors.REJECT) {
      throw new InputException(
          images
              + ": "
              + count
              + " items have a zero or near-zero feature "
              + "vector (L2 norm < "
              + InputSpec.MIN_NORM
              + "; it has no direction to normalise; "
              + "input.zeroVectors = drop leaves them out), first: id "
              + t.ids()[first]
              + " (item "
              + (first + 1)
              + " of the file)");
    }
    if (count > 0) {
      org.slf4j.LoggerFactory.getLogger(IdxSource.class)
          .info(
              "{}: dropped {} of {} items with "
                  + "a zero or near-zero feature vector (input.zeroVectors = drop)",
              images,
              count,
              t.size());
    }
  }

  /** The items table, spread over {@code partitions} partitions. */
  public static Dataset<Row> load(
      SparkSession spark,
      String images,
      String labels,
      int partitions,
      InputSpec.ZeroVectors zero) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    LabeledVectors all = readAll(hadoop, images, labels);
    int n = all.size();
    if (n == 0) {
      throw new InputException(images + ": input is empty (0 items)");
    }
    checkClasses(all, labels);
    checkZeros(all, images, zero);
    boolean drop = zero == InputSpec.ZeroVectors.DROP;
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<SerializableConfiguration> conf =
        jsc.broadcast(new SerializableConfiguration(hadoop));
    List<int[]> slices = new ArrayList<>();
    int parts = Math.min(partitions, n);
    for (int i = 0; i < parts; i++) {
      slices.add(new int[] {(int) ((long) n * i / parts), (int) ((long) n * (i + 1) / parts)});
    }
    JavaRDD<Row> rows =
        jsc.parallelize(slices, parts)
            .flatMap(
                slice -> {
                  LabeledVectors t = readAll(conf.value().value(), images, labels);
                  return new SliceIterator(t, slice[0], slice[1], drop);
                });
    return spark.createDataFrame(rows, Schemas.ITEMS);
  }

  /** Rows [from, to) of a table as item rows. */
  private static final class SliceIterator implements Iterator<Row> {
    private final LabeledVectors t;
    private final int to;
    private final boolean dropZeros;
    private int i;

    SliceIterator(LabeledVectors t, int from, int to, boolean dropZeros) {
      this.t = t;
      this.i = from;
      this.to = to;
      this.dropZeros = dropZeros;
    }

    @Override
    public boolean hasNext() {
      while (dropZeros && i < to && zero(t, i)) {
        i++;
      }
      return i < to;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      // a primitive array: Spark's encoder copies it as one block (UnsafeArrayData), where a
      // Float[] was converted value by value (most of the 14 s of loading Fashion-MNIST's 70k)
      Row r = RowFactory.create(t.ids()[i], t.labels()[i], t.row(i));
      i++;
      return r;
    }
  }
}
