package io.freightwatch.collect.odoo;

import io.freightwatch.store.Labels;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Counter values per label set that first show a new series at 0 and add its first increments one
 * scrape later.
 *
 * <p>Like Prometheus, the rule engine reads a series' first sample as a baseline: a failure
 * counter that appeared directly at 1 would never be seen to increase. Holding back the first
 * increments of a new series for one scrape makes every counted job visible to {@code increase}.
 * The number of label sets is capped; past the cap, new ones are counted under the overflow set.
 * Not thread-safe.
 */
final class DeferredCounters {

  private final int maxSeries;
  private final Labels overflow;
  private final Map<Labels, Double> values = new TreeMap<>();
  private final Map<Labels, Double> deferred = new HashMap<>();

  /**
   * @param maxSeries label sets kept before new ones go to {@code overflow}
   * @param overflow the label set that collects the rest, such as {@code model="other"}
   */
  DeferredCounters(int maxSeries, Labels overflow) {
    this.maxSeries = maxSeries;
    this.overflow = overflow;
  }

  /** Adds the increments held back at the previous scrape; call once at the start of a scrape. */
  void startScrape() {
    deferred.forEach((labels, amount) -> values.merge(labels, amount, Double::sum));
    deferred.clear();
  }

  /** Adds {@code amount} to the series {@code labels}, or defers it if the series is new. */
  void add(Labels labels, double amount) {
    Labels key = values.containsKey(labels) || values.size() < maxSeries ? labels : overflow;
    if (!values.containsKey(key)) {
      values.put(key, 0.0);
      deferred.put(key, amount);
    } else if (deferred.containsKey(key)) {
      deferred.merge(key, amount, Double::sum);
    } else {
      values.merge(key, amount, Double::sum);
    }
  }

  /** Registers {@code labels} at 0 so that it is exported before its first increment. */
  void register(Labels labels) {
    if (values.size() < maxSeries) {
      values.putIfAbsent(labels, 0.0);
    }
  }

  /** Returns the value of every series, sorted by labels. */
  SortedMap<Labels, Double> values() {
    return Collections.unmodifiableSortedMap(new TreeMap<>(values));
  }
}
