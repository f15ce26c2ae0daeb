package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.spark.io.ExactLong;
import io.hardneg.spark.io.InputException;
import io.hardneg.spark.io.InputSpec;
import io.hardneg.spark.io.PairSource;
import io.hardneg.spark.io.TableSource;
import io.hardneg.spark.io.Tables;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The property of {@link CorruptInputPropertyTest} for the other inputs that are text or bytes: a
 * seeded random corruption of a valid LibSVM file, pairs CSV file, or gzip IDX file (a byte
 * flipped, or the file truncated) is either refused with one line naming the file, or read to
 * exactly what a strict reference reading of the corrupted file gives. For gzip IDX the reference
 * is the gzip format itself: a stream that decompresses (CRC-32 and length checked) holds the clean
 * bytes, so it must read to the clean items.
 */
class CorruptFormatsPropertyTest {
  @TempDir Path tmp;

  static final int CASES = 24;

  static final String LIBSVM =
      "0 1:0.5 2:1\n0 1:0.25 2:0.75\n1 1:1 2:-0.5 3:2\n"
          + "1 2:-1\n0 1:0.125 3:1\n9007199254740993 1:3 2:-2\n";

  @Test
  void aCorruptedLibSvmFileIsRefusedInOneLineOrReadExactly() throws Exception {
    int refused = 0;
    for (int seed = 0; seed < CASES; seed++) {
      Random r = new Random(seed);
      String text =
          CorruptInputPropertyTest.corrupt(
              LIBSVM, r, "0123456789 :.-x\n", " ", g -> (1 + g.nextInt(4)) + ":" + g.nextInt(10));
      Path p = tmp.resolve("corrupt-" + seed + ".libsvm");
      Files.writeString(p, text);
      InputSpec spec =
          new InputSpec(InputSpec.Format.LIBSVM, p.toString(), null, null, "", "label", "");
      refused +=
          check(
              seed,
              p,
              text,
              libsvmReference(text),
              () -> items(Tables.collect(TableSource.load(SharedSpark.get(), spec, 2))));
    }
    assertTrue(refused > 0 && refused < CASES, "both outcomes drawn: " + refused + " refused");
  }

  static final String PAIRS =
      "anchor_id,positive_id\n10,11\n12,13\n11,10\n14,10\n10,11\n" + "13,9007199254740993\n";
  static final long[] ITEMS = {10, 11, 12, 13, 14, 9007199254740993L};

  @Test
  void aCorruptedPairsFileIsRefusedInOneLineOrReadExactly() throws Exception {
    var spark = SharedSpark.get();
    List<Row> ids = new ArrayList<>();
    for (long id : ITEMS) {
      ids.add(RowFactory.create(id));
    }
    Dataset<Row> items =
        spark.createDataFrame(
            ids,
            DataTypes.createStructType(
                List.of(DataTypes.createStructField("id", DataTypes.LongType, false))));
    int refused = 0;
    for (int seed = 0; seed < CASES; seed++) {
      String text = CorruptInputPropertyTest.corrupt(PAIRS, new Random(seed));
      Path p = tmp.resolve("corrupt-pairs-" + seed + ".csv");
      Files.writeString(p, text);
      refused +=
          check(
              seed,
              p,
              text,
              pairsReference(text),
              () -> {
                TreeSet<String> got = new TreeSet<>();
                for (Row r : PairSource.load(spark, p.toString(), "csv", items).collectAsList()) {
                  got.add(r.getLong(0) + "," + r.getLong(1));
                }
                return got;
              });
    }
    assertTrue(refused > 0 && refused < CASES, "both outcomes drawn: " + refused + " refused");
  }

