package io.freightwatch.store;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Immutable label set of one series, kept sorted by label name so that equal sets compare and hash
 * equal whatever order they were built in. Empty values are dropped, as Prometheus treats a label
 * with an empty value as absent.
 *
 * <p>Names and values are two parallel sorted arrays rather than a tree map. By estimate, a set of
 * five labels then costs about 100 bytes instead of about 300, and lookups and comparisons walk
 * arrays. Every series, sample and alert has one.
 */
public final class Labels implements Comparable<Labels> {

  private static final String[] NONE = new String[0];

  public static final Labels EMPTY = new Labels(NONE, NONE);

  private final String[] names;
  private final String[] values;
  private final int hash;

  private Labels(String[] names, String[] values) {
    this.names = names;
    this.values = values;
    // A map's hash, the sum of name ^ value, often collides for label sets whose values differ
    // in a few characters (tenant t001 with code 500 against t002 with code 404). A plain
    // polynomial over String hashes collides too, because those hashes are linear in the
    // characters. Mixing each value's hash with the MurmurHash3 finalizer breaks that, so hash
    // maps of series keep short buckets. The arrays are sorted, so equal sets hash equal.
    int combined = 0;
    for (int i = 0; i < names.length; i++) {
      combined = 31 * combined + names[i].hashCode();
      combined = 31 * combined + mix(values[i].hashCode());
    }
    this.hash = combined;
  }

