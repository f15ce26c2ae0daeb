package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hardneg.core.data.LabeledVectors;
import io.hardneg.spark.io.ExactLong;
import io.hardneg.spark.io.InputException;
import io.hardneg.spark.io.InputSpec;
import io.hardneg.spark.io.TableSource;
import io.hardneg.spark.io.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: a seeded random corruption of a valid CSV (a byte flipped, deleted or inserted, a field
 * deleted or inserted) is either refused with one line naming the file, or read to exactly the
 * items a strict reference reading of the corrupted text gives — which is the clean input's items
 * whenever the corruption changes no value (a blank line, {@code 0.5} → {@code 0.50}). A silently
 * changed, dropped or truncated value fails the test. Mutations draw from digits, {@code , . - x}
 * and newlines, where the reference reading is unambiguous.
 */
class CorruptInputPropertyTest {
  @TempDir Path tmp;

  static final String CLEAN =
      "id,label,f0,f1\n10,0,0.5,1\n11,0,0.25,0.75\n12,1,1,-0.5\n"
          + "13,1,2,-1\n14,0,0.125,1\n9007199254740993,1,3,-2\n";
  static final String ALPHABET = "0123456789,.-x\n";
  static final int CASES = 32;

  @Test
  void aCorruptedFileIsRefusedInOneLineOrReadExactly() throws Exception {
    int refused = 0;
    for (int seed = 0; seed < CASES; seed++) {
      String text = corrupt(CLEAN, new Random(seed));
      Path p = tmp.resolve("corrupt-" + seed + ".csv");
      Files.writeString(p, text);
      TreeMap<Long, Object[]> expected = reference(text);
      InputSpec spec =
          new InputSpec(InputSpec.Format.CSV, p.toString(), null, null, "id", "label", "");
      LabeledVectors got;
      try {
        got = Tables.collect(TableSource.load(SharedSpark.get(), spec, 2));
      } catch (InputException e) {
        refused++;
        String m = e.getMessage();
        assertTrue(
            m.contains(p.getFileName().toString()) && !m.contains("\n"),
            "seed " + seed + ": one line naming the file: " + m);
        assertEquals(
            null,
            expected,
            "seed "
                + seed
                + " refused ("
                + m
                + ") but the reference "
                + "reads it; text:\n"
                + text);
        continue;
      } catch (Exception e) {
        fail("seed " + seed + ": not a bad-input error: " + e + "\ntext:\n" + text);
        return;
      }
      if (expected == null) {
        fail("seed " + seed + ": accepted, but the reference refuses it; text:\n" + text);
      }
      assertEquals(expected.size(), got.size(), "seed " + seed);
      int i = 0;
      for (var e : expected.entrySet()) {
        assertEquals(e.getKey(), got.ids()[i], "seed " + seed + " id");
        assertEquals((Long) e.getValue()[0], got.labels()[i], "seed " + seed + " label");
        assertArrayEquals((float[]) e.getValue()[1], got.row(i), "seed " + seed + " features");
        i++;
      }
    }
    assertTrue(refused > 0 && refused < CASES, "both outcomes drawn: " + refused + " refused");
  }

  static String corrupt(String s, Random r) {
    return corrupt(s, r, ALPHABET, ",", g -> String.valueOf(g.nextInt(10)));
  }

  /**
   * One seeded corruption of {@code s}: a character of {@code alphabet} set, deleted or inserted at
   * a random place, or a whole field (separated by {@code sep}) of a random line deleted or
   * inserted ({@code field} draws the inserted one).
   */
  static String corrupt(
      String s,
      Random r,
      String alphabet,
      String sep,
      java.util.function.Function<Random, String> field) {
    StringBuilder b = new StringBuilder(s);
    int op = r.nextInt(5);
    int at = r.nextInt(b.length());
    char c = alphabet.charAt(r.nextInt(alphabet.length()));
    switch (op) {
      case 0 -> b.setCharAt(at, c);
      case 1 -> b.deleteCharAt(at);
      case 2 -> b.insert(at, c);
      default -> {
        // a whole field: delete one (op 3) or insert one (op 4) on a random line
        String[] lines = s.split("\n", -1);
        int l = r.nextInt(lines.length - 1);
        List<String> f = new ArrayList<>(List.of(lines[l].split(sep, -1)));
        if (op == 3) {
          f.remove(r.nextInt(f.size()));
        } else {
          f.add(r.nextInt(f.size() + 1), field.apply(r));
        }
        lines[l] = String.join(sep, f);
        return String.join("\n", lines);
      }
    }
    return b.toString();
  }

  /** id → {label, features} as a strict reader sees {@code text}; null = must be refused. */
  static TreeMap<Long, Object[]> reference(String text) {
    List<String> lines = new ArrayList<>();
    for (String l : text.split("\n", -1)) {
      if (!l.isEmpty()) {
        lines.add(l);
      }
    }
    if (lines.isEmpty()) {
      return null;
    }
    String[] header = lines.get(0).split(",", -1);
    int id = List.of(header).indexOf("id");
    int label = List.of(header).indexOf("label");
    if (id < 0 || label < 0 || id == label || lines.size() < 2) {
      return null;
    }
    TreeMap<Long, Object[]> out = new TreeMap<>();
    Set<Long> labels = new HashSet<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",", -1);
      if (f.length != header.length) {
        return null;
      }
      Object i = ExactLong.parse(f[id]);
      Object y = ExactLong.parse(f[label]);
      if (!(i instanceof Long) || !(y instanceof Long) || out.containsKey((Long) i)) {
        return null;
      }
      float[] x = new float[header.length - 2];
      int k = 0;
      double ss = 0;
      for (int j = 0; j < f.length; j++) {
        if (j == id || j == label) {
          continue;
        }
        try {
          x[k] = Float.parseFloat(f[j]);
        } catch (NumberFormatException e) {
          return null;
        }
        if (f[j].isEmpty() || !Float.isFinite(x[k])) {
          return null;
        }
        ss += (double) x[k] * x[k];
        k++;
      }
      if (ss < InputSpec.MIN_NORM * InputSpec.MIN_NORM) {
        return null;
      }
      out.put((Long) i, new Object[] {y, x});
      labels.add((Long) y);
    }
    return labels.size() < 2 ? null : out;
  }
}
