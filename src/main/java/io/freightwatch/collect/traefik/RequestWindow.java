package io.freightwatch.collect.traefik;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-subject increases (an entry point, router or service) of the scrape intervals that end inside
 * a sliding window. Each successful
 * scrape after the baseline adds one interval, from the previous successful scrape to this one. Not
 * thread-safe.
 */
final class RequestWindow<K> {

  private final Duration window;
  private final Deque<Interval<K>> intervals = new ArrayDeque<>();

  RequestWindow(Duration window) {
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive; got " + window);
    }
    this.window = window;
  }

  /** Adds the increases of the interval {@code (start, end]}. */
  void add(
      Instant start,
      Instant end,
      Map<K, RequestIncrease> requests,
      Map<K, CumulativeHistogram> latency) {
    intervals.addLast(new Interval<>(start, end, Map.copyOf(requests), Map.copyOf(latency)));
  }

  /**
   * Drops intervals that ended at or before {@code now - window} and sums the rest.
   *
   * @return the sums, or empty when no interval is left (only a baseline so far, or no successful
   *     scrape for a whole window)
   */
  Optional<Totals<K>> totals(Instant now) {
    Instant oldestKept = now.minus(window);
    while (!intervals.isEmpty() && !intervals.peekFirst().end().isAfter(oldestKept)) {
      intervals.removeFirst();
    }
    if (intervals.isEmpty()) {
      return Optional.empty();
    }
    Map<K, RequestIncrease> requests = new HashMap<>();
    Map<K, List<CumulativeHistogram>> latencyParts = new HashMap<>();
    for (Interval<K> interval : intervals) {
      interval
          .requests()
          .forEach((service, increase) -> requests.merge(service, increase, RequestIncrease::plus));
      interval
          .latency()
          .forEach(
              (service, histogram) ->
                  latencyParts.computeIfAbsent(service, name -> new ArrayList<>()).add(histogram));
    }
    Map<K, CumulativeHistogram> latency = new HashMap<>();
    latencyParts.forEach(
        (service, parts) ->
            CumulativeHistogram.mergeOnCommonBounds(parts)
                .ifPresent(merged -> latency.put(service, merged)));
    // The first interval may start before now - window. Its increases are all counted, so the
    // span they cover starts with it too.
    Duration covered = Duration.between(intervals.peekFirst().start(), intervals.peekLast().end());
    return Optional.of(new Totals<>(covered, requests, latency));
  }

  /**
   * Request counts of one subject.
   *
   * @param requests requests of all protocols and codes
   * @param serverErrors the part of {@code requests} that failed on the server side
   * @param byCodeClass the part of {@code requests} per code class ({@code 2xx}, {@code 4xx},
   *     ...), HTTP status codes only
   */
  record RequestIncrease(double requests, double serverErrors, Map<String, Double> byCodeClass) {

    RequestIncrease {
      byCodeClass = Map.copyOf(byCodeClass);
    }

    RequestIncrease(double requests, double serverErrors) {
      this(requests, serverErrors, Map.of());
    }

    RequestIncrease plus(RequestIncrease other) {
      Map<String, Double> classes = new HashMap<>(byCodeClass);
      other.byCodeClass.forEach((codeClass, count) -> classes.merge(codeClass, count, Double::sum));
      return new RequestIncrease(
          requests + other.requests, serverErrors + other.serverErrors, classes);
    }
  }

  /**
   * Sums over the window.
   *
   * @param covered time from the start of the oldest interval to the end of the newest
   * @param requests request counts per subject that had request counters in any interval
   * @param latency merged request duration buckets per subject with at least one observation
   */
  record Totals<K>(
      Duration covered,
      Map<K, RequestIncrease> requests,
      Map<K, CumulativeHistogram> latency) {

    Totals {
      Objects.requireNonNull(covered, "covered");
      requests = Map.copyOf(requests);
      latency = Map.copyOf(latency);
    }
  }

  private record Interval<K>(
      Instant start,
      Instant end,
      Map<K, RequestIncrease> requests,
      Map<K, CumulativeHistogram> latency) {}
}