  @Test
  void aCorruptedGzipIdxFileIsRefusedInOneLineOrReadExactly() throws Exception {
    int n = 8;
    ByteArrayOutputStream img = new ByteArrayOutputStream();
    img.write(new byte[] {0, 0, 8, 3, 0, 0, 0, (byte) n, 0, 0, 0, 2, 0, 0, 0, 2});
    ByteArrayOutputStream lab = new ByteArrayOutputStream();
    lab.write(new byte[] {0, 0, 8, 1, 0, 0, 0, (byte) n});
    Random data = new Random(42);
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < 4; k++) {
        img.write(1 + data.nextInt(255)); // no zero vector
      }
      lab.write(i % 3);
    }
    byte[][] clean = {img.toByteArray(), lab.toByteArray()};
    byte[][] gz = {gzip(clean[0]), gzip(clean[1])};
    Path[] cleanFiles = {tmp.resolve("clean-images.gz"), tmp.resolve("clean-labels.gz")};
    Files.write(cleanFiles[0], gz[0]);
    Files.write(cleanFiles[1], gz[1]);
    Object cleanItems = readIdx(cleanFiles[0], cleanFiles[1]);
    int refused = 0;
    for (int seed = 0; seed < CASES; seed++) {
      Random r = new Random(seed);
      int which = r.nextInt(2);
      byte[] bad = gz[which].clone();
      if (r.nextBoolean()) {
        bad[r.nextInt(bad.length)] ^= (byte) (1 << r.nextInt(8));
      } else {
        bad = Arrays.copyOf(bad, r.nextInt(bad.length));
      }
      Path p = tmp.resolve("corrupt-" + seed + (which == 0 ? "-images.gz" : "-labels.gz"));
      Files.write(p, bad);
      Path images = which == 0 ? p : cleanFiles[0];
      Path labels = which == 1 ? p : cleanFiles[1];
      byte[] inflated = gunzip(bad);
      if (inflated != null) {
        assertArrayEquals(
            clean[which],
            inflated,
            "seed " + seed + ": gzip's CRC-32 passed a " + "changed stream");
      }
      refused +=
          check(
              seed,
              p,
              "(gzip bytes)",
              inflated == null ? null : cleanItems,
              () -> readIdx(images, labels));
    }
    assertTrue(refused > 0 && refused < CASES, "both outcomes drawn: " + refused + " refused");
  }

  /**
   * One case: {@code read} is refused with one line naming {@code file} exactly when {@code
   * expected} is null, else returns {@code expected}. Returns 1 when refused.
   */
  static int check(int seed, Path file, String text, Object expected, Callable<Object> read) {
    Object got;
    try {
      got = read.call();
    } catch (InputException e) {
      String m = e.getMessage();
      assertTrue(
          m.contains(file.getFileName().toString()) && !m.contains("\n"),
          "seed " + seed + ": one line naming the file: " + m);
      assertEquals(
          null,
          expected,
          "seed " + seed + " refused (" + m + ") but the reference " + "reads it; text:\n" + text);
      return 1;
    } catch (Exception e) {
      fail("seed " + seed + ": not a bad-input error: " + e + "\ntext:\n" + text);
      return 0;
    }
    if (expected == null) {
      fail(
          "seed "
              + seed
              + ": accepted ("
              + got
              + "), but the reference refuses it; text:\n"
              + text);
    }
    assertEquals(expected, got, "seed " + seed + "; text:\n" + text);
    return 0;
  }

  /** id → "label [features]", the canonical form of a read table. */
  static TreeMap<Long, String> items(LabeledVectors t) {
    TreeMap<Long, String> m = new TreeMap<>();
    for (int i = 0; i < t.size(); i++) {
      m.put(t.ids()[i], t.labels()[i] + " " + Arrays.toString(t.row(i)));
    }
    return m;
  }

  private Object readIdx(Path images, Path labels) {
    InputSpec spec =
        new InputSpec(
            InputSpec.Format.IDX, null, images.toString(), labels.toString(), "id", "label", "");
    return items(Tables.collect(TableSource.load(SharedSpark.get(), spec, 2)));
  }

  /** A strict LibSVM reading of {@code text}; null = must be refused. */
  static TreeMap<Long, String> libsvmReference(String text) {
    List<long[]> labels = new ArrayList<>();
    List<TreeMap<Integer, Float>> rows = new ArrayList<>();
    int dim = 0;
    for (String raw : text.split("\n", -1)) {
      String l = raw.trim();
      if (l.isEmpty()) {
        continue;
      }
      String[] t = l.split("\\s+");
      Object y = ExactLong.parse(t[0]);
      if (!(y instanceof Long)) {
        return null;
      }
      TreeMap<Integer, Float> row = new TreeMap<>();
      int prev = 0;
      for (int i = 1; i < t.length; i++) {
        String[] kv = t[i].split(":", -1);
        if (kv.length != 2) {
          return null;
        }
        try {
          int k = Integer.parseInt(kv[0]);
          float v = Float.parseFloat(kv[1]);
          if (k <= prev || kv[1].isEmpty() || !Float.isFinite(v)) {
            return null;
          }
          row.put(k, v);
          prev = k;
        } catch (NumberFormatException e) {
          return null;
        }
      }
      dim = Math.max(dim, prev);
      labels.add(new long[] {(Long) y});
      rows.add(row);
    }
    if (rows.isEmpty() || dim == 0) {
      return null;
    }
    TreeMap<Long, String> out = new TreeMap<>();
    Set<Long> classes = new HashSet<>();
    for (int i = 0; i < rows.size(); i++) {
      float[] x = new float[dim];
      double ss = 0;
      for (var e : rows.get(i).entrySet()) {
        x[e.getKey() - 1] = e.getValue();
        ss += (double) e.getValue() * e.getValue();
      }
      if (ss < InputSpec.MIN_NORM * InputSpec.MIN_NORM) {
        return null;
      }
      out.put((long) i, labels.get(i)[0] + " " + Arrays.toString(x));
      classes.add(labels.get(i)[0]);
    }
    return classes.size() < 2 ? null : out;
  }

  /** The distinct pairs a strict reading of {@code text} gives; null = must be refused. */
  static TreeSet<String> pairsReference(String text) {
    List<String> lines = new ArrayList<>();
    for (String l : text.split("\n", -1)) {
      if (!l.isEmpty()) {
        lines.add(l);
      }
    }
    if (lines.size() < 2) {
      return null;
    }
    List<String> header = List.of(lines.get(0).split(",", -1));
    int a = header.indexOf("anchor_id");
    int p = header.indexOf("positive_id");
    if (a < 0 || p < 0) {
      return null;
    }
    Set<Long> known = new HashSet<>();
    for (long id : ITEMS) {
      known.add(id);
    }
    TreeSet<String> out = new TreeSet<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",", -1);
      if (f.length != header.size()) {
        return null;
      }
      Object x = ExactLong.parse(f[a]);
      Object y = ExactLong.parse(f[p]);
      if (!(x instanceof Long)
          || !(y instanceof Long)
          || x.equals(y)
          || !known.contains((Long) x)
          || !known.contains((Long) y)) {
        return null;
      }
      out.add(x + "," + y);
    }
    return out;
  }

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(o)) {
      z.write(b);
    }
    return o.toByteArray();
  }

  /** The strictly decompressed bytes (CRC-32 and length checked), or null. */
  static byte[] gunzip(byte[] b) {
    try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(b))) {
      return z.readAllBytes();
    } catch (IOException e) {
      return null;
    }
  }
}
