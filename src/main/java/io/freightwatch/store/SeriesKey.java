package io.freightwatch.store;

import java.util.Objects;

/** Identity of a series: metric name plus its full label set. */
public record SeriesKey(String name, Labels labels) implements Comparable<SeriesKey> {

  public SeriesKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(labels, "labels");
  }

  @Override
  public int compareTo(SeriesKey other) {
    int byName = name.compareTo(other.name);
    return byName != 0 ? byName : labels.compareTo(other.labels);
  }

  @Override
  public String toString() {
    return name + labels;
  }
}
