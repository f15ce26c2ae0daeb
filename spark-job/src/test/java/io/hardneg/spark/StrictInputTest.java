package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.spark.io.IdxSource;
import io.hardneg.spark.io.InputException;
import io.hardneg.spark.io.InputSpec;
import io.hardneg.spark.io.InputSpec.Format;
import io.hardneg.spark.io.PairSource;
import io.hardneg.spark.io.TableSource;
import io.hardneg.spark.io.Tables;
import java.io.DataOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Table-driven: every input format × every strictness rule (exact ids and labels, field counts,
 * LibSVM tokens, zero vectors, pairs) ends in an {@link InputException} naming the file, the row
 * and the rule; and what is accepted is read exactly.
 */
class StrictInputTest {
  @TempDir Path tmp;

  /** One case: a file of some format, and the parts its error message must contain. */
  record Case(String name, Format format, String body, String... expected) {}

  static final String H = "id,label,f0,f1\n";

  static final List<Case> TEXT_CASES =
      List.of(
          new Case(
              "wide.csv",
              Format.CSV,
              H + "1,0,0.5,1\n2,1,1,1,9\n",
              "1 rows have more or fewer fields than the header",
              "row 2 of",
              "has 5 fields"),
          new Case(
              "narrow.csv",
              Format.CSV,
              H + "1,0,0.5\n2,1,1,1\n",
              "fewer fields than the header",
              "row 1 of",
              "has 3 fields, the header has 4"),
          new Case(
              "fraction-id.csv",
              Format.CSV,
              H + "1,0,0.5,1\n1.5,1,1,1\n",
              "1 rows have a non-integral id, first: row 2 of",
              "(id = 1.5)"),
          new Case(
              "huge-id.csv",
              Format.CSV,
              H + "1,0,0.5,1\n9223372036854775808,1,1,1\n",
              "have an id outside the 64-bit integer range",
              "9223372036854775808"),
          new Case(
              "huge-label.csv",
              Format.CSV,
              H + "1,0,0.5,1\n2,-9223372036854775809,1,1\n",
              "have a label outside the 64-bit integer range",
              "id 2 (row 2 of",
              "label = -9223372036854775809"),
          new Case(
              "fraction-label.csv",
              Format.CSV,
              H + "1,0,0.5,1\n2,2.5,1,1\n",
              "non-integral label, first: id 2",
              "label = 2.5"),
          new Case(
              "zero.csv",
              Format.CSV,
              H + "1,0,0.5,1\n2,1,0,0\n3,1,1,1\n",
              "1 items have a zero or near-zero feature vector",
              "first: id 2 (row 2 of"),
          new Case(
              "token.libsvm",
              Format.LIBSVM,
              "0 1:0.5 2:1\n1 1:1 x\n",
              "1 lines are not valid LibSVM lines",
              "line 2 of",
              "token 'x'"),
          new Case(
              "descending.libsvm",
              Format.LIBSVM,
              "0 1:0.5 2:1\n\n1 2:1 1:1\n",
              "line 3 of",
              "indices must ascend"),
          new Case(
              "fraction-label.libsvm",
              Format.LIBSVM,
              "0 1:0.5 2:1\n1.5 1:1 2:1\n",
              "non-integral label",
              "line 2 of",
              "label = 1.5"),
          new Case(
              "huge-label.libsvm",
              Format.LIBSVM,
              "0 1:0.5 2:1\n18446744073709551616 1:1\n",
              "label outside the 64-bit integer range"),
          new Case(
              "zero.libsvm",
              Format.LIBSVM,
              "0 1:0.5 2:1\n1 1:1\n1\n",
              "zero or near-zero feature vector",
              "line 3 of"));

  private InputSpec spec(Format f, Path p) {
    return new InputSpec(
        f,
        p.toString(),
        null,
        null,
        f == Format.LIBSVM ? "" : "id",
        "label",
        f == Format.PARQUET ? "features" : "");
  }

