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
import java.util.Arrays;
import java.util.Comparator;
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
   * The families of the previous scrape, each with its series in the client library's label
   * order, and the store version they were built from. While no series was added, removed or
   * marked absent, a scrape reuses them: the client's label sets are not built again, and the
   * client's sort of each family's data points finds them already in order.
   */
  private List<Family> families = List.of();
  private long familiesVersion = -1;

  public StoreMetrics(SeriesStore store) {
    this.store = store;
  }

  @Override
  public MetricSnapshots collect() {
    if (store.version() != familiesVersion) {
      families = families(store.presentByName(), families);
      familiesVersion = store.version();
    }
    List<MetricSnapshot> snapshots = new ArrayList<>(families.size());
    for (Family family : families) {
      if (family.series[0].type() == MetricType.COUNTER) {
        snapshots.add(counter(family));
      } else {
        snapshots.add(gauge(family));
      }
    }
    return new MetricSnapshots(snapshots);
  }

  private static MetricSnapshot gauge(Family family) {
    GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(family.name);
    String help = family.series[0].help();
    if (!help.isEmpty()) {
      builder.help(help);
    }
    for (int i = 0; i < family.series.length; i++) {
      double value = family.series[i].latestValue();
      if (!Double.isNaN(value)) {
        builder.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
            .labels(family.labels[i])
            .value(value)
            .build());
      }
    }
    return builder.build();
  }

  private static MetricSnapshot counter(Family family) {
    // The client library adds the _total suffix itself and rejects names that already have it.
    String base = family.name.substring(0, family.name.length() - "_total".length());
    CounterSnapshot.Builder builder = CounterSnapshot.builder().name(base);
    String help = family.series[0].help();
    if (!help.isEmpty()) {
      builder.help(help);
    }
    for (int i = 0; i < family.series.length; i++) {
      double value = family.series[i].latestValue();
      if (!Double.isNaN(value)) {
        builder.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
            .labels(family.labels[i])
            .value(value)
            .build());
      }
    }
    return builder.build();
  }

  /**
   * Builds the families sorted by name, each family's series sorted by their client label sets.
   * Label sets of series that were already exported are taken from {@code previous}.
   */
  private static List<Family> families(Map<String, List<Series>> byName, List<Family> previous) {
    Map<io.freightwatch.store.Labels, Labels> known = new IdentityHashMap<>();
    for (Family family : previous) {
      for (int i = 0; i < family.series.length; i++) {
        known.put(family.series[i].labels(), family.labels[i]);
      }
    }
    List<Family> result = new ArrayList<>(byName.size());
    for (Map.Entry<String, List<Series>> entry : new TreeMap<>(byName).entrySet()) {
      List<Series> members = entry.getValue();
      Integer[] order = new Integer[members.size()];
      Labels[] exported = new Labels[members.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
        exported[i] = known.computeIfAbsent(members.get(i).labels(), StoreMetrics::convert);
      }
      Arrays.sort(order, Comparator.comparing(i -> exported[i]));
      Series[] series = new Series[order.length];
      Labels[] labels = new Labels[order.length];
      for (int i = 0; i < order.length; i++) {
        series[i] = members.get(order[i]);
        labels[i] = exported[order[i]];
      }
      result.add(new Family(entry.getKey(), series, labels));
    }
    return result;
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

  /** One metric name's present series and their client label sets, in the same order. */
  private record Family(String name, Series[] series, Labels[] labels) {}
}
