package io.freightwatch.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesStore;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class StoreMetricsTest {

  private static final Instant T0 = Instant.parse("2026-03-10T14:00:00Z");

  private final SeriesStore store = new SeriesStore(Duration.ofMinutes(10));
  private final StoreMetrics metrics = new StoreMetrics(store);

  @Test
  void followsValuesAndSeriesAcrossScrapes() {
    store.applyScrape("a", List.of(
        gauge("jobs", 1, "tenant", "globex"),
        gauge("jobs", 2, "tenant", "acme")), T0);
    assertThat(points(metrics.collect(), "jobs")).containsExactly("acme=2.0", "globex=1.0");

    // Same series, new values: the cached families must show the new values.
    store.applyScrape("a", List.of(
        gauge("jobs", 3, "tenant", "globex"),
        gauge("jobs", 4, "tenant", "acme")), T0.plusSeconds(10));
    assertThat(points(metrics.collect(), "jobs")).containsExactly("acme=4.0", "globex=3.0");

    // A new series, a missing one and a new family.
    store.applyScrape("a", List.of(
        gauge("jobs", 5, "tenant", "initech"),
        gauge("jobs", 6, "tenant", "acme"),
        gauge("mails", 7, "tenant", "acme")), T0.plusSeconds(20));
    MetricSnapshots third = metrics.collect();
    assertThat(points(third, "jobs")).containsExactly("acme=6.0", "initech=5.0");
    assertThat(points(third, "mails")).containsExactly("acme=7.0");
  }

  @Test
  void leavesOutNaN() {
    store.applyScrape("a", List.of(
        gauge("jobs", Double.NaN, "tenant", "acme"),
        gauge("jobs", 1, "tenant", "globex")), T0);

    assertThat(points(metrics.collect(), "jobs")).containsExactly("globex=1.0");
  }

  private static Sample gauge(String name, double value, String... labels) {
    return Sample.gauge(name, "help", value, Labels.of(labels));
  }

  private static List<String> points(MetricSnapshots snapshots, String name) {
    MetricSnapshot family = snapshots.stream()
        .filter(snapshot -> snapshot.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow();
    return family.getDataPoints().stream()
        .map(point -> label(point) + "=" + ((GaugeSnapshot.GaugeDataPointSnapshot) point).getValue())
        .collect(Collectors.toList());
  }

  private static String label(DataPointSnapshot point) {
    return point.getLabels().get("tenant");
  }
}
