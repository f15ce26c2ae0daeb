package io.hardneg.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.mining.MiningStats;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.nd4j.kryo.Nd4jRegistrator;

/**
 * Kryo registrations: ND4J's (its arrays need custom serializers) plus hardneg's own classes that
 * cross the wire (broadcast tables, per-partition mining counters). Java records need an explicit
 * serializer: Kryo 4's field serializer cannot set a record's final fields.
 *
 * <p>Every test runs with {@code spark.kryo.registrationRequired=true} ({@code SharedSpark}), so a
 * class that crosses the wire unregistered fails the test that sends it; the classes below beyond
 * hardneg's own are the ones those tests found (Spark SQL schemas inside rows, DL4J's training
 * minibatches, array types of broadcast tables).
 */
public class HardnegKryoRegistrator extends Nd4jRegistrator {
  @Override
  public void registerClasses(Kryo kryo) {
    // runs on every executor before its first task: networks DL4J's training workers build there
    // must see the oneDNN helper switch (see NativeHelpers)
    io.hardneg.core.model.NativeHelpers.enable();
    super.registerClasses(kryo);
    kryo.register(LabeledVectors.class, new LabeledVectorsSerializer());
    kryo.register(MiningStats.class);
    // the distributed evaluation's per-range sums
    kryo.register(io.hardneg.core.metrics.RetrievalMetrics.Sums.class);
    kryo.register(long[].class);
    kryo.register(float[].class);
    kryo.register(int[].class);
    kryo.register(int[][].class);
    kryo.register(int[][][].class);
    kryo.register(long[][].class);
    kryo.register(float[][].class);
    kryo.register(double[].class);
    kryo.register(double[][].class);
    kryo.register(Object[].class);
    kryo.register(org.nd4j.linalg.dataset.DataSet.class, new DataSetSerializer());
    kryo.register(NetBroadcastTuple.class, new NetBroadcastTupleSerializer());
    // workers' results of the training master (listener collections are empty lists)
    kryo.register(org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult.class);
    kryo.register(java.util.ArrayList.class);
    // the recall check broadcasts anchor -> row maps
    kryo.register(java.util.HashMap.class);
    kryo.register(java.util.LinkedHashMap.class);
    kryo.register(java.util.HashSet.class);
    // the list shuffle of the negative search
    kryo.register(io.hardneg.core.search.VectorEntry.class);
    kryo.register(io.hardneg.core.search.AnchorCandidates.class);
    // the pk training mode's broadcast batch plan
    kryo.register(io.hardneg.core.sampling.PkPlan.class);
    // and its broadcast features (package-private)
    registerByName(kryo, "io.hardneg.spark.stage.FeatureTable");
    // rows built with a schema (GenericRowWithSchema) carry their StructType: its fields' types
    kryo.register(org.apache.spark.sql.types.DataType[].class);
    kryo.register(org.apache.spark.sql.types.ArrayType.class);
    kryo.register(org.apache.spark.sql.types.MapType.class);
    kryo.register(org.apache.spark.sql.types.DecimalType.class);
    kryo.register(org.apache.spark.ml.linalg.VectorUDT.class);
    // Cached blocks that another executor reads are serialized with Kryo (found on the
    // standalone cluster, where local mode never reads remotely): Spark SQL's in-memory columnar
    // batches of persisted DataFrames (with their column statistics) and RDDs of plain Rows
    // (the mining stage's per-partition results). Unregistered, every such read failed with
    // "Class is not registered" and Spark recomputed the block; the failed read also seems to
    // leave the block's read lock held: executors never answered the later RemoveRdd and each
    // driver's shutdown stalled 90 s (StandaloneClusterIT; gone with these registrations).
    registerByName(kryo, "org.apache.spark.sql.execution.columnar.DefaultCachedBatch");
    kryo.register(byte[][].class);
    kryo.register(org.apache.spark.sql.catalyst.expressions.GenericInternalRow.class);
    kryo.register(org.apache.spark.sql.catalyst.expressions.GenericRow.class);
    kryo.register(org.apache.spark.unsafe.types.UTF8String.class);
    // groupByKey's CompactBuffer (the negative search's per-anchor merge) carries its ClassTag;
    // when a large shuffle spills its map to disk the buffer goes through Kryo, and the 4M-vector
    // scaling bench died there with "Class is not registered: ...ManifestFactory$ObjectManifest"
    registerByName(kryo, "scala.reflect.ManifestFactory$ObjectManifest");
    registerByName(kryo, "scala.reflect.ClassTag$GenericClassTag");
    registerByName(kryo, "scala.reflect.ManifestFactory$ClassTypeManifest");
    for (String atomic :
        new String[] {
          "Boolean",
          "Byte",
          "Short",
          "Integer",
          "Long",
          "Float",
          "Double",
          "String",
          "Binary",
          "Date",
          "Timestamp",
          "Null"
        }) {
      // Scala case objects: the runtime class of LongType is LongType$
      registerByName(kryo, "org.apache.spark.sql.types." + atomic + "Type$");
    }
  }

