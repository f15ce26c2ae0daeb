package io.hardneg.spark.bench;

import com.microsoft.azure.synapse.ml.nn.ConditionalKNN;
import com.microsoft.azure.synapse.ml.nn.ConditionalKNNModel;
import io.hardneg.spark.bench.PeerBench.Embeddings;
import io.hardneg.spark.bench.PeerBench.Npy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * Microsoft SynapseML's {@link ConditionalKNN}, the Spark-native label-conditioned kNN, as the
 * Spark reference of PeerBench: fitted on all N items (values = row, label = the item's label; the
 * fit collects the items and builds one conditional ball tree on the driver), then queried by
 * anchors with k = 1 and the condition "any label but the anchor's", which asks directly for the
 * nearest negative. SynapseML's ball tree ranks by inner product, the similarity the truth uses
 * (unit vectors). Only the first {@code queries} anchors are searched and the search time is scaled
 * to N queries (the row's note says so); the nearest negatives go to {@code OUT/found-cknn.npy},
 * scored by {@code bench/peers.py} on those anchors.
 */
final class ConditionalKnnPeer {
  private ConditionalKnnPeer() {}

  static void run(
      SparkSession spark, Embeddings x, int[] anchors, int queries, Path out, PrintWriter tsv)
      throws IOException {
    int[] all = new int[x.n()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    Dataset<Row> items = PeerBench.vectors(spark, x, all);
    ConditionalKNN knn = new ConditionalKNN();
    knn.setFeaturesCol("vec");
    knn.setValuesCol("row");
    knn.setLabelCol("label");
    knn.setConditionerCol("allowed");
    knn.setOutputCol("matches");
    knn.setK(1);
    long t0 = System.nanoTime();
    ConditionalKNNModel model = knn.fit(items);
    double build = (System.nanoTime() - t0) / 1e9;
    int q = Math.min(queries, anchors.length);
    TreeSet<Long> labels = new TreeSet<>();
    for (long l : x.labels()) {
      labels.add(l);
    }
    List<Row> rows = new ArrayList<>(q);
    for (int i = 0; i < q; i++) {
      int a = anchors[i];
      List<Long> other = new ArrayList<>(labels);
      other.remove(x.labels()[a]);
      rows.add(
          RowFactory.create(
              i,
              a,
              x.labels()[a],
              Vectors.dense(x.row(a)),
              JavaConverters.asScalaBuffer(other).toSeq()));
    }
    StructType schema =
        new StructType()
            .add("i", DataTypes.IntegerType)
            // the model's transform checks the values and label columns exist in the queries too
            .add("row", DataTypes.IntegerType)
            .add("label", DataTypes.LongType)
            .add("vec", new VectorUDT())
            .add("allowed", DataTypes.createArrayType(DataTypes.LongType));
    Dataset<Row> query = spark.createDataFrame(rows, schema).repartition(8);
    long t1 = System.nanoTime();
    List<Row> res = model.transform(query).select("i", "matches").collectAsList();
    double search = (System.nanoTime() - t1) / 1e9;
    int[] found = new int[q];
    java.util.Arrays.fill(found, -1);
    for (Row r : res) {
      List<Row> m = r.getList(1);
      if (!m.isEmpty()) {
        found[r.getInt(0)] = ((Number) m.get(0).getAs("value")).intValue();
      }
    }
    Npy.writeInts(out.resolve("found-cknn.npy"), found);
    tsv.printf(
        Locale.ROOT,
        "SynapseML ConditionalKNN\tk=1, condition = labels other than the anchor's, leafSize=%d"
            + "\t%.2f\t\texact ball tree; fit (collect + tree on the driver) %.1f s + search of %d"
            + " anchors x %.1f (extrapolated)\tfound-cknn.npy%n",
        knn.getLeafSize(),
        build + search * x.n() / q,
        build,
        q,
        x.n() / (double) q);
    tsv.flush();
  }
}