  private InputException rejected(InputSpec spec) {
    return assertThrows(InputException.class, () -> TableSource.load(SharedSpark.get(), spec, 2));
  }

  @Test
  void everyTextRuleNamesTheFileTheRowAndTheRule() throws Exception {
    for (Case c : TEXT_CASES) {
      Path p = tmp.resolve(c.name());
      Files.writeString(p, c.body());
      String m = rejected(spec(c.format(), p)).getMessage();
      assertTrue(m.contains(c.name()), c.name() + ": " + m);
      for (String e : c.expected()) {
        assertTrue(m.contains(e), c.name() + ": expected '" + e + "' in: " + m);
      }
      assertFalse(m.contains("\n"), "one line: " + m);
    }
  }

  private Path parquet(String name, DataType idType, Object id, DataType labelType, Object label) {
    List<Row> rows =
        List.of(
            RowFactory.create(
                idType == DataTypes.LongType
                    ? 1L
                    : idType == DataTypes.DoubleType ? 1.0 : new BigDecimal("1"),
                labelType == DataTypes.LongType
                    ? 0L
                    : labelType == DataTypes.DoubleType ? 0.0 : new BigDecimal("0"),
                new float[] {1, 0}),
            RowFactory.create(id, label, new float[] {0, 1}));
    StructType schema =
        new StructType().add("id", idType).add("label", labelType).add("features", "array<float>");
    Path p = tmp.resolve(name);
    SharedSpark.get().createDataFrame(rows, schema).coalesce(1).write().parquet(p.toString());
    return p;
  }

  @Test
  void typedParquetColumnsAreCheckedWithoutLosingPrecision() {
    DataType dec = DataTypes.createDecimalType(25, 2);
    String m =
        rejected(
                spec(
                    Format.PARQUET,
                    parquet(
                        "fraction-id.parquet", DataTypes.DoubleType, 1.5, DataTypes.LongType, 1L)))
            .getMessage();
    assertTrue(
        m.contains("fraction-id.parquet")
            && m.contains("non-integral id")
            && m.contains("row 2 of")
            && m.contains("id = 1.5"),
        m);
    m =
        rejected(
                spec(
                    Format.PARQUET,
                    parquet(
                        "double-label.parquet",
                        DataTypes.LongType,
                        2L,
                        DataTypes.DoubleType,
                        Math.pow(2, 60))))
            .getMessage();
    assertTrue(m.contains("floating-point label beyond ±2^53"), m);
    m =
        rejected(
                spec(
                    Format.PARQUET,
                    parquet(
                        "decimal-label.parquet",
                        DataTypes.LongType,
                        2L,
                        dec,
                        new BigDecimal("99999999999999999999.00"))))
            .getMessage();
    assertTrue(
        m.contains("label outside the 64-bit integer range")
            && m.contains("99999999999999999999.00"),
        m);
    m =
        rejected(
                spec(
                    Format.PARQUET,
                    parquet(
                        "decimal-id.parquet", dec, new BigDecimal("2.50"), DataTypes.LongType, 1L)))
            .getMessage();
    assertTrue(m.contains("non-integral id") && m.contains("2.50"), m);
    // an integral decimal and a double within 2^53 are exact
    LabeledVectors t =
        Tables.collect(
            TableSource.load(
                SharedSpark.get(),
                spec(
                    Format.PARQUET,
                    parquet(
                        "ok.parquet",
                        dec,
                        new BigDecimal("9007199254740993.00"),
                        DataTypes.DoubleType,
                        9007199254740992.0)),
                2));
    assertEquals(9007199254740993L, t.ids()[1]);
    assertEquals(9007199254740992L, t.labels()[1]);
  }

  @Test
  void zeroVectorsAreDroppedAndCountedWhenAsked() throws Exception {
    Path p = tmp.resolve("zeros.csv");
    Files.writeString(p, H + "1,0,0.5,1\n2,1,0,0\n3,1,1,1\n4,0,0,0\n");
    InputSpec drop =
        new InputSpec(
            Format.CSV, p.toString(), null, null, "id", "label", "", InputSpec.ZeroVectors.DROP);
    LabeledVectors t = Tables.collect(TableSource.load(SharedSpark.get(), drop, 2));
    assertEquals(List.of(1L, 3L), List.of(t.ids()[0], t.ids()[1]));
    assertEquals(2, t.size());
  }

