package io.freightwatch.collect.traefik;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The parsed content of one scrape: every metric family in the order of first appearance, with an
 * index of samples by sample name so that readers need not know whether the format named a counter
 * family {@code x_total} (Prometheus text) or {@code x} (OpenMetrics).
 */
public final class Exposition {

  private final ExpositionFormat format;
  private final List<MetricFamily> families;
  private final Map<String, List<ParsedSample>> samplesByName;

  public Exposition(ExpositionFormat format, List<MetricFamily> families) {
    this.format = Objects.requireNonNull(format, "format");
    this.families = List.copyOf(families);
    Map<String, List<ParsedSample>> index = new HashMap<>();
    for (MetricFamily family : this.families) {
      for (ParsedSample sample : family.samples()) {
        index.computeIfAbsent(sample.name(), name -> new ArrayList<>()).add(sample);
      }
    }
    index.replaceAll((name, samples) -> List.copyOf(samples));
    this.samplesByName = index;
  }

  public ExpositionFormat format() {
    return format;
  }

  public List<MetricFamily> families() {
    return families;
  }

  /** Returns the family declared or first written under {@code name}, if any. */
  public Optional<MetricFamily> family(String name) {
    for (MetricFamily family : families) {
      if (family.name().equals(name)) {
        return Optional.of(family);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns every sample whose own name is {@code sampleName}, for example {@code
   * traefik_service_request_duration_seconds_bucket}. The list is empty when the scrape has none.
   */
  public List<ParsedSample> samples(String sampleName) {
    return samplesByName.getOrDefault(sampleName, List.of());
  }

  /** Number of samples in all families. */
  public int sampleCount() {
    int count = 0;
    for (MetricFamily family : families) {
      count += family.samples().size();
    }
    return count;
  }
}
