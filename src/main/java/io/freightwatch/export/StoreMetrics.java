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
import java.util.IdentityHashMap;
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
  /**
   * The client library's label sets of the previous scrape, by the store's label set. A series
   * keeps its label set object for life, so most series reuse theirs instead of copying,
   * checking and sorting their labels again. Each scrape keeps only the entries it used.
   */
  private Map<io.freightwatch.store.Labels, Labels> exportLabels = new IdentityHashMap<>();

  public StoreMetrics(SeriesStore store) {
    this.store = store;
  }

  @Override
  public MetricSnapshots collect() {
    Map<String, List<Series>> byName = new TreeMap<>(store.presentByName());
    List<MetricSnapshot> snapshots = new ArrayList<>(byName.size());
    Map<io.freightwatch.store.Labels, Labels> used = new IdentityHashMap<>(exportLabels.size());
    for (Map.Entry<String, List<Series>> family : byName.entrySet()) {
      List<Series> series = family.getValue();
      MetricType type = series.get(0).type();
      String help = series.get(0).help();
      if (type == MetricType.COUNTER) {
        snapshots.add(counter(family.getKey(), help, series, used));
      } else {
        snapshots.add(gauge(family.getKey(), help, series, used));
      }
    }
    exportLabels = used;
    return new MetricSnapshots(snapshots);
  }

  private MetricSnapshot gauge(String name, String help, List<Series> series,
      Map<io.freightwatch.store.Labels, Labels> used) {
    GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(name);
    if (!help.isEmpty()) {
      builder.help(help);
    }
    for (Series one : series) {
      double value = one.latestValue();
      if (!Double.isNaN(value)) {
        builder.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
            .labels(labels(one, used))
            .value(value)
            .build());
      }
    }
    return builder.build();
  }

  private MetricSnapshot counter(String name, String help, List<Series> series,
      Map<io.freightwatch.store.Labels, Labels> used) {
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
            .labels(labels(one, used))
            .value(value)
            .build());
      }
    }
    return builder.build();
  }

  private Labels labels(Series series, Map<io.freightwatch.store.Labels, Labels> used) {
    io.freightwatch.store.Labels stored = series.labels();
    Labels exported = used.get(stored);
    if (exported == null) {
      exported = exportLabels.get(stored);
      if (exported == null) {
        exported = convert(stored);
      }
      used.put(stored, exported);
    }
    return exported;
  }

  private static Labels convert(io.freightwatch.store.Labels stored) {
    String[] names = new String[stored.size()];
    String[] values = new String[stored.size()];
    int[] next = {0};
    stored.forEach((name, value) -> {
      names[next[0]] = name;
      values[next[0]] = value;
      next[0]++;
    });
    return Labels.of(names, values);
  }
}
