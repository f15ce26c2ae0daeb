package io.hardneg.spark.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hardneg.core.util.JsonShape.Inline;
import io.hardneg.core.util.JsonShape.OmitNull;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one JSON writer of hardneg's result files ({@code metrics.json}, {@code mining.json}, {@code
 * evaluation.json}, {@code best.json}, …), and their reader.
 *
 * <p>Results are records; a record is written as an object whose keys are its components in
 * declaration order, named in snake case with digits as words ({@code recallAt1} → {@code
 * recall_at_1}, {@code dAnMinusDAp} → {@code d_an_minus_d_ap}), so a record's component list is the
 * file's key list. Two annotations ({@link io.hardneg.core.util.JsonShape}, in miner-core so that
 * its records, e.g. the search report, can use them) cover what the files need beyond that: {@link
 * Inline} (a component's keys are written in its place, e.g. the retrieval metrics at the top of
 * {@code metrics.json}) and {@link OmitNull} (a key present in one mode or placement only). Maps
 * keep their order; NaN and infinities are written as null.
 */
public final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Pattern WORD =
      Pattern.compile("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[a-zA-Z])(?=[0-9])");

  private Json() {}

  /** Pretty JSON of records, maps, lists, numbers and strings. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(tree(value)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** Parses a JSON object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> read(String json) {
    try {
      return MAPPER.readValue(json, LinkedHashMap.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The JSON key of a record component. */
  static String key(String component) {
    return WORD.matcher(component).replaceAll("_").toLowerCase(java.util.Locale.ROOT);
  }

  private static Object tree(Object v) {
    if (v instanceof Double d && !Double.isFinite(d)) {
      return null;
    }
    if (v instanceof Float f && !Float.isFinite(f)) {
      return null;
    }
    if (v instanceof Record r) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        Object x = component(r, c);
        Inline inline = c.getAnnotation(Inline.class);
        if (inline != null) {
          if (x != null) {
            ((Map<?, ?>) tree(x)).forEach((k, y) -> out.put(inline.prefix() + k, y));
          }
        } else if (x != null || !c.isAnnotationPresent(OmitNull.class)) {
          out.put(key(c.getName()), tree(x));
        }
      }
      return out;
    }
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), tree(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      return l.stream().map(Json::tree).toList();
    }
    if (v instanceof Enum<?> e) {
      return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
    return v;
  }

  private static Object component(Record r, RecordComponent c) {
    try {
      Method get = c.getAccessor();
      get.setAccessible(true); // records nested in package-private classes
      return get.invoke(r);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + c, e);
    }
  }
}
