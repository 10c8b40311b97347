package io.freightwatch.collect.traefik;

import java.util.List;
import java.util.Objects;

/**
 * One metric family of a scrape: its metadata and its samples in the order they were written.
 *
 * @param name family name as given by {@code # TYPE}, or the sample name for undeclared families
 * @param type declared type, {@link FamilyType#UNKNOWN} when there was no {@code # TYPE} line
 * @param help text of {@code # HELP} with escapes resolved, empty when absent
 * @param unit OpenMetrics {@code # UNIT}, empty when absent
 * @param samples every sample of the family, including {@code _bucket}, {@code _sum}, {@code
 *     _count} and {@code _created} samples
 */
public record MetricFamily(
    String name, FamilyType type, String help, String unit, List<ParsedSample> samples) {

  public MetricFamily {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(help, "help");
    Objects.requireNonNull(unit, "unit");
    // The parser's lists are read-only views of its columns and need no copy.
    if (!(samples instanceof ExpositionSamples.SampleList)) {
      samples = List.copyOf(samples);
    }
  }
}
