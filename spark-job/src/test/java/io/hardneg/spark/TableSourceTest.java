package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.spark.io.InputException;
import io.hardneg.spark.io.InputSpec;
import io.hardneg.spark.io.InputSpec.Format;
import io.hardneg.spark.io.TableSource;
import io.hardneg.spark.io.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parquet (array or ML vector), CSV and LibSVM load to the same items; bad tables are named. */
class TableSourceTest {
  @TempDir Path tmp;

  static final double[][] X = {{0.5, 1}, {2, -1}, {0, 0.25}, {3, 3}};
  static final long[] LABELS = {1, 2, 1, 2};
  static final long[] IDS = {10, 11, 12, 13};

  private static InputSpec spec(Format f, Path p, String id, String features) {
    return new InputSpec(f, p.toString(), null, null, id, "label", features);
  }

  private static Dataset<Row> frame(SparkSession spark, boolean vector) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < X.length; i++) {
      rows.add(
          RowFactory.create(
              IDS[i],
              (int) LABELS[i],
              vector ? Vectors.dense(X[i]) : new Double[] {X[i][0], X[i][1]}));
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType)
            .add("label", DataTypes.IntegerType)
            .add(
                "features",
                vector ? new VectorUDT() : DataTypes.createArrayType(DataTypes.DoubleType));
    return spark.createDataFrame(rows, schema);
  }

  private static void assertItems(Dataset<Row> items, boolean idsGiven) {
    LabeledVectors t = Tables.collect(items);
    assertEquals(4, t.size());
    for (int i = 0; i < 4; i++) {
      int row = idsGiven ? i : i; // assigned ids follow read order 0..3
      assertEquals(idsGiven ? IDS[i] : i, t.ids()[row]);
      assertEquals(LABELS[i], t.labels()[row]);
      assertArrayEquals(new float[] {(float) X[i][0], (float) X[i][1]}, t.row(row));
    }
  }

  @Test
  void parquetWithArraysOrVectorsCsvAndLibsvmAllLoad() throws Exception {
    SparkSession spark = SharedSpark.get();
    Path arr = tmp.resolve("arr.parquet");
    frame(spark, false).coalesce(1).write().parquet(arr.toString());
    assertItems(TableSource.load(spark, spec(Format.PARQUET, arr, "id", "features"), 2), true);
    Path vec = tmp.resolve("vec.parquet");
    frame(spark, true).coalesce(1).write().parquet(vec.toString());
    assertItems(TableSource.load(spark, spec(Format.PARQUET, vec, "", "features"), 3), false);

    Path csv = tmp.resolve("items.csv");
    StringBuilder sb = new StringBuilder("id,label,f0,f1\n");
    for (int i = 0; i < 4; i++) {
      sb.append(IDS[i])
          .append(',')
          .append(LABELS[i])
          .append(',')
          .append(X[i][0])
          .append(',')
          .append(X[i][1])
          .append('\n');
    }
    Files.writeString(csv, sb);
    assertItems(TableSource.load(spark, spec(Format.CSV, csv, "id", ""), 2), true);

    Path svm = tmp.resolve("items.libsvm");
    StringBuilder lb = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      lb.append(LABELS[i]).append(" 1:").append(X[i][0]).append(" 2:").append(X[i][1]).append('\n');
    }
    Files.writeString(svm, lb);
    assertItems(TableSource.load(spark, spec(Format.LIBSVM, svm, "", ""), 2), false);
  }

  private String badCsv(String body, String id) throws Exception {
    Path p = tmp.resolve("bad-" + Math.abs(body.hashCode()) + ".csv");
    Files.writeString(p, "id,label,f0,f1\n" + body);
    InputException e =
        assertThrows(
            InputException.class,
            () -> TableSource.load(SharedSpark.get(), spec(Format.CSV, p, id, ""), 2));
    assertTrue(e.getMessage().contains(p.getFileName().toString()), e.getMessage());
    return e.getMessage();
  }

  @Test
  void badTablesAreNamedWithTheRowAndTheRule() throws Exception {
    assertTrue(
        badCsv("1,0,0.5,NaN\n2,1,1,1\n", "id")
            .contains("NaN or infinite features, " + "first: id 1"));
    assertTrue(badCsv("1,0,0.5,1\n2,1.5,1,1\n", "id").contains("non-integral label, first: id 2"));
    assertTrue(badCsv("1,0,0.5,1\n1,1,1,1\n", "id").contains("id 1 appears 2 times"));
    assertTrue(badCsv("1,0,0.5,1\n2,0,1,1\n", "id").contains("at least two classes"));
    assertTrue(badCsv("1,,0.5,1\n2,1,1,1\n", "id").contains("missing or non-integral label"));
    assertTrue(badCsv("1,0,0.5,1\n", "nope").contains("no id column 'nope'"));
    Path empty = tmp.resolve("empty.parquet");
    frame(SharedSpark.get(), false).limit(0).write().parquet(empty.toString());
    InputException e =
        assertThrows(
            InputException.class,
            () ->
                TableSource.load(
                    SharedSpark.get(), spec(Format.PARQUET, empty, "id", "features"), 2));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }

  @Test
  void varyingDimensionIsNamed() throws Exception {
    SparkSession spark = SharedSpark.get();
    List<Row> rows =
        List.of(
            RowFactory.create(1L, 0, new Double[] {1.0, 2.0}),
            RowFactory.create(2L, 1, new Double[] {1.0, 2.0, 3.0}));
    Path p = tmp.resolve("dims.parquet");
    spark
        .createDataFrame(
            rows,
            new StructType()
                .add("id", DataTypes.LongType)
                .add("label", DataTypes.IntegerType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType)))
        .write()
        .parquet(p.toString());
    InputException e =
        assertThrows(
            InputException.class,
            () -> TableSource.load(spark, spec(Format.PARQUET, p, "id", "features"), 2));
    assertTrue(
        e.getMessage().contains("dimension varies from 2 to 3") && e.getMessage().contains("id 2"),
        e.getMessage());
  }
}
