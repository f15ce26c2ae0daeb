package io.hardneg.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.hardneg.core.data.LabeledVectors;
import io.hardneg.core.mining.MiningStats;
import org.nd4j.kryo.Nd4jRegistrator;

/**
 * Kryo registrations: ND4J's (its arrays need custom serializers) plus hardneg's own classes
 * that cross the wire (broadcast tables, per-partition mining counters). Java records need an
 * explicit serializer: Kryo 4's field serializer cannot set a record's final fields.
 */
public class HardnegKryoRegistrator extends Nd4jRegistrator {
  @Override
  public void registerClasses(Kryo kryo) {
    super.registerClasses(kryo);
    kryo.register(LabeledVectors.class, new LabeledVectorsSerializer());
    kryo.register(MiningStats.class);
    kryo.register(long[].class);
    kryo.register(float[].class);
    kryo.register(int[].class);
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
