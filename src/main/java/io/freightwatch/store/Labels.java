package io.freightwatch.store;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Immutable label set of one series, kept sorted by label name so that equal sets compare and hash
 * equal whatever order they were built in. Empty values are dropped, as Prometheus treats a label
 * with an empty value as absent.
 */
public final class Labels implements Comparable<Labels> {

  public static final Labels EMPTY = new Labels(new TreeMap<>());

  private final TreeMap<String, String> values;
  private final int hash;

  private Labels(TreeMap<String, String> values) {
    this.values = values;
    this.hash = values.hashCode();
  }

  /** Builds a label set from name/value pairs: {@code Labels.of("tenant", "acme", "state", "x")}. */
  public static Labels of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException(
          "Labels.of needs name/value pairs; got an odd count " + namesAndValues.length);
    }
    TreeMap<String, String> map = new TreeMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      put(map, namesAndValues[i], namesAndValues[i + 1]);
    }
    return new Labels(map);
  }

  public static Labels of(Map<String, String> map) {
    TreeMap<String, String> copy = new TreeMap<>();
    map.forEach((name, value) -> put(copy, name, value));
    return new Labels(copy);
  }

  /** Returns a copy with {@code name} set to {@code value}; an empty value removes the label. */
  public Labels with(String name, String value) {
    TreeMap<String, String> copy = new TreeMap<>(values);
    copy.remove(name);
    put(copy, name, value);
    return new Labels(copy);
  }

  /** Returns a copy with every label of {@code other} added, replacing labels of the same name. */
  public Labels withAll(Labels other) {
    TreeMap<String, String> copy = new TreeMap<>(values);
    other.values.forEach((name, value) -> put(copy, name, value));
    return new Labels(copy);
  }

  public Labels without(String name) {
    if (!values.containsKey(name)) {
      return this;
    }
    TreeMap<String, String> copy = new TreeMap<>(values);
    copy.remove(name);
    return new Labels(copy);
  }

  /** Returns the value of {@code name}, or the empty string when the label is absent. */
  public String get(String name) {
    return values.getOrDefault(name, "");
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** Returns true when every label of {@code subset} is present here with the same value. */
  public boolean containsAll(Labels subset) {
    for (Map.Entry<String, String> entry : subset.values.entrySet()) {
      if (!entry.getValue().equals(values.get(entry.getKey()))) {
        return false;
      }
    }
    return true;
  }

  public Map<String, String> asMap() {
    return Collections.unmodifiableMap(values);
  }

  public int size() {
    return values.size();
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  @Override
  public boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    return other instanceof Labels labels && hash == labels.hash && values.equals(labels.values);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(Labels other) {
    return toString().compareTo(other.toString());
  }

  /** Renders the set in Prometheus selector form, for example {@code {state="pending",tenant="acme"}}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("{");
    values.forEach(
        (name, value) -> {
          if (out.length() > 1) {
            out.append(',');
          }
          out.append(name).append("=\"");
          escapeValue(value, out);
          out.append('"');
        });
    return out.append('}').toString();
  }

  private static void put(TreeMap<String, String> map, String name, String value) {
    Objects.requireNonNull(name, "label name");
    if (value != null && !value.isEmpty()) {
      map.put(name, value);
    }
  }

  private static void escapeValue(String value, StringBuilder out) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }
}
