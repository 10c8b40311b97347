package io.freightwatch.collect.traefik;

import java.util.Objects;

/** Identity of a scraped series: sample name plus its full label set. */
public record SeriesId(String name, LabelSet labels) {

  public SeriesId {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(labels, "labels");
  }

  @Override
  public String toString() {
    return name + labels;
  }
}
