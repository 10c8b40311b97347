package io.freightwatch.collect.traefik;

import io.freightwatch.collect.traefik.RequestWindow.RequestIncrease;
import io.freightwatch.collect.traefik.TraefikReading.BucketCounter;
import io.freightwatch.collect.traefik.TraefikReading.RequestCounter;
import io.freightwatch.config.TraefikTarget;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns successive scrapes of one Traefik target into the Traefik signals: request rate, requests
 * in the window, error ratio and latency quantiles per service, and open connections per entry
 * point. Counter increases follow {@link CounterIncreases}, and rates and quantiles cover the
 * target's window. A value that cannot be known is left out, never reported as 0. So nothing is
 * emitted before the second successful scrape, and a service without requests in the window has no
 * error ratio or latency. Open connections are left out when the target exposes neither the v2 nor
 * the v3 family.
 *
 * <p>Not thread-safe: one instance belongs to one collector, which serializes calls.
 */
public final class TraefikSignals {

  public static final String REQUESTS_PER_SECOND =
      "freightwatch_traefik_service_requests_per_second";
  public static final String WINDOW_REQUESTS = "freightwatch_traefik_service_window_requests";
  public static final String ERROR_RATIO = "freightwatch_traefik_service_error_ratio";
  public static final String LATENCY = "freightwatch_traefik_service_latency_seconds";
  public static final String OPEN_CONNECTIONS = "freightwatch_traefik_open_connections";

  /** Latency quantiles emitted, with their label values. */
  private static final Map<String, Double> QUANTILES =
      new TreeMap<>(Map.of("0.95", 0.95, "0.99", 0.99));

  private static final Logger LOG = LoggerFactory.getLogger(TraefikSignals.class);

  private final TraefikTarget target;
  private final ServiceLabeler labeler;
  private final CounterIncreases<SeriesId> counters = new CounterIncreases<>();
  private final RequestWindow window;
  private Instant previousScrapeAt = Instant.MIN;

  public TraefikSignals(TraefikTarget target) {
    this.target = Objects.requireNonNull(target, "target");
    this.labeler = new ServiceLabeler(target);
    this.window = new RequestWindow(target.window());
  }

  /**
   * Records one successful scrape and returns the target's signals as of {@code scrapedAt}.
   *
   * @param scrapedAt when the scrape's reply arrived, from the agent's clock
   */
  public List<Sample> update(Exposition exposition, Instant scrapedAt) {
    TraefikReading reading = TraefikReading.from(exposition);
    CounterIncreases.Increases<SeriesId> increases =
        counters.record(counterValues(reading), reading.processStartTimeSeconds());
    if (increases.isRestart()) {
      LOG.info(
          "traefik target restarted, counters count from 0 target={} process_start_time_seconds={}",
          target.name(),
          reading.processStartTimeSeconds().getAsDouble());
    }
    if (!increases.isBaseline()) {
      window.add(
          previousScrapeAt,
          scrapedAt,
          requestIncreases(reading, increases),
          latencyIncreases(reading, increases));
    }
    previousScrapeAt = scrapedAt;

    List<Sample> samples = new ArrayList<>();
    window.totals(scrapedAt).ifPresent(totals -> addServiceSignals(totals, samples));
    reading.openConnections().ifPresent(byEntrypoint -> addOpenConnections(byEntrypoint, samples));
    return samples;
  }

  private static Map<SeriesId, Double> counterValues(TraefikReading reading) {
    Map<SeriesId, Double> values =
        new HashMap<>((reading.requests().size() + reading.durationBuckets().size()) * 4 / 3 + 1);
    for (RequestCounter counter : reading.requests()) {
      values.put(counter.id(), counter.value());
    }
    for (BucketCounter bucket : reading.durationBuckets()) {
      values.put(bucket.id(), bucket.value());
    }
    return values;
  }

