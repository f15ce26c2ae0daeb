package io.hardneg.spark;

import io.hardneg.core.model.Architecture;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.io.InputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Reads a DL4J model zip from any Hadoop FileSystem path and checks it restores and fits the input.
 * DL4J's {@link ModelSerializer} reads the zip's {@code configuration.json} with Jackson (typed to
 * DL4J's layer/activation hierarchies) and {@code coefficients.bin} and {@code updaterState.bin} as
 * raw ND4J arrays ({@code Nd4j.read}), but it reads an optional {@code preprocessor.bin} entry with
 * {@link java.io.ObjectInputStream} (Java deserialisation of a user-supplied file). hardneg never
 * writes that entry, so {@link #restore} accepts only the entries DL4J writes for a bare network
 * and rejects any other before DL4J sees the bytes.
 */
public final class ModelFiles {
  private ModelFiles() {}

  /** The model's bytes; a file that is missing or does not restore is bad input. */
  public static byte[] read(SparkSession spark, String path) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        throw new InputException(path + ": model file does not exist");
      }
      byte[] bytes;
      try (InputStream in = fs.open(p)) {
        bytes = in.readAllBytes();
      }
      restore(bytes, path, false);
      return bytes;
    } catch (IOException e) {
      throw new InputException(path + ": cannot read model file (" + e.getMessage() + ")", e);
    }
  }

  /** Restores a network; a zip that does not restore is bad input naming {@code where}. */
  public static MultiLayerNetwork restore(byte[] bytes, String where, boolean withUpdater) {
    checkEntries(bytes, where);
    io.hardneg.core.model.NativeHelpers.enable();
    try {
      return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), withUpdater);
    } catch (IOException | RuntimeException e) {
      throw new InputException(
          where
              + ": not a DL4J model zip, or a corrupt one ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + ")",
          e);
    }
  }

  /** Entries of a bare network's zip: the only ones hardneg lets DL4J read. */
  static final java.util.Set<String> ENTRIES =
      java.util.Set.of(
          ModelSerializer.CONFIGURATION_JSON,
          ModelSerializer.COEFFICIENTS_BIN,
          ModelSerializer.UPDATER_BIN,
          ModelSerializer.NO_PARAMS_MARKER);

  /** Rejects a zip holding any entry outside {@link #ENTRIES} (see the class comment). */
  static void checkEntries(byte[] bytes, String where) {
    try (java.util.zip.ZipInputStream zip =
        new java.util.zip.ZipInputStream(new ByteArrayInputStream(bytes))) {
      for (var e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        if (!ENTRIES.contains(e.getName())) {
          throw new InputException(
              where
                  + ": model zip entry '"
                  + e.getName()
                  + "' is not "
                  + "accepted (allowed: "
                  + new java.util.TreeSet<>(ENTRIES)
                  + "; DL4J would read "
                  + "a "
                  + ModelSerializer.PREPROCESSOR_BIN
                  + " with Java deserialisation)");
        }
      }
    } catch (IOException e) {
      throw new InputException(
          where + ": not a DL4J model zip (unreadable zip: " + e.getMessage() + ")", e);
    }
  }

  /**
   * Features per item the network takes: the flat size of a CNN's input, else the first dense
   * layer's {@code nIn}; -1 when the configuration does not say.
   */
  public static long inputSize(MultiLayerNetwork net) {
    InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(0);
    if (pre instanceof FeedForwardToCnnPreProcessor cnn) {
      return cnn.getInputHeight() * cnn.getInputWidth() * cnn.getNumChannels();
    }
    Layer first = net.getLayerWiseConfigurations().getConf(0).getLayer();
    return first instanceof FeedForwardLayer ff ? ff.getNIn() : -1;
  }

  /** Throws bad input when the network at {@code where} was built for another input size. */
  public static void checkInputSize(MultiLayerNetwork net, long inputDim, String where) {
    long want = inputSize(net);
    if (want >= 0 && want != inputDim) {
      throw new InputException(
          where
              + ": the model was built for "
              + want
              + " features per item, but the input has "
              + inputDim);
    }
  }

  /** The architecture of a network: a CNN takes its input through a CNN preprocessor. */
  public static Architecture architecture(MultiLayerNetwork net) {
    return net.getLayerWiseConfigurations().getInputPreProcess(0)
            instanceof FeedForwardToCnnPreProcessor
        ? Architecture.CNN
        : Architecture.MLP;
  }

  /**
   * The inference batch for a network restored from a model file ({@link JobConfig#embedBatchFor}:
   * {@code auto} follows the file's network); the configured batch for raw features ({@code net}
   * null).
   */
  public static int embedBatch(JobConfig cfg, MultiLayerNetwork net) {
    return net == null ? cfg.embedBatch() : cfg.embedBatchFor(architecture(net));
  }
}
