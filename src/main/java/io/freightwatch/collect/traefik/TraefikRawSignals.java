package io.freightwatch.collect.traefik;

import io.freightwatch.collect.traefik.TraefikReading.RequestCounter;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signals that pass Traefik's own series on as scraped, for rules and SLOs that compute increases
 * themselves: the per-service request counters, and the process start time that tells apart a
 * counter reset by a restart and a counter that went down.
 */
final class TraefikRawSignals {

  private TraefikRawSignals() {}

  /**
   * Adds {@value TraefikSignals#SERVICE_REQUESTS} from Traefik's {@code
   * traefik_service_requests_total}, which Traefik v2 and v3 name alike, with the value as scraped
   * per service, code, method and protocol. Traefik v3 writes the gRPC status into {@code code} for
   * gRPC requests, which is kept. Series that differ only in other labels, such as the header
   * labels that {@code headerLabels} adds, are summed. A series with a NaN or infinite value is
   * left out.
   */
  static void addServiceRequests(
      String instance, List<RequestCounter> requests, List<Sample> samples) {
    // A hash map, because Labels compare by their rendered text, which costs too much for the
    // thousands of counters of a large Traefik. The scrape's order keeps the output stable.
    Map<Labels, Double> byLabels = new LinkedHashMap<>();
    for (RequestCounter counter : requests) {
      if (counter.subject().scope() != Subject.Scope.SERVICE
          || !Double.isFinite(counter.value())) {
        continue;
      }
      LabelSet scraped = counter.id().labels();
      Labels labels =
          Labels.of(
              "instance", instance,
              "service", counter.subject().name(),
              "code", scraped.get("code"),
              "method", scraped.get("method"),
              "protocol", scraped.get("protocol"));
      // NOTE: a sum over header labels drops when one of its series resets, and a rate over it
      // then counts the whole sum as new. Keeping the header labels would fix that, at the cost
      // of more series.
      byLabels.merge(labels, counter.value(), Double::sum);
    }
    byLabels.forEach(
        (labels, value) ->
            samples.add(
                Sample.counter(
                    TraefikSignals.SERVICE_REQUESTS,
                    "Traefik's request counter per service, code, method and protocol, as"
                        + " scraped.",
                    value,
                    labels)));
  }

  /**
   * Adds {@value TraefikSignals#PROCESS_START_TIME} from {@code process_start_time_seconds}, in
   * Unix seconds, when the target exposes it.
   */
  static void addProcessStartTime(String instance, TraefikReading reading, List<Sample> samples) {
    reading
        .processStartTimeSeconds()
        .ifPresent(
            seconds ->
                samples.add(
                    Sample.gauge(
                        TraefikSignals.PROCESS_START_TIME,
                        "Start time of the Traefik process in Unix seconds; a change means it"
                            + " restarted.",
                        seconds,
                        Labels.of("instance", instance))));
  }
}
