package io.hardneg.core.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PkSamplerTest {
  /** Classes 0..5 with 6 items each, class 6 with 2 items, class 7 with 1 item. */
  static long[] labels() {
    long[] l = new long[6 * 6 + 2 + 1];
    for (int i = 0; i < 36; i++) {
      l[i] = i % 6;
    }
    l[36] = 6;
    l[37] = 6;
    l[38] = 7;
    return l;
  }

  static Map<Long, Integer> countByClass(long[] labels, int[] batch) {
    Map<Long, Integer> m = new HashMap<>();
    for (int i : batch) {
      m.merge(labels[i], 1, Integer::sum);
    }
    return m;
  }

  @Test
  void batchesHavePDistinctClassesOfKItemsAndAreSeeded() {
    long[] l = labels();
    PkSampler s = new PkSampler(l, 4, 3, SmallClassPolicy.DROP, 7);
    assertEquals(6, s.eligibleClasses());
    for (long step = 0; step < 50; step++) {
      int[] b = s.batch(step);
      assertEquals(12, b.length);
      Map<Long, Integer> c = countByClass(l, b);
      assertEquals(4, c.size());
      c.values().forEach(v -> assertEquals(3, v));
      assertEquals(12, Arrays.stream(b).distinct().count(), "distinct items");
      assertFalse(c.containsKey(6L) || c.containsKey(7L), "small classes dropped");
      assertArrayEquals(b, new PkSampler(l, 4, 3, SmallClassPolicy.DROP, 7).batch(step));
    }
    assertFalse(Arrays.equals(s.batch(0), s.batch(1)));
    assertFalse(Arrays.equals(s.batch(0), new PkSampler(l, 4, 3, SmallClassPolicy.DROP, 8)
        .batch(0)));
  }

  @Test
  void classesAreChosenUniformly() {
    long[] l = labels();
    PkSampler s = new PkSampler(l, 2, 2, SmallClassPolicy.DROP, 1);
    assertEquals(7, s.eligibleClasses(), "class 6 has K=2 items; class 7 is dropped");
    int[] hits = new int[7];
    int steps = 3000;
    for (long step = 0; step < steps; step++) {
      for (long c : countByClass(l, s.batch(step)).keySet()) {
        hits[(int) c]++;
      }
    }
    double p = 2.0 / 7;
    double sd = Math.sqrt(steps * p * (1 - p));
    for (int h : hits) {
      assertEquals(steps * p, h, 5 * sd, Arrays.toString(hits));
    }
  }

  @Test
  void smallClassPolicies() {
    long[] l = labels();
    // all 8 classes in every batch, so the small ones are always drawn
    int[] rep = new PkSampler(l, 8, 3, SmallClassPolicy.REPLACE, 3).batch(0);
    assertEquals(24, rep.length);
    Set<Integer> class6 = new HashSet<>();
    int class7 = 0;
    for (int i : rep) {
      if (l[i] == 6) {
        class6.add(i);
      } else if (l[i] == 7) {
        class7++;
        assertEquals(38, i);
      }
    }
    assertEquals(Set.of(36, 37), class6, "every item of a small class, then replacement");
    assertEquals(3, class7);
    int[] all = new PkSampler(l, 8, 3, SmallClassPolicy.TAKE_ALL, 3).batch(0);
    assertEquals(6 * 3 + 2 + 1, all.length);
    assertEquals(all.length, Arrays.stream(all).distinct().count());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PkSampler(l, 7, 3, SmallClassPolicy.DROP, 0));
    assertTrue(e.getMessage().contains("P=7") && e.getMessage().contains("found 6"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new PkSampler(l, 0, 3, SmallClassPolicy.DROP, 0));
  }
}
