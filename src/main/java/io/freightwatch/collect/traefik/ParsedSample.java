package io.freightwatch.collect.traefik;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One sample line of a scrape.
 *
 * @param name sample name as written, including suffixes such as {@code _bucket} or {@code _total}
 * @param labels labels as written, including {@code le} and {@code quantile}
 * @param value the value, where NaN and the infinities are kept as written
 * @param timestampMillis the sample's own timestamp in Unix milliseconds, when given (OpenMetrics
 *     writes seconds, converted here)
 * @param exemplar the OpenMetrics exemplar after {@code #}, when given
 */
public record ParsedSample(
    String name,
    LabelSet labels,
    double value,
    OptionalLong timestampMillis,
    Optional<Exemplar> exemplar) {

  public ParsedSample {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(timestampMillis, "timestampMillis");
    Objects.requireNonNull(exemplar, "exemplar");
  }

  /** Identity of the series this sample belongs to. */
  public SeriesId id() {
    return new SeriesId(name, labels);
  }
}
