package io.hardneg.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class IdxReaderTest {
  static final Path DATA = Path.of("..", "data", "fashion-mnist");

  @Test
  void readsTheShippedFashionMnistTestSplit() throws IOException {
    IdxReader.IdxTensor images;
    IdxReader.IdxTensor labels;
    try (InputStream in = Files.newInputStream(DATA.resolve("t10k-images-idx3-ubyte.gz"))) {
      images = IdxReader.read(in, "images");
    }
    try (InputStream in = Files.newInputStream(DATA.resolve("t10k-labels-idx1-ubyte.gz"))) {
      labels = IdxReader.read(in, "labels");
    }
    assertEquals(10_000, images.count());
    assertEquals(784, images.itemSize());
    LabeledVectors t = IdxReader.toLabeledVectors(images, labels, "images", "labels");
    long[] perClass = new long[10];
    for (long l : t.labels()) {
      perClass[(int) l]++;
    }
    long[] thousand = new long[10];
    Arrays.fill(thousand, 1000);
    assertEquals(Arrays.toString(thousand), Arrays.toString(perClass));
    assertEquals(9, t.labels()[0], "the first test image is an ankle boot");
    for (float v : t.values()) {
      assertTrue(v >= 0 && v <= 1);
    }
  }

  @Test
  void plainAndGzipReadTheSame() throws IOException {
    byte[] plain;
    try (InputStream in =
        new GZIPInputStream(Files.newInputStream(DATA.resolve("t10k-labels-idx1-ubyte.gz")))) {
      plain = in.readAllBytes();
    }
    IdxReader.IdxTensor a = IdxReader.read(new ByteArrayInputStream(plain), "plain");
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(plain);
    }
    IdxReader.IdxTensor b = IdxReader.read(new ByteArrayInputStream(gz.toByteArray()), "gz");
    assertTrue(Arrays.equals(a.data(), b.data()));
  }

  @Test
  void truncatedAndForeignFilesAreClearErrors() {
    byte[] header = {0, 0, 8, 1, 0, 0, 0, 10, 1, 2, 3};
    IOException e =
        assertThrows(
            IOException.class, () -> IdxReader.read(new ByteArrayInputStream(header), "short.idx"));
    assertTrue(
        e.getMessage().contains("short.idx") && e.getMessage().contains("truncated"),
        e.getMessage());
    IOException f =
        assertThrows(
            IOException.class,
            () -> IdxReader.read(new ByteArrayInputStream("hello world".getBytes()), "x.txt"));
    assertTrue(
        f.getMessage().contains("x.txt") && f.getMessage().contains("not an IDX"), f.getMessage());
  }

  @Test
  void aGzipStreamIsCheckedToItsTrailerAndTheSizeIsExact() throws IOException {
    byte[] plain = {0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9};
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
      z.write(plain);
    }
    byte[] ok = gz.toByteArray();
    // the payload inflates completely without its 8-byte trailer (CRC-32, length)
    byte[] noTrailer = Arrays.copyOf(ok, ok.length - 8);
    IOException t =
        assertThrows(
            IOException.class, () -> IdxReader.read(new ByteArrayInputStream(noTrailer), "cut.gz"));
    assertTrue(
        t.getMessage().contains("cut.gz") && t.getMessage().contains("truncated"), t.getMessage());
    byte[] badCrc = ok.clone();
    badCrc[ok.length - 8] ^= 1;
    assertThrows(
        IOException.class, () -> IdxReader.read(new ByteArrayInputStream(badCrc), "crc.gz"));
    byte[] longer = Arrays.copyOf(plain, plain.length + 1);
    IOException l =
        assertThrows(
            IOException.class, () -> IdxReader.read(new ByteArrayInputStream(longer), "long.idx"));
    assertTrue(
        l.getMessage().contains("long.idx")
            && l.getMessage().contains("longer than its " + "declared size"),
        l.getMessage());
  }
}
