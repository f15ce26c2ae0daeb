package io.hardneg.spark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's per-class table stays readable with the many-class task's 10,000 classes. */
class PerClassTableTest {
  /** Class {@code c} of {@code n}: MAP@R = a permutation of c / n, so every value is distinct. */
  static Map<String, Object> perClass(int n) {
    Map<String, Object> pc = new LinkedHashMap<>();
    for (int c = 0; c < n; c++) {
      double map = ((c * 7919L) % n) / (double) n;
      pc.put(
          String.valueOf(60_000 + c), Map.of("items", 4, "precision_at_1", map, "map_at_r", map));
    }
    return pc;
  }

  @Test
  void tenThousandClassesShowTheTwentyLowestAndHighestAndSayHowManyAreLeftOut() {
    Map<String, Object> pc = perClass(10_000);
    LatestRoundSections.Shown shown =
        LatestRoundSections.shown(pc, LatestRoundSections.MAX_CLASS_ROWS);
    assertEquals(40, shown.rows().size());
    assertEquals(9_960, shown.leftOut());
    List<Double> maps =
        shown.rows().stream()
            .map(e -> ((Number) e.getValue().get("map_at_r")).doubleValue())
            .toList();
    for (int i = 0; i < 20; i++) {
      assertEquals(i / 10_000.0, maps.get(i), 1e-12, "lowest " + i);
      assertEquals((9_980 + i) / 10_000.0, maps.get(20 + i), 1e-12, "highest " + i);
    }
    String html = LatestRoundSections.table(shown);
    assertEquals(1 + 40 + 1, html.split("<tr").length - 1, "header, 40 classes, the left-out row");
    assertTrue(html.contains("9960 classes left out"), html);
  }

  @Test
  void afewClassesAreAllShownInLabelOrder() {
    Map<String, Object> pc = perClass(10);
    LatestRoundSections.Shown shown = LatestRoundSections.shown(pc, 40);
    assertEquals(0, shown.leftOut());
    assertEquals(List.copyOf(pc.keySet()), shown.rows().stream().map(Map.Entry::getKey).toList());
    assertTrue(!LatestRoundSections.table(shown).contains("left out"));
  }
}