  private static void registerByName(Kryo kryo, String name) {
    try {
      kryo.register(Class.forName(name, false, HardnegKryoRegistrator.class.getClassLoader()));
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("Kryo registration: no class " + name, e);
    }
  }

  /**
   * DL4J-Spark's broadcast of the network to the training workers: the configuration as DL4J's own
   * JSON (the form a model zip stores; a field-by-field Kryo copy would need every layer,
   * activation and updater class registered), the parameters and updater state as ND4J arrays.
   */
  static final class NetBroadcastTupleSerializer extends Serializer<NetBroadcastTuple> {
    @Override
    public void write(Kryo kryo, Output out, NetBroadcastTuple t) {
      out.writeString(t.getConfiguration() == null ? null : t.getConfiguration().toJson());
      out.writeString(
          t.getGraphConfiguration() == null ? null : t.getGraphConfiguration().toJson());
      kryo.writeClassAndObject(out, t.getParameters());
      kryo.writeClassAndObject(out, t.getUpdaterState());
      out.writeInt(t.getCounter() == null ? 0 : t.getCounter().get());
    }

    @Override
    public NetBroadcastTuple read(Kryo kryo, Input in, Class<NetBroadcastTuple> type) {
      String conf = in.readString();
      String graph = in.readString();
      var params = (org.nd4j.linalg.api.ndarray.INDArray) kryo.readClassAndObject(in);
      var updater = (org.nd4j.linalg.api.ndarray.INDArray) kryo.readClassAndObject(in);
      int counter = in.readInt();
      return new NetBroadcastTuple(
          conf == null ? null : org.deeplearning4j.nn.conf.MultiLayerConfiguration.fromJson(conf),
          graph == null
              ? null
              : org.deeplearning4j.nn.conf.ComputationGraphConfiguration.fromJson(graph),
          params,
          updater,
          new java.util.concurrent.atomic.AtomicInteger(counter));
    }
  }

  /**
   * A DL4J minibatch: features, labels and the two masks (each possibly null), as ND4J arrays
   * through ND4J's own Kryo serializers. Example metadata is not sent (hardneg sets none).
   */
  static final class DataSetSerializer extends Serializer<org.nd4j.linalg.dataset.DataSet> {
    @Override
    public void write(Kryo kryo, Output out, org.nd4j.linalg.dataset.DataSet d) {
      kryo.writeClassAndObject(out, d.getFeatures());
      kryo.writeClassAndObject(out, d.getLabels());
      kryo.writeClassAndObject(out, d.getFeaturesMaskArray());
      kryo.writeClassAndObject(out, d.getLabelsMaskArray());
    }

    @Override
    public org.nd4j.linalg.dataset.DataSet read(
        Kryo kryo, Input in, Class<org.nd4j.linalg.dataset.DataSet> type) {
      var f = (org.nd4j.linalg.api.ndarray.INDArray) kryo.readClassAndObject(in);
      var l = (org.nd4j.linalg.api.ndarray.INDArray) kryo.readClassAndObject(in);
      var fm = (org.nd4j.linalg.api.ndarray.INDArray) kryo.readClassAndObject(in);
      var lm = (org.nd4j.linalg.api.ndarray.INDArray) kryo.readClassAndObject(in);
      return new org.nd4j.linalg.dataset.DataSet(f, l, fm, lm);
    }
  }

  /** Writes the dimension, the row count and the three arrays. */
  static final class LabeledVectorsSerializer extends Serializer<LabeledVectors> {
    @Override
    public void write(Kryo kryo, Output out, LabeledVectors t) {
      out.writeInt(t.dim(), true);
      out.writeInt(t.size(), true);
      out.writeLongs(t.ids());
      out.writeLongs(t.labels());
      out.writeFloats(t.values());
    }

    @Override
    public LabeledVectors read(Kryo kryo, Input in, Class<LabeledVectors> type) {
      int dim = in.readInt(true);
      int n = in.readInt(true);
      long[] ids = in.readLongs(n);
      long[] labels = in.readLongs(n);
      float[] values = in.readFloats(n * dim);
      return new LabeledVectors(ids, labels, values, dim);
    }
  }
}