  private static Map<String, RequestIncrease> requestIncreases(
      TraefikReading reading, CounterIncreases.Increases<SeriesId> increases) {
    Map<String, RequestIncrease> byService = new HashMap<>();
    for (RequestCounter counter : reading.requests()) {
      double increase = increases.of(counter.id());
      RequestIncrease part = new RequestIncrease(increase, counter.isServerError() ? increase : 0);
      byService.merge(counter.service(), part, RequestIncrease::plus);
    }
    return byService;
  }

  /**
   * Builds each service's bucket increases of the interval: one histogram per series (code, method,
   * protocol, ...), then merged on their common bounds. Websocket requests are left out, because a
   * websocket request lasts as long as its connection (Odoo's bus keeps one open for minutes) and
   * is no measure of response time.
   */
  private static Map<String, CumulativeHistogram> latencyIncreases(
      TraefikReading reading, CounterIncreases.Increases<SeriesId> increases) {
    Map<String, Map<LabelSet, Map<Double, Double>>> bucketsByService = new HashMap<>();
    for (BucketCounter bucket : reading.durationBuckets()) {
      if (bucket.isWebsocket()) {
        continue;
      }
      bucketsByService
          .computeIfAbsent(bucket.service(), service -> new HashMap<>())
          .computeIfAbsent(bucket.series(), series -> new HashMap<>())
          .put(bucket.upperBound(), increases.of(bucket.id()));
    }
    Map<String, CumulativeHistogram> byService = new HashMap<>();
    bucketsByService.forEach(
        (service, seriesBuckets) -> {
          List<CumulativeHistogram> histograms = new ArrayList<>(seriesBuckets.size());
          seriesBuckets
              .values()
              .forEach(buckets -> histograms.add(CumulativeHistogram.of(buckets)));
          CumulativeHistogram.mergeOnCommonBounds(histograms)
              .ifPresent(merged -> byService.put(service, merged));
        });
    return byService;
  }

  private void addServiceSignals(RequestWindow.Totals totals, List<Sample> samples) {
    double coveredSeconds = totals.covered().toNanos() / 1e9;
    TreeSet<String> services = new TreeSet<>(totals.requests().keySet());
    services.addAll(totals.latency().keySet());
    for (String service : services) {
      Labels labels = labeler.labelsFor(service);
      RequestIncrease requests = totals.requests().get(service);
      if (requests != null) {
        addRequestSignals(requests, coveredSeconds, labels, samples);
      }
      CumulativeHistogram latency = totals.latency().get(service);
      if (latency != null) {
        addLatencySignals(latency, labels, samples);
      }
    }
  }

  private void addRequestSignals(
      RequestIncrease requests, double coveredSeconds, Labels labels, List<Sample> samples) {
    samples.add(
        Sample.gauge(
            WINDOW_REQUESTS,
            "Requests counted in the window, from counter increases between scrapes.",
            requests.requests(),
            labels));
    if (coveredSeconds > 0) {
      samples.add(
          Sample.gauge(
              REQUESTS_PER_SECOND,
              "Requests per second over the window.",
              requests.requests() / coveredSeconds,
              labels));
    }
    if (requests.requests() > 0) {
      samples.add(
          Sample.gauge(
              ERROR_RATIO,
              "Share of requests in the window that failed with a server error (5xx).",
              requests.serverErrors() / requests.requests(),
              labels));
    }
  }

  private static void addLatencySignals(
      CumulativeHistogram latency, Labels labels, List<Sample> samples) {
    QUANTILES.forEach(
        (label, q) -> {
          OptionalDouble value = latency.quantile(q);
          if (value.isPresent()) {
            samples.add(
                Sample.gauge(
                    LATENCY,
                    "Request duration quantile over the window, websocket requests excluded.",
                    value.getAsDouble(),
                    labels.with("quantile", label)));
          }
        });
  }

  private void addOpenConnections(Map<String, Double> byEntrypoint, List<Sample> samples) {
    new TreeMap<>(byEntrypoint)
        .forEach(
            (entrypoint, value) ->
                samples.add(
                    Sample.gauge(
                        OPEN_CONNECTIONS,
                        "Open connections per entry point (v3 TCP connections, v2 HTTP requests).",
                        value,
                        Labels.of("instance", target.name(), "entrypoint", entrypoint))));
  }
}
