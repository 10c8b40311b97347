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
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exposes every present series of the store through the Prometheus Java client, so that {@code
 * /metrics} shows exactly what the agent collected and computed. NaN values are left out: an
 * unknown value is absent, not a number. Series of type {@link MetricType#HISTOGRAM} and {@link
 * MetricType#SUMMARY} are grouped by family into one histogram or summary each.
 *
 * <p>{@link #collect()} reads the store and therefore runs only on the agent's event loop.
 */
public final class StoreMetrics implements MultiCollector {

  private static final Logger LOG = LoggerFactory.getLogger(StoreMetrics.class);

  private final SeriesStore store;
  /** Names of the families already logged for mixing types, so that each is logged once. */
  private final Set<String> mixedTypesLogged = new HashSet<>();
  /** Family names already logged for a malformed histogram or summary series. */
  private final Set<String> malformedLogged = new HashSet<>();
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
      snapshots.add(family.snapshot());
    }
    return new MetricSnapshots(snapshots);
  }

  /**
   * Builds the families sorted by name. Label sets of series that were already exported are taken
   * from {@code previous}.
   */
  private List<Family> families(Map<String, List<Series>> byName, List<Family> previous) {
    LabelConverter converter = new LabelConverter(previous);
    Map<String, List<Series>> byFamily = new TreeMap<>();
    for (List<Series> members : byName.values()) {
      Series first = members.get(0);
      byFamily.computeIfAbsent(first.familyName(), name -> new ArrayList<>()).addAll(members);
    }
    List<Family> result = new ArrayList<>(byFamily.size());
    byFamily.forEach((name, members) -> {
      List<Series> sameType = withFirstType(name, members);
      String help = sameType.get(0).help();
      switch (sameType.get(0).type()) {
        case GAUGE, COUNTER -> result.add(scalar(name, sameType, converter));
        case HISTOGRAM -> result.add(
            HistogramFamily.of(name, help, sameType, converter, this::logMalformed));
        case SUMMARY -> result.add(
            SummaryFamily.of(name, help, sameType, converter, this::logMalformed));
        default -> throw new IllegalStateException("unknown type " + sameType.get(0).type());
      }
    });
    return result;
  }

  /**
   * Returns the members of the type of the first one. A family whose series have different types
   * (a gauge {@code x_count} next to a histogram {@code x}) cannot be exported as one, so the
   * others are left out and the conflict is logged once per family.
   */
  private List<Series> withFirstType(String name, List<Series> members) {
    MetricType type = members.get(0).type();
    List<Series> sameType = members.stream().filter(s -> s.type() == type).toList();
    if (sameType.size() != members.size() && mixedTypesLogged.add(name)) {
      LOG.warn("series of one family have different types, exporting only the {} series"
          + " family={} left_out={}", type, name, members.size() - sameType.size());
    }
    return sameType;
  }

  /** Logs a series left out of a histogram or summary, once per family. */
  private void logMalformed(String family, String problem) {
    if (malformedLogged.add(family)) {
      LOG.warn("series left out of /metrics because it does not fit its family family={}"
          + " problem=\"{}\"", family, problem);
    }
  }

  /** Sorts the series of a gauge or counter family by their client label sets. */
  private static ScalarFamily scalar(String name, List<Series> members, LabelConverter converter) {
    Integer[] order = new Integer[members.size()];
    Labels[] exported = new Labels[members.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
      exported[i] = converter.convert(members.get(i));
    }
    Arrays.sort(order, Comparator.comparing(i -> exported[i]));
    Series[] series = new Series[order.length];
    Labels[] labels = new Labels[order.length];
    for (int i = 0; i < order.length; i++) {
      series[i] = members.get(order[i]);
      labels[i] = exported[order[i]];
    }
    return new ScalarFamily(name, series, labels);
  }

  /** One family of the previous or current scrape, which renders itself from the latest values. */
  interface Family {
    MetricSnapshot snapshot();

    /** Adds the client label sets this family converted, keyed by their stored labels. */
    void rememberLabels(Map<io.freightwatch.store.Labels, Labels> known);
  }

  /**
   * Converts stored label sets to the client's, reusing those of the previous families. A series'
   * labels are looked up by identity, which is cheap and stays valid while the series lives. Data point
   * labels of histograms and summaries are derived label sets and are looked up by equality.
   */
  static final class LabelConverter {
    private final Map<io.freightwatch.store.Labels, Labels> bySeries = new IdentityHashMap<>();
    private final Map<io.freightwatch.store.Labels, Labels> byValue = new HashMap<>();

    LabelConverter(List<Family> previous) {
      for (Family family : previous) {
        if (family instanceof ScalarFamily) {
          family.rememberLabels(bySeries);
        } else {
          family.rememberLabels(byValue);
        }
      }
    }

    Labels convert(Series series) {
      return bySeries.computeIfAbsent(series.labels(), LabelConverter::toClient);
    }

    Labels convert(io.freightwatch.store.Labels labels) {
      return byValue.computeIfAbsent(labels, LabelConverter::toClient);
    }

    static Labels toClient(io.freightwatch.store.Labels stored) {
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

  /** A gauge or counter family: its present series and their client label sets, in one order. */
  private record ScalarFamily(String name, Series[] series, Labels[] labels) implements Family {

    @Override
    public MetricSnapshot snapshot() {
      return series[0].type() == MetricType.COUNTER ? counter() : gauge();
    }

    @Override
    public void rememberLabels(Map<io.freightwatch.store.Labels, Labels> known) {
      for (int i = 0; i < series.length; i++) {
        known.put(series[i].labels(), labels[i]);
      }
    }

    private MetricSnapshot gauge() {
      GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(name);
      String help = series[0].help();
      if (!help.isEmpty()) {
        builder.help(help);
      }
      for (int i = 0; i < series.length; i++) {
        double value = series[i].latestValue();
        if (!Double.isNaN(value)) {
          builder.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
              .labels(labels[i])
              .value(value)
              .build());
        }
      }
      return builder.build();
    }

    private MetricSnapshot counter() {
      // The client library adds the _total suffix itself and rejects names that already have it.
      String base = name.substring(0, name.length() - "_total".length());
      CounterSnapshot.Builder builder = CounterSnapshot.builder().name(base);
      String help = series[0].help();
      if (!help.isEmpty()) {
        builder.help(help);
      }
      for (int i = 0; i < series.length; i++) {
        double value = series[i].latestValue();
        if (!Double.isNaN(value)) {
          builder.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
              .labels(labels[i])
              .value(value)
              .build());
        }
      }
      return builder.build();
    }
  }
}
