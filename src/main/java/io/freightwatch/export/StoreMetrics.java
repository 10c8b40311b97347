package io.freightwatch.export;

import io.freightwatch.store.MetricType;
import io.freightwatch.store.Series;
import io.freightwatch.store.SeriesStore;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Exposes every present series of the store through the Prometheus Java client, so that {@code
 * /metrics} shows exactly what the agent collected and computed. NaN values are left out: an
 * unknown value is absent, not a number.
 *
 * <p>{@link #collect()} reads the store and therefore runs only on the agent's event loop.
 */
public final class StoreMetrics implements MultiCollector {

  private final SeriesStore store;

  public StoreMetrics(SeriesStore store) {
    this.store = store;
  }

  @Override
  public MetricSnapshots collect() {
    Map<String, List<Series>> byName = new TreeMap<>(store.presentByName());
    List<MetricSnapshot> snapshots = new ArrayList<>(byName.size());
    for (Map.Entry<String, List<Series>> family : byName.entrySet()) {
      List<Series> series = family.getValue();
      MetricType type = series.get(0).type();
      String help = series.get(0).help();
      if (type == MetricType.COUNTER) {
        snapshots.add(counter(family.getKey(), help, series));
      } else {
        snapshots.add(gauge(family.getKey(), help, series));
      }
    }
    return new MetricSnapshots(snapshots);
  }

  private static MetricSnapshot gauge(String name, String help, List<Series> series) {
    GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(name);
    if (!help.isEmpty()) {
      builder.help(help);
    }
    for (Series one : series) {
      double value = one.latestValue();
      if (!Double.isNaN(value)) {
        builder.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
            .labels(labels(one))
            .value(value)
            .build());
      }
    }
    return builder.build();
  }

  private static MetricSnapshot counter(String name, String help, List<Series> series) {
    // The client library adds the _total suffix itself and rejects names that already have it.
    String base = name.substring(0, name.length() - "_total".length());
    CounterSnapshot.Builder builder = CounterSnapshot.builder().name(base);
    if (!help.isEmpty()) {
      builder.help(help);
    }
    for (Series one : series) {
      double value = one.latestValue();
      if (!Double.isNaN(value)) {
        builder.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
            .labels(labels(one))
            .value(value)
            .build());
      }
    }
    return builder.build();
  }

  private static Labels labels(Series series) {
    Map<String, String> map = series.labels().asMap();
    String[] names = new String[map.size()];
    String[] values = new String[map.size()];
    int i = 0;
    for (Map.Entry<String, String> label : map.entrySet()) {
      names[i] = label.getKey();
      values[i] = label.getValue();
      i++;
    }
    return Labels.of(names, values);
  }
}
