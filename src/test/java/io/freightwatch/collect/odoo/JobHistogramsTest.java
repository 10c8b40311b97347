package io.freightwatch.collect.odoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.store.Labels;
import io.freightwatch.store.MetricType;
import io.freightwatch.store.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class JobHistogramsTest {

  private static final Labels ACME = Labels.of("tenant", "acme", "cluster", "eu1");

  @Test
  void bucketsAreCumulativeWithInf() {
    JobHistograms histograms = new JobHistograms("x_seconds", "help");
    histograms.startScrape();
    histograms.observe("root", 0.5);
    histograms.startScrape();
    histograms.observe("root", 1);
    histograms.observe("root", 250);
    histograms.observe("root", 90_000);

    Map<String, Double> buckets = buckets(samples(histograms));

    assertThat(buckets.get("1.0")).isEqualTo(2);
    assertThat(buckets.get("120.0")).isEqualTo(2);
    assertThat(buckets.get("300.0")).isEqualTo(3);
    assertThat(buckets.get("21600.0")).isEqualTo(3);
    assertThat(buckets.get("+Inf")).isEqualTo(4);
    assertThat(buckets).hasSize(JobHistograms.BOUNDS.length + 1);
  }

  @Test
  void sumAndCountFollowObservations() {
    JobHistograms histograms = new JobHistograms("x_seconds", "help");
    histograms.startScrape();
    histograms.observe("root", 2);
    histograms.startScrape();
    histograms.observe("root", 3);

    List<Sample> samples = samples(histograms);

    Labels root = ACME.with("channel", "root");
    assertThat(samples).contains(Sample.histogram("x_seconds_sum", "help", 5, root));
    assertThat(samples).contains(Sample.histogram("x_seconds_count", "help", 2, root));
  }

  @Test
  void bucketsGrowAndInfEqualsCount() {
    JobHistograms histograms = new JobHistograms("x_seconds", "help");
    histograms.startScrape();
    histograms.observe("root", 0);
    histograms.startScrape();
    for (double seconds : new double[] {0.2, 1, 1.5, 14, 59, 61, 301, 7200, 7201, 50_000}) {
      histograms.observe("root", seconds);
    }

    List<Sample> samples = samples(histograms);

    List<Double> cumulative = samples.stream()
        .filter(s -> s.name().equals("x_seconds_bucket"))
        .map(Sample::value)
        .toList();
    assertThat(cumulative).hasSize(JobHistograms.BOUNDS.length + 1).isSorted();
    Map<String, Double> buckets = buckets(samples);
    Labels root = ACME.with("channel", "root");
    assertThat(samples).contains(Sample.histogram("x_seconds_count", "help", 11, root));
    assertThat(buckets.get("+Inf")).isEqualTo(11);
    assertThat(samples).extracting(Sample::type).containsOnly(MetricType.HISTOGRAM);
    assertThat(samples).extracting(Sample::familyName).containsOnly("x_seconds");
  }

  @Test
  void newChannelShowsZeroFirst() {
    JobHistograms histograms = new JobHistograms("x_seconds", "help");
    histograms.startScrape();
    histograms.observe("root.edi", 42);
    histograms.observe("root.edi", 43);

    List<Sample> first = samples(histograms);

    assertThat(first).isNotEmpty().allMatch(s -> s.value() == 0);
  }

  private static List<Sample> samples(JobHistograms histograms) {
    List<Sample> out = new ArrayList<>();
    histograms.addSamples(ACME, out);
    return out;
  }

  private static Map<String, Double> buckets(List<Sample> samples) {
    return samples.stream()
        .filter(s -> s.name().equals("x_seconds_bucket"))
        .collect(Collectors.toMap(s -> s.labels().get("le"), Sample::value));
  }
}
