package io.hardneg.spark;

import io.hardneg.spark.io.InputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.util.ModelSerializer;

/** Reads a DL4J model zip from any Hadoop FileSystem path and checks it restores. */
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
      ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), false);
      return bytes;
    } catch (IOException | RuntimeException e) {
      if (e instanceof InputException ie) {
        throw ie;
      }
      throw new InputException(path + ": not a DL4J model zip (" + e.getMessage() + ")", e);
    }
  }

  /** SHA-256 of the file, 16 hex digits. */
  public static String hash(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
