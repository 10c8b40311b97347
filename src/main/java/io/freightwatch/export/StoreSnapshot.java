package io.freightwatch.export;

import io.freightwatch.store.MetricType;
import io.freightwatch.store.Series;
import io.freightwatch.store.SeriesStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An immutable copy of the store's present series, taken on the agent's event loop so that the
 * OpenTelemetry SDK's export thread can read it without touching the store. NaN values are left
 * out, as on {@code /metrics}.
 *
 * @param families series grouped by metric name
 */
public record StoreSnapshot(Map<String, Family> families) {

  public StoreSnapshot {
    families = Map.copyOf(families);
  }

  /** Copies every present series of {@code store}; call on the store's event loop. */
  public static StoreSnapshot of(SeriesStore store) {
    Map<String, Family> families = new TreeMap<>();
    for (Map.Entry<String, List<Series>> entry : store.presentByName().entrySet()) {
      List<Point> points = new ArrayList<>();
      for (Series series : entry.getValue()) {
        if (!Double.isNaN(series.latestValue())) {
          points.add(new Point(new LinkedHashMap<>(series.labels().asMap()), series.latestValue()));
        }
      }
      Series first = entry.getValue().get(0);
      families.put(entry.getKey(), new Family(entry.getKey(), first.type(), first.help(), points));
    }
    return new StoreSnapshot(families);
  }

  /** One metric name with its series. */
  public record Family(String name, MetricType type, String help, List<Point> points) {
    public Family {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(help, "help");
      points = List.copyOf(points);
    }
  }

  /** One series' labels and latest value. */
  public record Point(Map<String, String> labels, double value) {
    public Point {
      labels = Map.copyOf(labels);
    }
  }
}
