package io.freightwatch.collect.traefik;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The parsed content of one scrape: every metric family in the order of first appearance, with an
 * index of samples by sample name so that readers need not know whether the format named a counter
 * family {@code x_total} (Prometheus text) or {@code x} (OpenMetrics). Immutable, and safe to read
 * from any thread.
 */
public final class Exposition {

  private final ExpositionFormat format;
  private final List<MetricFamily> families;
  private final Map<String, List<ParsedSample>> samplesByName;
  private final int sampleCount;

  public Exposition(ExpositionFormat format, List<MetricFamily> families) {
    this.format = Objects.requireNonNull(format, "format");
    this.families = List.copyOf(families);
    Map<String, List<ParsedSample>> index = new HashMap<>();
    int count = 0;
    for (MetricFamily family : this.families) {
      for (ParsedSample sample : family.samples()) {
        index.computeIfAbsent(sample.name(), name -> new ArrayList<>()).add(sample);
        count++;
      }
    }
    index.replaceAll((name, samples) -> List.copyOf(samples));
    this.samplesByName = index;
    this.sampleCount = count;
  }

  /** Builds the parser's result, whose families contain views of {@code samples}. */
  Exposition(ExpositionFormat format, List<MetricFamily> families, ExpositionSamples samples) {
    this.format = format;
    this.families = List.copyOf(families);
    this.samplesByName = indexByName(samples);
    this.sampleCount = samples.count();
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
    return sampleCount;
  }

  /** Groups sample indices by name id with a counting sort, in the order of the scrape. */
  private static Map<String, List<ParsedSample>> indexByName(ExpositionSamples samples) {
    int count = samples.count();
    int maxNameId = -1;
    for (int i = 0; i < count; i++) {
      maxNameId = Math.max(maxNameId, samples.nameId(i));
    }
    int[] offsets = new int[maxNameId + 2];
    for (int i = 0; i < count; i++) {
      offsets[samples.nameId(i) + 1]++;
    }
    for (int id = 0; id <= maxNameId; id++) {
      offsets[id + 1] += offsets[id];
    }
    int[] next = offsets.clone();
    int[] ordered = new int[count];
    for (int i = 0; i < count; i++) {
      ordered[next[samples.nameId(i)]++] = i;
    }
    Map<String, List<ParsedSample>> index = new HashMap<>();
    for (int id = 0; id <= maxNameId; id++) {
      int size = offsets[id + 1] - offsets[id];
      if (size > 0) {
        int[] indices = Arrays.copyOfRange(ordered, offsets[id], offsets[id + 1]);
        index.put(samples.string(id), samples.list(indices, size));
      }
    }
    return index;
  }
}
