package io.hardneg.spark.stage.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.knn.Mask;
import io.hardneg.core.search.AnchorCandidates;
import io.hardneg.core.search.ListSearch;
import io.hardneg.core.search.VectorEntry;
import io.hardneg.spark.SharedSpark;
import io.hardneg.spark.stage.PositiveStage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@link BroadcastPlacement} reads a task's queries a block at a time: whatever the block size,
 * every anchor gets the candidates of one search over all queries in one JVM (the oracle).
 */
class BroadcastPlacementTest {
  private static final int N = 90;
  private static final int DIM = 6;

  @Test
  void queriesReadInSmallBlocksGetTheCandidatesOfOneWholeSearch() {
    SparkSession spark = SharedSpark.get();
    Random r = new Random(11);
    List<Row> rows = new ArrayList<>();
    List<VectorEntry> entries = new ArrayList<>();
    long[] ids = new long[N];
    long[] labels = new long[N];
    float[] values = new float[N * DIM];
    for (int i = 0; i < N; i++) {
      Float[] boxed = new Float[DIM];
      float[] emb = new float[DIM];
      for (int j = 0; j < DIM; j++) {
        emb[j] = (float) r.nextGaussian();
        boxed[j] = emb[j];
      }
      ids[i] = 1000 + i;
      labels[i] = i % 5;
      System.arraycopy(emb, 0, values, i * DIM, DIM);
      // every third item is not an anchor (no positive): it is passed through, not searched
      boolean anchor = i % 3 != 0;
      long positive = 1000 + (i + 5) % N;
      double dAp = 0.5 + r.nextDouble();
      rows.add(
          RowFactory.create(
              ids[i], labels[i], boxed, anchor ? positive : null, anchor ? dAp : null, null));
      entries.add(
          anchor
              ? VectorEntry.anchor(ids[i], labels[i], emb, positive, dAp, null)
              : VectorEntry.item(ids[i], labels[i], emb));
    }
    Dataset<Row> table = spark.createDataFrame(rows, PositiveStage.ANCHORS).repartition(3);
    KnnOptions knn = new KnnOptions(1, 16, 32, DataType.FLOAT);
    SearchRequest req = new SearchRequest(Mask.OTHER_LABEL, knn, 3, 4, 7, 0, 3);
    LabeledVectors base = new LabeledVectors(ids, labels, values, DIM);
    Map<Long, String> want =
        byAnchor(ListSearch.searchQueries(entries, base, Mask.OTHER_LABEL, knn, 3, 4));
    assertEquals(N, want.size());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    for (int block : new int[] {1, 7, EntryRows.BLOCK}) {
      SearchResult found = new BroadcastPlacement(block).search(jsc, table, table, req);
      try {
        List<AnchorCandidates> got = found.candidates().collect();
        assertEquals(N, got.size(), "every query once, block " + block);
        assertEquals(want, byAnchor(got), "block " + block);
      } finally {
        found.cleanup().forEach(Runnable::run);
      }
    }
    // the oracle can tell: fewer candidates per anchor give other lists
    SearchResult fewer =
        new BroadcastPlacement(7)
            .search(jsc, table, table, new SearchRequest(Mask.OTHER_LABEL, knn, 2, 4, 7, 0, 3));
    try {
      assertTrue(!want.equals(byAnchor(fewer.candidates().collect())));
    } finally {
      fewer.cleanup().forEach(Runnable::run);
    }
    assertArrayEquals(ids, want.keySet().stream().mapToLong(Long::longValue).toArray());
  }

  /** Each anchor's candidates (ids, distances, the beyond count) as one comparable string. */
  private static Map<Long, String> byAnchor(List<AnchorCandidates> found) {
    Map<Long, String> out = new TreeMap<>();
    for (AnchorCandidates c : found) {
      String s =
          c.label()
              + " "
              + c.positive()
              + " "
              + c.dAp()
              + " hard "
              + java.util.Arrays.toString(c.hardIds())
              + java.util.Arrays.toString(c.hardDist())
              + " beyond "
              + java.util.Arrays.toString(c.beyondIds())
              + java.util.Arrays.toString(c.beyondDist())
              + " within "
              + c.beyondWithin();
      if (out.put(c.anchor(), s) != null) {
        throw new AssertionError("anchor " + c.anchor() + " returned twice");
      }
    }
    return out;
  }
}
