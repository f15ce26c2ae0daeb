package io.hardneg.spark.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.spark.SharedSpark;
import io.hardneg.spark.io.KnownPairs;
import io.hardneg.spark.io.Schemas;
import io.hardneg.spark.io.Tables;
import io.hardneg.spark.result.Retrieval;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * EVALUATE on the executors gives the driver computation's numbers (Recall@K exactly, the means to
 * 1e-12, the per-class breakdown and NMI) over 1 and 3 partitions, with exact ties: 60 items are
 * copies of others under another label, and which of two tied items ranks first decides hits.
 */
class DistributedEvaluationTest {
  /** 360 unit vectors in 8 classes, ids scattered, the last 60 copies of the first 60. */
  static Dataset<Row> table(SparkSession spark, int partitions) {
    Random r = new Random(5);
    int dim = 6;
    List<Float[]> vectors = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 360; i++) {
      Float[] v = new Float[dim];
      if (i < 300) {
        double n = 0;
        double[] g = new double[dim];
        for (int j = 0; j < dim; j++) {
          g[j] = r.nextGaussian() + (i % 8 == j ? 1.5 : 0);
          n += g[j] * g[j];
        }
        for (int j = 0; j < dim; j++) {
          v[j] = (float) (g[j] / Math.sqrt(n));
        }
      } else {
        v = vectors.get(i - 300).clone();
      }
      vectors.add(v);
      long label = i < 300 ? i % 8 : (i + 3) % 8;
      rows.add(RowFactory.create((long) (i * 7919 % 1009) - 500, label, v));
    }
    return spark.createDataFrame(rows, Schemas.EMBEDDINGS).repartition(partitions);
  }

  static void assertSameMetrics(Retrieval want, Retrieval got) {
    assertEquals(want.recallAtK(), got.recallAtK());
    assertEquals(want.precisionAt1(), got.precisionAt1());
    assertEquals(want.rPrecision(), got.rPrecision(), 1e-12);
    assertEquals(want.mapAtR(), got.mapAtR(), 1e-12);
    assertEquals(want.queries(), got.queries());
    assertEquals(want.queriesWithoutPositive(), got.queriesWithoutPositive());
    assertEquals(want.nmi(), got.nmi());
    assertEquals(want.spread(), got.spread());
    assertEquals(want.relevance(), got.relevance());
    if (want.perClass() == null) {
      assertNull(got.perClass());
      return;
    }
    assertEquals(want.perClass().keySet(), got.perClass().keySet());
    want.perClass()
        .forEach(
            (label, c) -> {
              var g = got.perClass().get(label);
              assertEquals(c.items(), g.items());
              assertEquals(c.queries(), g.queries());
              assertEquals(c.precisionAt1(), g.precisionAt1(), 1e-12);
              assertEquals(c.rPrecision(), g.rPrecision(), 1e-12);
              assertEquals(c.mapAtR(), g.mapAtR(), 1e-12);
            });
  }

  /** {@code classes} classes of two unit vectors each in 2-d, ids 0.. in order. */
  private static LabeledVectors pairsOfClasses(int classes) {
    int n = 2 * classes;
    long[] ids = new long[n];
    long[] labels = new long[n];
    float[] values = new float[2 * n];
    for (int i = 0; i < n; i++) {
      ids[i] = i;
      labels[i] = i / 2;
      double a = 2 * Math.PI * i / n;
      values[2 * i] = (float) Math.cos(a);
      values[2 * i + 1] = (float) Math.sin(a);
    }
    return new LabeledVectors(ids, labels, values, 2);
  }

  @Test
  void nmiIsLeftOutOnlyAboveTheBoundOnItemsTimesClasses() {
    // the smallest set of two-item classes past the bound: its k-means would cost ~10^8 per
    // iteration on the driver, so it is skipped; the retrieval metrics are still computed
    int classes = (int) Math.ceil(Math.sqrt(EvaluateStage.NMI_MAX_ITEMS_TIMES_CLASSES / 2.0));
    assertTrue(2L * classes * classes > EvaluateStage.NMI_MAX_ITEMS_TIMES_CLASSES);
    Retrieval over = EvaluateStage.metrics(pairsOfClasses(classes));
    assertNull(over.nmi());
    assertEquals(2L * classes, over.queries());
    // neighbours on the circle: each item's nearest is its class mate or the next class's item
    assertTrue(over.recallAtK().get(1) > 0.4, over.recallAtK().toString());
    Retrieval under = EvaluateStage.metrics(pairsOfClasses(50));
    assertNotNull(under.nmi());
  }

  @Test
  void classModeOnTheExecutorsEqualsTheDriverComputation() {
    SparkSession spark = SharedSpark.get();
    Retrieval driver = EvaluateStage.metrics(Tables.collect(table(spark, 1)));
    assertEquals(8, driver.perClass().size());
    for (int partitions : new int[] {1, 3}) {
      Dataset<Row> t = table(spark, partitions);
      assertEquals(partitions, t.rdd().getNumPartitions());
      assertSameMetrics(driver, EvaluateStage.evaluateFull(t).metrics());
      Retrieval v = EvaluateStage.validation(t, null);
      assertEquals(driver.recallAtK(), v.recallAtK());
      assertEquals(driver.mapAtR(), v.mapAtR(), 1e-12);
      assertNull(v.nmi());
      assertNull(v.perClass());
    }
  }

  @Test
  void pairModeOnTheExecutorsEqualsTheDriverComputation() {
    SparkSession spark = SharedSpark.get();
    var items = Tables.collect(table(spark, 1));
    long[] a = new long[150];
    long[] p = new long[150];
    for (int i = 0; i < a.length; i++) {
      a[i] = items.ids()[(i * 11) % items.size()];
      p[i] = items.ids()[(i * 17 + 3) % items.size()];
    }
    KnownPairs pairs = new KnownPairs(a, p);
    Retrieval driver = EvaluateStage.metrics(items, pairs);
    for (int partitions : new int[] {1, 3}) {
      assertSameMetrics(driver, EvaluateStage.evaluate(table(spark, partitions), pairs));
    }
  }
}
