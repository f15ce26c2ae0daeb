package io.hardneg.core.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of (Fashion-)MNIST: a big-endian magic {@code 0x0000TTNN} (TT = element
 * type, NN = number of dimensions), then NN big-endian int32 sizes, then the elements. Only
 * unsigned bytes (type 0x08) are supported, which is what MNIST-like sets use. Gzip is detected
 * from the stream's first two bytes, so plain and {@code .gz} files read the same.
 */
public final class IdxReader {
  private static final int UNSIGNED_BYTE = 0x08;

  private IdxReader() {}

  /** An IDX tensor of unsigned bytes: {@code shape} and the elements in row-major order. */
  public record IdxTensor(int[] shape, byte[] data) {
    /** Number of items (size of the first dimension). */
    public int count() {
      return shape[0];
    }

    /** Elements per item (product of the other dimensions). */
    public int itemSize() {
      int n = 1;
      for (int i = 1; i < shape.length; i++) {
        n *= shape[i];
      }
      return n;
    }
  }

  /**
   * Reads one IDX tensor. {@code name} is used in error messages only.
   *
   * @throws IOException naming {@code name} and the broken rule when the stream is not IDX, uses an
   *     unsupported element type, or ends before its declared size
   */
  public static IdxTensor read(InputStream raw, String name) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(buffered, 1 << 16) : buffered;
    DataInputStream data = new DataInputStream(in);
    try {
      int magic = data.readInt();
      if ((magic >>> 16) != 0) {
        throw new IOException(
            name
                + ": not an IDX file (magic 0x"
                + Integer.toHexString(magic)
                + ", expected 0x0000TTNN)");
      }
      int type = (magic >>> 8) & 0xff;
      int dims = magic & 0xff;
      if (type != UNSIGNED_BYTE) {
        throw new IOException(
            name
                + ": IDX element type 0x"
                + Integer.toHexString(type)
                + " not supported (only unsigned byte, 0x08)");
      }
      if (dims < 1 || dims > 4) {
        throw new IOException(name + ": IDX with " + dims + " dimensions not supported (1..4)");
      }
      int[] shape = new int[dims];
      long total = 1;
      for (int i = 0; i < dims; i++) {
        shape[i] = data.readInt();
        if (shape[i] < 0) {
          throw new IOException(name + ": negative size " + shape[i] + " for dimension " + i);
        }
        total *= shape[i];
      }
      if (total > Integer.MAX_VALUE - 16) {
        throw new IOException(name + ": " + total + " elements are too many for one IDX read");
      }
      byte[] bytes = new byte[(int) total];
      data.readFully(bytes);
      // read to the end: only there does gzip check its CRC-32 and length (a truncated or
      // altered stream whose payload still inflates would otherwise pass); extra bytes are an
      // error too, since the declared size is then wrong
      if (data.read() != -1) {
        throw new IOException(
            name
                + ": longer than its declared size (bytes after the "
                + total
                + " declared elements)");
      }
      return new IdxTensor(shape, bytes);
    } catch (EOFException e) {
      throw new IOException(name + ": truncated IDX file (ended before its declared size)", e);
    }
  }

  /**
   * Joins an images tensor and a labels tensor into a table with ids {@code 0..n-1} (the row order
   * of the file, which is stable), pixel values scaled to [0, 1].
   */
  public static LabeledVectors toLabeledVectors(
      IdxTensor images, IdxTensor labels, String imagesName, String labelsName) throws IOException {
    if (labels.shape().length != 1) {
      throw new IOException(
          labelsName
              + ": labels must be a 1-d IDX tensor, got "
              + labels.shape().length
              + " dimensions");
    }
    if (images.count() != labels.count()) {
      throw new IOException(
          imagesName
              + " has "
              + images.count()
              + " items but "
              + labelsName
              + " has "
              + labels.count()
              + " labels");
    }
    int n = images.count();
    int dim = images.itemSize();
    if (dim < 1) {
      throw new IOException(imagesName + ": items have no elements");
    }
    long[] ids = new long[n];
    long[] labs = new long[n];
    float[] values = new float[n * dim];
    byte[] px = images.data();
    for (int i = 0; i < n; i++) {
      ids[i] = i;
      labs[i] = labels.data()[i] & 0xff;
    }
    for (int k = 0; k < values.length; k++) {
      values[k] = (px[k] & 0xff) / 255f;
    }
    return new LabeledVectors(ids, labs, values, dim);
  }
}
