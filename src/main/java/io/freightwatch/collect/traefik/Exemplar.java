package io.freightwatch.collect.traefik;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * An OpenMetrics exemplar: one observed value with its labels (usually a trace id), written after
 * {@code #} on a counter or bucket sample.
 *
 * @param labels labels of the exemplar, often {@code trace_id}
 * @param value observed value
 * @param timestampMillis time of the observation in Unix milliseconds, when given
 */
public record Exemplar(LabelSet labels, double value, OptionalLong timestampMillis) {

  public Exemplar {
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(timestampMillis, "timestampMillis");
  }
}
