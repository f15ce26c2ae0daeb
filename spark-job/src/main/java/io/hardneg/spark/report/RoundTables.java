package io.hardneg.spark.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.xxhash64;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.mining.Hardness;
import io.hardneg.core.util.Seeds;
import io.hardneg.spark.io.Schemas;
import io.hardneg.spark.result.HardnessCounts;
import io.hardneg.spark.run.Json;
import io.hardneg.spark.run.RunDirectory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * The small per-round tables the report and the notebooks read (Debian's Python has no pyarrow, so
 * nothing here is Parquet), written into the round's temporary directory before {@code _SUCCESS}:
 *
 * <ul>
 *   <li>{@code eval-embeddings-2d.csv}: {@code id,label,pc1,pc2}, at most {@value #MAX_POINTS}
 *       evaluation items (a seeded sample by {@code hash(seed, id)}), projected on their first two
 *       principal axes ({@link Projection});
 *   <li>{@code triplet-sample.csv}: at most {@value #MAX_TRIPLETS} of the round's triplets, a
 *       seeded sample (smallest {@code xxhash64(seed, round, anchor, positive, negative)}), with
 *       their distances and kind;
 *   <li>{@code hardness.json}: every triplet counted as hard ({@code d(a,n) <= d(a,p)}), semi-hard
 *       ({@code d(a,p) < d(a,n) <= d(a,p) + margin}, the miner's own rule: {@link Hardness}) or
 *       easy, under the mining model;
 *   <li>{@code triplet-images.csv} (image inputs only): {@value #GRID} triplets of the sample, from
 *       the hardest to the easiest, with the pixels of anchor, positive and negative.
 * </ul>
 */
public final class RoundTables {
  static final int MAX_POINTS = 2000;
  static final int MAX_TRIPLETS = 2000;
  static final int GRID = 8;

  private RoundTables() {}

  /**
   * Writes the tables of one round.
   *
   * @param roundDir the round's (temporary) directory, holding {@code triplets/} already
   * @param eval the evaluation embeddings after the round
   * @param trainItems {@code id, label, features} of the training split (pixels for the grid)
   * @param images whether the features are square grey images (IDX input)
   */
  public static void write(
      SparkSession spark,
      RunDirectory dir,
      Path roundDir,
      LabeledVectors eval,
      Dataset<Row> trainItems,
      boolean images,
      double margin,
      long seed,
      int round)
      throws IOException {
    dir.writeText(new Path(roundDir, "eval-embeddings-2d.csv"), projection(eval, seed));
    Dataset<Row> triplets = spark.read().parquet(new Path(roundDir, "triplets").toString());
    List<Row> sample =
        triplets
            .withColumn(
                "k",
                xxhash64(lit(seed), lit(round), col("anchor"), col("positive"), col("negative")))
            .orderBy(col("k"), col("anchor"), col("negative"))
            .limit(MAX_TRIPLETS)
            .select(
                "anchor",
                "positive",
                "negative",
                "anchor_label",
                "negative_label",
                "d_ap",
                "d_an",
                "neg_rank",
                "kind")
            .collectAsList();
    StringBuilder csv =
        new StringBuilder(
            "anchor,positive,negative,anchor_label,negative_label,d_ap,d_an,neg_rank,kind\n");
    for (Row r : sample) {
      csv.append(r.getLong(0))
          .append(',')
          .append(r.getLong(1))
          .append(',')
          .append(r.getLong(2))
          .append(',')
          .append(r.getLong(3))
          .append(',')
          .append(r.getLong(4))
          .append(',')
          .append(num(r.getFloat(5)))
          .append(',')
          .append(num(r.getFloat(6)))
          .append(',')
          .append(r.isNullAt(7) ? "" : String.valueOf(r.get(7)))
          .append(',')
          .append(r.getString(8))
          .append('\n');
    }
    dir.writeText(new Path(roundDir, "triplet-sample.csv"), csv.toString());
    dir.writeText(new Path(roundDir, "hardness.json"), Json.write(hardness(triplets, margin)));
    if (images && !sample.isEmpty()) {
      String grid = imageGrid(sample, trainItems);
      if (grid != null) {
        dir.writeText(new Path(roundDir, "triplet-images.csv"), grid);
      }
    }
  }

  static String projection(LabeledVectors eval, long seed) {
    List<Integer> rows = new ArrayList<>();
    for (int i = 0; i < eval.size(); i++) {
      rows.add(i);
    }
    if (rows.size() > MAX_POINTS) {
      // the MAX_POINTS items with the smallest hash(seed, id): the same items every round
      rows.sort(
          (a, b) ->
              Long.compareUnsigned(
                  Seeds.of(seed, -2, eval.ids()[a]), Seeds.of(seed, -2, eval.ids()[b])));
      rows = new ArrayList<>(rows.subList(0, MAX_POINTS));
      rows.sort(Integer::compare);
    }
    int dim = eval.dim();
    float[] x = new float[rows.size() * dim];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(eval.values(), rows.get(i) * dim, x, i * dim, dim);
    }
    double[] p = Projection.pca2(x, rows.size(), dim);
    StringBuilder csv = new StringBuilder("id,label,pc1,pc2\n");
    for (int i = 0; i < rows.size(); i++) {
      csv.append(eval.ids()[rows.get(i)])
          .append(',')
          .append(eval.labels()[rows.get(i)])
          .append(',')
          .append(num(p[2 * i]))
          .append(',')
          .append(num(p[2 * i + 1]))
          .append('\n');
    }
    return csv.toString();
  }

  /** Triplets per {@link Hardness} class. */
  static HardnessCounts hardness(Dataset<Row> triplets, double margin) {
    UserDefinedFunction hardness =
        udf(
            (UDF2<Float, Float, String>)
                (ap, an) -> ap == null || an == null ? null : Hardness.of(ap, an, margin).label(),
            DataTypes.StringType);
    Map<String, Long> counts = new HashMap<>();
    for (Row r :
        triplets
            .groupBy(hardness.apply(col("d_ap"), col("d_an")).as("h"))
            .count()
            .collectAsList()) {
      if (!r.isNullAt(0)) {
        counts.put(r.getString(0), r.getLong(1));
      }
    }
    return new HardnessCounts(
        margin,
        counts.getOrDefault(Hardness.HARD.label(), 0L),
        counts.getOrDefault(Hardness.SEMIHARD.label(), 0L),
        counts.getOrDefault(Hardness.EASY.label(), 0L));
  }

  /**
   * The grid's triplets: the sample ordered by {@code d(a,n) − d(a,p)} (hardest first), taken at
   * {@value #GRID} evenly spaced ranks, so the grid spans the round's range of hardness.
   */
  static List<Row> pickForGrid(List<Row> sample) {
    List<Row> byViolation = new ArrayList<>(sample);
    byViolation.sort(
        (a, b) -> Float.compare(a.getFloat(6) - a.getFloat(5), b.getFloat(6) - b.getFloat(5)));
    int n = byViolation.size();
    if (n <= GRID) {
      return byViolation;
    }
    java.util.TreeSet<Integer> ranks = new java.util.TreeSet<>();
    for (int i = 0; i < GRID; i++) {
      ranks.add((int) Math.round(i * (n - 1.0) / (GRID - 1)));
    }
    List<Row> out = new ArrayList<>();
    for (int r : ranks) {
      out.add(byViolation.get(r));
    }
    return out;
  }

  private static String imageGrid(List<Row> sample, Dataset<Row> trainItems) {
    List<Row> picked = pickForGrid(sample);
    List<Long> ids = new ArrayList<>();
    for (Row r : picked) {
      ids.add(r.getLong(0));
      ids.add(r.getLong(1));
      ids.add(r.getLong(2));
    }
    Map<Long, float[]> pixels = new HashMap<>();
    for (Row r : trainItems.filter(col("id").isin(ids.toArray())).collectAsList()) {
      float[] f = new float[r.getSeq(2).length()];
      Schemas.copyFloats(r, 2, f, 0);
      pixels.put(r.getLong(0), f);
    }
    int side = -1;
    StringBuilder csv = new StringBuilder("triplet,role,id,label,d_ap,d_an,kind,side,pixels\n");
    String[] roles = {"anchor", "positive", "negative"};
    for (int t = 0; t < picked.size(); t++) {
      Row r = picked.get(t);
      for (int j = 0; j < 3; j++) {
        long id = r.getLong(j);
        float[] f = pixels.get(id);
        if (f == null) {
          return null;
        }
        int s = (int) Math.round(Math.sqrt(f.length));
        if (s * s != f.length) {
          return null; // not a square image
        }
        side = s;
        StringBuilder px = new StringBuilder();
        for (int k = 0; k < f.length; k++) {
          px.append(k == 0 ? "" : " ").append(Math.round(Math.max(0, Math.min(1, f[k])) * 255));
        }
        long label = j == 2 ? r.getLong(4) : r.getLong(3);
        csv.append(t)
            .append(',')
            .append(roles[j])
            .append(',')
            .append(id)
            .append(',')
            .append(label)
            .append(',')
            .append(num(r.getFloat(5)))
            .append(',')
            .append(num(r.getFloat(6)))
            .append(',')
            .append(r.getString(8))
            .append(',')
            .append(side)
            .append(',')
            .append(px)
            .append('\n');
      }
    }
    return side < 0 ? null : csv.toString();
  }

  static String num(double v) {
    return String.format(Locale.ROOT, "%.6g", v);
  }
}
