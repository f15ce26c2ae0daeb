package io.hardneg.spark.stage;

import static org.apache.spark.sql.functions.col;

import io.hardneg.core.data.VectorMath;
import io.hardneg.spark.io.Schemas;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * EMBED: the model's bytes are broadcast (never the live network: Spark 3.5 closes broadcast
 * values, which would free its native parameter array, docs/stack-notes.md P1), every partition
 * restores the network once and runs batched inference; outputs are scaled to unit length. With no
 * model, the features themselves are normalised (the raw-pixel baseline).
 */
public final class EmbedStage {
  private EmbedStage() {}

  /**
   * Embeds an items table ({@code id, label, features}) into an embeddings table ({@code id, label,
   * emb}).
   *
   * @param modelBytes a ModelSerializer zip, or null for normalised raw features
   */
  public static Dataset<Row> embed(
      SparkSession spark, Dataset<Row> items, byte[] modelBytes, int batchSize) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<byte[]> model = modelBytes == null ? null : jsc.broadcast(modelBytes);
    // Spark's internal rows: each features array is read out as primitive floats, where a Row
    // boxes every one (784 boxed Floats per Fashion-MNIST item were most of EMBED's Java time);
    // internal rows are read by type without a check, so the types are checked here
    Dataset<Row> cols = items.select(col("id"), col("label"), col("features"));
    StructType schema = cols.schema();
    if (!schema.apply(0).dataType().equals(DataTypes.LongType)
        || !schema.apply(1).dataType().equals(DataTypes.LongType)
        || !(schema.apply(2).dataType() instanceof ArrayType a)
        || !a.elementType().equals(DataTypes.FloatType)) {
      throw new IllegalArgumentException(
          "EMBED needs id: bigint, label: bigint, features: array<float>; got "
              + schema.simpleString());
    }
    boolean mayHoldNulls = ((ArrayType) schema.apply(2).dataType()).containsNull();
    JavaRDD<Row> out =
        cols.queryExecution()
            .toRdd()
            .toJavaRDD()
            .mapPartitions(
                rows -> {
                  MultiLayerNetwork net = model == null ? null : restore(model.value());
                  return new BatchIterator(rows, net, batchSize, mayHoldNulls);
                });
    Dataset<Row> df = spark.createDataFrame(out, Schemas.EMBEDDINGS);
    return df;
  }

  static MultiLayerNetwork restore(byte[] bytes) {
    io.hardneg.core.model.NativeHelpers.enable();
    try {
      return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restore the broadcast model", e);
    }
  }

  /**
   * Pulls up to {@code batch} rows, embeds them in one forward pass, hands them out. The internal
   * rows may be reused by the iterator: each is read out as it arrives.
   */
  private static final class BatchIterator implements Iterator<Row> {
    private final Iterator<InternalRow> in;
    private final MultiLayerNetwork net;
    private final int batch;
    private final boolean mayHoldNulls;
    private Iterator<Row> current = java.util.Collections.emptyIterator();

    BatchIterator(
        Iterator<InternalRow> in, MultiLayerNetwork net, int batch, boolean mayHoldNulls) {
      this.in = in;
      this.net = net;
      this.batch = batch;
      this.mayHoldNulls = mayHoldNulls;
    }

    @Override
    public boolean hasNext() {
      if (!current.hasNext() && in.hasNext()) {
        current = next(batch).iterator();
      }
      return current.hasNext();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      return current.next();
    }

    private List<Row> next(int max) {
      long[] ids = new long[max];
      long[] labels = new long[max];
      float[] x = null;
      int dIn = -1;
      int n = 0;
      while (n < max && in.hasNext()) {
        InternalRow r = in.next();
        ids[n] = r.getLong(0);
        labels[n] = r.getLong(1);
        ArrayData f = r.getArray(2);
        if (dIn < 0) {
          dIn = f.numElements();
          x = new float[max * dIn];
        }
        if (f.numElements() != dIn) {
          throw new IllegalArgumentException(
              "item id "
                  + ids[n]
                  + " has "
                  + f.numElements()
                  + " features, expected "
                  + dIn
                  + " like the rest of its batch");
        }
        for (int j = 0; mayHoldNulls && j < dIn; j++) {
          if (f.isNullAt(j)) {
            throw new IllegalArgumentException(
                "item id " + ids[n] + " has a missing feature at index " + j);
          }
        }
        System.arraycopy(f.toFloatArray(), 0, x, n * dIn, dIn);
        n++;
      }
      float[] e;
      int dOut;
      if (net == null) {
        e = x;
        dOut = dIn;
      } else {
        float[] batchX = n == max ? x : java.util.Arrays.copyOf(x, n * dIn);
        INDArray out = net.output(Nd4j.create(batchX, new long[] {n, dIn}, 'c'), false);
        dOut = (int) out.size(1);
        e = out.dup('c').data().asFloat();
      }
      List<Row> result = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        VectorMath.normalizeInPlace(e, i * dOut, dOut);
        // a primitive array: the encoder copies it as one block, a Float[] value by value
        float[] emb = java.util.Arrays.copyOfRange(e, i * dOut, (i + 1) * dOut);
        result.add(RowFactory.create(ids[i], labels[i], emb));
      }
      return result;
    }
  }
}