  @Test
  void aZeroIdxImageIsRejectedOrDropped() throws Exception {
    Path images = tmp.resolve("zero-idx3-ubyte");
    Path labels = tmp.resolve("zero-idx1-ubyte");
    try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(images))) {
      o.writeInt(0x803);
      o.writeInt(3);
      o.writeInt(1);
      o.writeInt(2);
      o.write(new byte[] {10, 20, 0, 0, 30, 0}); // item 1 is all zero
    }
    try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(labels))) {
      o.writeInt(0x801);
      o.writeInt(3);
      o.write(new byte[] {0, 1, 1});
    }
    SparkSession spark = SharedSpark.get();
    InputException e =
        assertThrows(
            InputException.class,
            () -> IdxSource.load(spark, images.toString(), labels.toString(), 2));
    assertTrue(
        e.getMessage().contains("zero-idx3-ubyte") && e.getMessage().contains("first: id 1"),
        e.getMessage());
    LabeledVectors t =
        Tables.collect(
            IdxSource.load(
                spark, images.toString(), labels.toString(), 2, InputSpec.ZeroVectors.DROP));
    assertEquals(2, t.size());
    assertEquals(0L, t.ids()[0]);
    assertEquals(2L, t.ids()[1]);
  }

  @Test
  void pairsAreExactStrictAndDeduplicated() throws Exception {
    SparkSession spark = SharedSpark.get();
    List<Row> rows = new ArrayList<>();
    for (long id : new long[] {1, 2, 3, (1L << 53) + 1}) {
      rows.add(RowFactory.create(id, 0L, new float[] {1, id % 2}));
    }
    Dataset<Row> items = spark.createDataFrame(rows, io.hardneg.spark.io.Schemas.ITEMS);
    String[][] bad = {
      {
        "fraction.csv",
        "1,2\n1.5,3\n",
        "1 pairs have a non-integral anchor_id, first: row 2 of",
        "(anchor_id = 1.5)"
      },
      {"text.csv", "1,2\n3,x\n", "non-integral positive_id", "(positive_id = x)"},
      {"self.csv", "1,2\n3,3\n", "pair an item with itself", "row 2 of", "(3, 3)"},
      {"wide.csv", "1,2\n1,3,4\n", "more or fewer fields than the header", "has 3 fields"},
      {"huge.csv", "1,2\n1,9223372036854775808\n", "positive_id outside the 64-bit range"},
      {"missing.csv", "1,2\n,3\n", "missing anchor_id", "row 2 of"}
    };
    for (String[] b : bad) {
      Path p = tmp.resolve(b[0]);
      Files.writeString(p, "anchor_id,positive_id\n" + b[1]);
      InputException e =
          assertThrows(
              InputException.class, () -> PairSource.load(spark, p.toString(), "csv", items));
      for (int i = 2; i < b.length; i++) {
        assertTrue(
            e.getMessage().contains(b[i]) && e.getMessage().contains(b[0]),
            b[0] + ": expected '" + b[i] + "' in: " + e.getMessage());
      }
    }
    // a repeated pair counts once; both directions are two pairs; 2^53+1 stays itself
    Path ok = tmp.resolve("ok.csv");
    Files.writeString(
        ok, "anchor_id,positive_id\n1,2\n1,2\n2,1\n3,9007199254740993\n", StandardCharsets.UTF_8);
    List<Row> got =
        PairSource.load(spark, ok.toString(), "csv", items)
            .orderBy("anchor_id", "positive_id")
            .collectAsList();
    assertEquals(
        List.of(
            RowFactory.create(1L, 2L),
            RowFactory.create(2L, 1L),
            RowFactory.create(3L, 9007199254740993L)),
        got);
  }
}
