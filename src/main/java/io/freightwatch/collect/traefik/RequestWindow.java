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
 * Per-service increases of the scrape intervals that end inside a sliding window. Each successful
 * scrape after the baseline adds one interval, from the previous successful scrape to this one. Not
 * thread-safe.
 */
final class RequestWindow {

  private final Duration window;
  private final Deque<Interval> intervals = new ArrayDeque<>();

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
      Map<String, RequestIncrease> requests,
      Map<String, CumulativeHistogram> latency) {
    intervals.addLast(new Interval(start, end, Map.copyOf(requests), Map.copyOf(latency)));
  }

  /**
   * Drops intervals that ended at or before {@code now - window} and sums the rest.
   *
   * @return the sums, or empty when no interval is left (only a baseline so far, or no successful
   *     scrape for a whole window)
   */
  Optional<Totals> totals(Instant now) {
    Instant oldestKept = now.minus(window);
    while (!intervals.isEmpty() && !intervals.peekFirst().end().isAfter(oldestKept)) {
      intervals.removeFirst();
    }
    if (intervals.isEmpty()) {
      return Optional.empty();
    }
    Map<String, RequestIncrease> requests = new HashMap<>();
    Map<String, List<CumulativeHistogram>> latencyParts = new HashMap<>();
    for (Interval interval : intervals) {
      interval
          .requests()
          .forEach((service, increase) -> requests.merge(service, increase, RequestIncrease::plus));
      interval
          .latency()
          .forEach(
              (service, histogram) ->
                  latencyParts.computeIfAbsent(service, name -> new ArrayList<>()).add(histogram));
    }
    Map<String, CumulativeHistogram> latency = new HashMap<>();
    latencyParts.forEach(
        (service, parts) ->
            CumulativeHistogram.mergeOnCommonBounds(parts)
                .ifPresent(merged -> latency.put(service, merged)));
    // The first interval may start before now - window. Its increases are all counted, so the
    // span they cover starts with it too.
    Duration covered = Duration.between(intervals.peekFirst().start(), intervals.peekLast().end());
    return Optional.of(new Totals(covered, requests, latency));
  }

  /**
   * Request counts of one service.
   *
   * @param requests requests of all protocols and codes
   * @param serverErrors the part of {@code requests} that failed on the server side
   */
  record RequestIncrease(double requests, double serverErrors) {

    RequestIncrease plus(RequestIncrease other) {
      return new RequestIncrease(requests + other.requests, serverErrors + other.serverErrors);
    }
  }

  /**
   * Sums over the window.
   *
   * @param covered time from the start of the oldest interval to the end of the newest
   * @param requests request counts per service that had request counters in any interval
   * @param latency merged request duration buckets per service with at least one observation
   */
  record Totals(
      Duration covered,
      Map<String, RequestIncrease> requests,
      Map<String, CumulativeHistogram> latency) {

    Totals {
      Objects.requireNonNull(covered, "covered");
      requests = Map.copyOf(requests);
      latency = Map.copyOf(latency);
    }
  }

  private record Interval(
      Instant start,
      Instant end,
      Map<String, RequestIncrease> requests,
      Map<String, CumulativeHistogram> latency) {}
}