  /** Builds a label set from name/value pairs: {@code Labels.of("tenant", "acme", "state", "x")}. */
  public static Labels of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException(
          "Labels.of needs name/value pairs; got an odd count " + namesAndValues.length);
    }
    Builder builder = new Builder(namesAndValues.length / 2);
    for (int i = 0; i < namesAndValues.length; i += 2) {
      builder.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return builder.build();
  }

  public static Labels of(Map<String, String> map) {
    Builder builder = new Builder(map.size());
    map.forEach(builder::put);
    return builder.build();
  }

  /** Returns a copy with {@code name} set to {@code value}; an empty value removes the label. */
  public Labels with(String name, String value) {
    Objects.requireNonNull(name, "label name");
    if (value == null || value.isEmpty()) {
      return without(name);
    }
    int index = Arrays.binarySearch(names, name);
    if (index >= 0) {
      if (values[index].equals(value)) {
        return this;
      }
      String[] newValues = values.clone();
      newValues[index] = value;
      return new Labels(names, newValues);
    }
    int at = -index - 1;
    String[] newNames = new String[names.length + 1];
    String[] newValues = new String[names.length + 1];
    System.arraycopy(names, 0, newNames, 0, at);
    System.arraycopy(values, 0, newValues, 0, at);
    newNames[at] = name;
    newValues[at] = value;
    System.arraycopy(names, at, newNames, at + 1, names.length - at);
    System.arraycopy(values, at, newValues, at + 1, names.length - at);
    return new Labels(newNames, newValues);
  }

  /** Returns a copy with every label of {@code other} added, replacing labels of the same name. */
  public Labels withAll(Labels other) {
    if (other.names.length == 0) {
      return this;
    }
    Builder builder = new Builder(names.length + other.names.length);
    for (int i = 0; i < names.length; i++) {
      builder.put(names[i], values[i]);
    }
    for (int i = 0; i < other.names.length; i++) {
      builder.put(other.names[i], other.values[i]);
    }
    return builder.build();
  }

  public Labels without(String name) {
    int index = Arrays.binarySearch(names, name);
    if (index < 0) {
      return this;
    }
    String[] newNames = new String[names.length - 1];
    String[] newValues = new String[names.length - 1];
    System.arraycopy(names, 0, newNames, 0, index);
    System.arraycopy(values, 0, newValues, 0, index);
    System.arraycopy(names, index + 1, newNames, index, names.length - index - 1);
    System.arraycopy(values, index + 1, newValues, index, names.length - index - 1);
    return new Labels(newNames, newValues);
  }

  /** Returns the value of {@code name}, or the empty string when the label is absent. */
  public String get(String name) {
    int index = indexOf(name);
    return index >= 0 ? values[index] : "";
  }

  public boolean has(String name) {
    return indexOf(name) >= 0;
  }

  /** Returns true when every label of {@code subset} is present here with the same value. */
  public boolean containsAll(Labels subset) {
    for (int i = 0; i < subset.names.length; i++) {
      int index = indexOf(subset.names[i]);
      if (index < 0 || !values[index].equals(subset.values[i])) {
        return false;
      }
    }
    return true;
  }

  /** Passes every label to {@code action} in name order, without building a map. */
  public void forEach(BiConsumer<String, String> action) {
    for (int i = 0; i < names.length; i++) {
      action.accept(names[i], values[i]);
    }
  }

  /** Returns an unmodifiable view of the labels as a map that iterates in name order. */
  public Map<String, String> asMap() {
    return new MapView();
  }

  public int size() {
    return names.length;
  }

  public boolean isEmpty() {
    return names.length == 0;
  }

  @Override
  public boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    return other instanceof Labels labels && hash == labels.hash
        && Arrays.equals(names, labels.names) && Arrays.equals(values, labels.values);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /**
   * Orders label sets pair by pair, by name and then by value, and a set before any longer set
   * that starts with the same pairs. Collectors group rows in sorted maps keyed by label sets, so
   * this runs for every row and compares the arrays instead of rendering both sets.
   */
  @Override
  public int compareTo(Labels other) {
    int common = Math.min(names.length, other.names.length);
    for (int i = 0; i < common; i++) {
      int byName = names[i].compareTo(other.names[i]);
      if (byName != 0) {
        return byName;
      }
      int byValue = values[i].compareTo(other.values[i]);
      if (byValue != 0) {
        return byValue;
      }
    }
    return Integer.compare(names.length, other.names.length);
  }

  /** Renders the set in Prometheus selector form, for example {@code {state="pending",tenant="acme"}}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < names.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(names[i]).append("=\"");
      escapeValue(values[i], out);
      out.append('"');
    }
    return out.append('}').toString();
  }

  private int indexOf(String name) {
    // Names mostly come from the same string constants, so a reference check finds them without
    // comparing characters. Other names fall back to a binary search.
    for (int i = 0; i < names.length; i++) {
      if (names[i] == name) {
        return i;
      }
    }
    return name == null ? -1 : Arrays.binarySearch(names, name);
  }

  private static int mix(int hash) {
    int mixed = hash ^ (hash >>> 16);
    mixed *= 0x85ebca6b;
    mixed ^= mixed >>> 13;
    mixed *= 0xc2b2ae35;
    return mixed ^ (mixed >>> 16);
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

  /** Collects pairs in name order. A later pair replaces an earlier one of the same name. */
  private static final class Builder {
    private String[] names;
    private String[] values;
    private int size;

    Builder(int capacity) {
      names = new String[capacity];
      values = new String[capacity];
    }

    void put(String name, String value) {
      Objects.requireNonNull(name, "label name");
      int index = Arrays.binarySearch(names, 0, size, name);
      if (value == null || value.isEmpty()) {
        if (index >= 0) {
          remove(index);
        }
        return;
      }
      if (index >= 0) {
        values[index] = value;
        return;
      }
      int at = -index - 1;
      if (size == names.length) {
        names = Arrays.copyOf(names, size * 2 + 1);
        values = Arrays.copyOf(values, size * 2 + 1);
      }
      System.arraycopy(names, at, names, at + 1, size - at);
      System.arraycopy(values, at, values, at + 1, size - at);
      names[at] = name;
      values[at] = value;
      size++;
    }

    Labels build() {
      if (size == 0) {
        return EMPTY;
      }
      return new Labels(size == names.length ? names : Arrays.copyOf(names, size),
          size == values.length ? values : Arrays.copyOf(values, size));
    }

    private void remove(int index) {
      System.arraycopy(names, index + 1, names, index, size - index - 1);
      System.arraycopy(values, index + 1, values, index, size - index - 1);
      size--;
      names[size] = null;
      values[size] = null;
    }
  }

  /** The labels seen as a sorted, unmodifiable map. */
  private final class MapView extends AbstractMap<String, String> {

    @Override
    public Set<Entry<String, String>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Entry<String, String>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < names.length;
            }

            @Override
            public Entry<String, String> next() {
              if (next >= names.length) {
                throw new NoSuchElementException();
              }
              Entry<String, String> entry =
                  new SimpleImmutableEntry<>(names[next], values[next]);
              next++;
              return entry;
            }
          };
        }

        @Override
        public int size() {
          return names.length;
        }
      };
    }

    @Override
    public int size() {
      return names.length;
    }

    @Override
    public boolean containsKey(Object key) {
      return key instanceof String name && indexOf(name) >= 0;
    }

    @Override
    public String get(Object key) {
      if (!(key instanceof String name)) {
        return null;
      }
      int index = indexOf(name);
      return index >= 0 ? values[index] : null;
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super String> action) {
      for (int i = 0; i < names.length; i++) {
        action.accept(names[i], values[i]);
      }
    }
  }
}
