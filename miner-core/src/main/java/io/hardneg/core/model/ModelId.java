package io.hardneg.core.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The one id of a model, used wherever a model is named: the triplets' {@code model} column, {@code
 * mining.json}, {@code metrics.json}, {@code best.json}, {@code evaluation.json} and promotion. It
 * is the first 16 hex digits of SHA-256 over the network's configuration JSON and its parameter
 * values, so a network and the same network saved and restored from a zip get the same id (a hash
 * of the zip would not: its entries carry timestamps).
 */
public final class ModelId {
  /** The id of "no model": mining or evaluating on the normalised input features. */
  public static final String RAW = "raw";

  private ModelId() {}

  /** The id of {@code net}. */
  public static String of(MultiLayerNetwork net) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(net.getLayerWiseConfigurations().toJson().getBytes(StandardCharsets.UTF_8));
      for (double v : net.params().toDoubleVector()) {
        long bits = Double.doubleToLongBits(v);
        for (int i = 0; i < 8; i++) {
          md.update((byte) (bits >>> (8 * i)));
        }
      }
      return HexFormat.of().formatHex(md.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
