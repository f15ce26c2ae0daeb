package io.hardneg.spark.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Flat {@code key = value} settings (Java properties syntax, {@code #} comments) with typed,
 * validated getters. Every getter records its key, so {@link #checkAllKnown()} can reject keys
 * nobody read: a misspelt key is an error, not a silently ignored line.
 */
public final class Settings {
  private final Map<String, String> values = new LinkedHashMap<>();
  private final Map<String, String> origin = new LinkedHashMap<>();
  private final Set<String> read = new TreeSet<>();

  /**
   * Loads a properties file (UTF-8); later loads and {@link #set} override earlier values. A file
   * that is not UTF-8 or holds a malformed {@code \\uXXXX} escape is a {@link ConfigException}
   * naming the file and the line.
   */
  public Settings load(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read configuration file " + file + ": " + e.getMessage(), e);
    }
    String text = utf8(file, bytes);
    Properties p = new Properties();
    try {
      p.load(new java.io.StringReader(text));
    } catch (IOException | IllegalArgumentException e) {
      // Properties says "Malformed \\uxxxx encoding." without a line: find it ourselves
      throw new ConfigException(
          "configuration file "
              + file
              + ", line "
              + badEscapeLine(text)
              + ": "
              + e.getMessage()
              + " (a \\u escape needs four hex digits; write \\\\ for a "
              + "backslash)",
          e);
    }
    for (String k : new TreeSet<>(p.stringPropertyNames())) {
      put(k, p.getProperty(k), file.toString());
    }
    return this;
  }

  /** Strict UTF-8 decoding; a bad byte sequence names its line. */
  private static String utf8(Path file, byte[] bytes) {
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
    try {
      return decoder.decode(in).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      // decode() leaves the buffer at the start of the offending sequence
      int at = in.position();
      int line = 1;
      for (int i = 0; i < at && i < bytes.length; i++) {
        line += bytes[i] == '\n' ? 1 : 0;
      }
      throw new ConfigException(
          "configuration file "
              + file
              + ", line "
              + line
              + ": not UTF-8 "
              + "(byte 0x"
              + String.format("%02x", bytes[Math.min(at, bytes.length - 1)] & 0xff)
              + " at offset "
              + at
              + "); save the file as UTF-8",
          e);
    }
  }

  /** The 1-based line of the first {@code \\u} escape without four hex digits (0 if none). */
  static int badEscapeLine(String text) {
    String[] lines = text.split("\n", -1);
    for (int l = 0; l < lines.length; l++) {
      String s = lines[l];
      if (s.strip().startsWith("#") || s.strip().startsWith("!")) {
        continue; // comments are not unescaped
      }
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) == '\\') {
          if (i + 1 < s.length()
              && s.charAt(i + 1) == 'u'
              && !s.substring(i + 2).matches("(?s)[0-9a-fA-F]{4}.*")) {
            return l + 1;
          }
          i++; // the escaped character
        }
      }
    }
    return 0;
  }

  /** Sets one value, e.g. from {@code --set key=value}. */
  public Settings set(String key, String value, String from) {
    put(key, value, from);
    return this;
  }

  private void put(String key, String value, String from) {
    values.put(key.trim(), value.trim());
    origin.put(key.trim(), from);
  }

  /** All values given (not defaults), for provenance. */
  public Map<String, String> given() {
    return new LinkedHashMap<>(values);
  }

  private String raw(String key) {
    read.add(key);
    return values.get(key);
  }

  private ConfigException bad(String key, String value, String rule) {
    return new ConfigException(
        "configuration key '"
            + key
            + "' = '"
            + value
            + "' (from "
            + origin.getOrDefault(key, "default")
            + "): "
            + rule);
  }

  public String string(String key, String def) {
    String v = raw(key);
    return v == null || v.isEmpty() ? def : v;
  }

  public long longValue(String key, long def) {
    String v = raw(key);
    if (v == null) {
      return def;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw bad(key, v, "not an integer");
    }
  }

  /** An int in [min, max]. */
  public int intIn(String key, int def, int min, int max) {
    String v = raw(key);
    int x;
    if (v == null) {
      x = def;
    } else {
      try {
        x = Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw bad(key, v, "not an integer");
      }
    }
    if (x < min || x > max) {
      throw bad(key, String.valueOf(x), "must be in [" + min + ", " + max + "]");
    }
    return x;
  }

  /** A finite double in [min, max]. */
  public double doubleIn(String key, double def, double min, double max) {
    String v = raw(key);
    double x;
    if (v == null) {
      x = def;
    } else {
      try {
        x = Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw bad(key, v, "not a number");
      }
    }
    if (!(x >= min && x <= max)) {
      throw bad(key, String.valueOf(x), "must be a number in [" + min + ", " + max + "]");
    }
    return x;
  }

  /** A comma-separated list of positive ints. */
  public int[] intList(String key, int[] def) {
    String v = raw(key);
    if (v == null) {
      return def.clone();
    }
    String[] parts = v.split(",");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        throw bad(key, v, "not a comma-separated list of integers");
      }
      if (out[i] < 1) {
        throw bad(key, v, "every entry must be >= 1");
      }
    }
    return out;
  }

  /** Applies a parser that throws IllegalArgumentException, rewording its message. */
  public <T> T parsed(String key, String def, java.util.function.Function<String, T> parser) {
    String v = string(key, def);
    try {
      return parser.apply(v);
    } catch (IllegalArgumentException e) {
      throw bad(key, v, e.getMessage());
    }
  }

  /** Keys read so far by the getters (after {@link JobConfig#from}: every key the job knows). */
  public Set<String> readKeys() {
    return new TreeSet<>(read);
  }

  /** Throws if a key was given that no getter read. */
  public void checkAllKnown() {
    for (String k : values.keySet()) {
      if (!read.contains(k)) {
        throw new ConfigException(
            "unknown configuration key '"
                + k
                + "' (from "
                + origin.get(k)
                + "); known keys: "
                + String.join(", ", read));
      }
    }
  }
}
