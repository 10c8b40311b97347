package io.freightwatch.collect.traefik;

import io.freightwatch.store.Labels;
import java.util.Arrays;

/**
 * Immutable label set of one scraped series, kept as a flat array of name/value pairs sorted by
 * name. It is lighter than {@link Labels} (one array per series instead of a tree map), which
 * matters for scrapes of tens of thousands of series. Labels with an empty value are dropped,
 * because Prometheus treats them as absent, so {@code x{a=""}} and {@code x} are the same series.
 */
public final class LabelSet {

  public static final LabelSet EMPTY = new LabelSet(new String[0]);

  private final String[] pairs;
  private final int hash;

  private LabelSet(String[] pairs) {
    this.pairs = pairs;
    this.hash = Arrays.hashCode(pairs);
  }

  /**
   * Builds a label set from name/value pairs in any order: {@code LabelSet.of("code", "200")}.
   *
   * @throws IllegalArgumentException on an odd count or a name given twice
   */
  public static LabelSet of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException(
          "LabelSet.of needs name/value pairs; got an odd count " + namesAndValues.length);
    }
    String[] copy = namesAndValues.clone();
    int duplicate = sortPairs(copy, copy.length);
    if (duplicate >= 0) {
      throw new IllegalArgumentException("label name " + copy[duplicate] + " is given twice");
    }
    return fromSortedPairs(copy, copy.length);
  }

  /**
   * Sorts the first {@code length} entries of {@code pairs} (name/value pairs) by name in place.
   * Insertion sort, because series have few labels and exporters usually write them sorted.
   *
   * @return the index of a name that occurs twice, or -1 when all names differ
   */
  static int sortPairs(String[] pairs, int length) {
    for (int i = 2; i < length; i += 2) {
      String name = pairs[i];
      String value = pairs[i + 1];
      int j = i - 2;
      while (j >= 0 && pairs[j].compareTo(name) > 0) {
        pairs[j + 2] = pairs[j];
        pairs[j + 3] = pairs[j + 1];
        j -= 2;
      }
      pairs[j + 2] = name;
      pairs[j + 3] = value;
    }
    for (int i = 2; i < length; i += 2) {
      if (pairs[i].equals(pairs[i - 2])) {
        return i;
      }
    }
    return -1;
  }

  /** Builds a set from the first {@code length} entries of pairs already sorted by name. */
  static LabelSet fromSortedPairs(String[] pairs, int length) {
    int kept = 0;
    for (int i = 0; i < length; i += 2) {
      if (!pairs[i + 1].isEmpty()) {
        kept += 2;
      }
    }
    if (kept == 0) {
      return EMPTY;
    }
    String[] copy = new String[kept];
    int next = 0;
    for (int i = 0; i < length; i += 2) {
      if (!pairs[i + 1].isEmpty()) {
        copy[next++] = pairs[i];
        copy[next++] = pairs[i + 1];
      }
    }
    return new LabelSet(copy);
  }

  /**
   * Wraps pairs that are already sorted by name, free of duplicate names and of empty values, as
   * the parser produces them. The set takes ownership of the array.
   */
  static LabelSet fromCheckedPairs(String[] pairs) {
    return new LabelSet(pairs);
  }

  /** Returns the value of {@code name}, or the empty string when the label is absent. */
  public String get(String name) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i].equals(name)) {
        return pairs[i + 1];
      }
    }
    return "";
  }

  public boolean has(String name) {
    return !get(name).isEmpty();
  }

  /** Returns a copy without {@code name}, or this set when the label is absent. */
  public LabelSet without(String name) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i].equals(name)) {
        String[] copy = new String[pairs.length - 2];
        System.arraycopy(pairs, 0, copy, 0, i);
        System.arraycopy(pairs, i + 2, copy, i, pairs.length - i - 2);
        return new LabelSet(copy);
      }
    }
    return this;
  }

  /** Returns a copy with {@code name} set to {@code value}; an empty value removes the label. */
  public LabelSet with(String name, String value) {
    LabelSet base = without(name);
    if (value.isEmpty()) {
      return base;
    }
    String[] copy = Arrays.copyOf(base.pairs, base.pairs.length + 2);
    copy[copy.length - 2] = name;
    copy[copy.length - 1] = value;
    sortPairs(copy, copy.length);
    return new LabelSet(copy);
  }

  /** Number of labels. */
  public int size() {
    return pairs.length / 2;
  }

  public String name(int index) {
    return pairs[2 * index];
  }

  public String value(int index) {
    return pairs[2 * index + 1];
  }

  /** Converts to the store's label type. */
  public Labels toLabels() {
    return Labels.of(pairs);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof LabelSet set && hash == set.hash && Arrays.equals(pairs, set.pairs);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** Renders the set in Prometheus selector form, for example {@code {code="200",method="GET"}}. */
  @Override
  public String toString() {
    return toLabels().toString();
  }
}
