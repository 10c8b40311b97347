package io.freightwatch.collect.traefik;

import io.freightwatch.collect.traefik.RequestWindow.RequestIncrease;
import io.freightwatch.collect.traefik.TraefikReading.BucketCounter;
import io.freightwatch.collect.traefik.TraefikReading.RequestCounter;
import io.freightwatch.config.TraefikTarget;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
 * in the window, error ratio, share of each HTTP code class and a latency summary per entry point,
 * router and service; open connections per entry point; backend server health; TLS certificate
 * expiry; and configuration reloads. Counter increases follow {@link CounterIncreases}, and rates
 * and quantiles cover the target's window. A value that cannot be known is left out, never
 * reported as 0. So no rate, ratio or quantile is emitted before the second successful scrape, and
 * a subject without requests in the window has no error ratio or latency quantiles. The latency
 * summaries' {@code _count} and {@code _sum} and the router counters start at 0 on the first
 * scrape instead. A family the target does not expose (router metrics without {@code
 * addRoutersLabels}, backend health without health checks, reload failures on v3) gives no series,
 * and backend health reports {@value #BACKEND_HEALTH_EXPOSED} 0 instead of "all up" or "all down".
 *
 * <p>Service series keep their labels from the service rules of the target; entry point and router
 * series carry {@code entrypoint} or {@code router}. Not thread-safe: one instance belongs to one
 * collector, which serializes calls.
 */
public final class TraefikSignals {

  public static final String REQUESTS_PER_SECOND =
      "freightwatch_traefik_service_requests_per_second";
  public static final String WINDOW_REQUESTS = "freightwatch_traefik_service_window_requests";
  public static final String ERROR_RATIO = "freightwatch_traefik_service_error_ratio";
  public static final String LATENCY = "freightwatch_traefik_service_latency_seconds";
  public static final String OPEN_CONNECTIONS = "freightwatch_traefik_open_connections";
  public static final String BACKEND_HEALTH_EXPOSED =
      "freightwatch_traefik_backend_health_exposed";
  public static final String BACKEND_SERVER_UP = "freightwatch_traefik_backend_server_up";
  public static final String BACKEND_SERVERS = "freightwatch_traefik_backend_servers";
  public static final String BACKEND_SERVERS_UP = "freightwatch_traefik_backend_servers_up";
  public static final String CERTIFICATE_EXPIRY =
      "freightwatch_traefik_tls_certificate_expiry_seconds";
  public static final String RELOADS = "freightwatch_traefik_config_reloads_total";
  public static final String RELOAD_FAILURES = "freightwatch_traefik_config_reload_failures_total";
  public static final String LAST_RELOAD_SUCCESS_AGE =
      "freightwatch_traefik_config_last_reload_success_age_seconds";
  public static final String LAST_RELOAD_FAILED = "freightwatch_traefik_config_last_reload_failed";
  public static final String ROUTER_REQUESTS = "freightwatch_traefik_router_requests_total";
  public static final String ROUTER_SERVER_ERRORS =
      "freightwatch_traefik_router_server_errors_total";
  public static final String SERVICE_REQUESTS = "freightwatch_traefik_service_requests_total";
  public static final String PROCESS_START_TIME =
      "freightwatch_traefik_process_start_time_seconds";

  /** Latency quantiles emitted, with their label values. */
  private static final Map<String, Double> QUANTILES =
      new TreeMap<>(Map.of("0.95", 0.95, "0.99", 0.99));

  private static final String LATENCY_HELP = "Request duration, websocket requests excluded:"
      + " quantiles over the window, and _count and _sum since the agent started.";

  private static final Logger LOG = LoggerFactory.getLogger(TraefikSignals.class);

  private final TraefikTarget target;
  private final ServiceLabeler labeler;
  private final BackendInventory inventory;
  private final CounterIncreases<SeriesId> counters = new CounterIncreases<>();
  private final RequestWindow<Subject> window;

  /** Requests and server errors per router since the agent started, from the increases. */
  private final Map<String, double[]> routerCalls = new TreeMap<>();

  // NOTE: subjects that leave Traefik keep their entry until the agent restarts, as in routerCalls.
  // Many renamed services grow this map, and dropping long-absent subjects would bound it.
  /** Latency summary counts and sums per subject since the agent started. */
  private final Map<Subject, LatencyTotals> latencyTotals = new HashMap<>();

  private Instant previousScrapeAt = Instant.MIN;

  public TraefikSignals(TraefikTarget target) {
    this.target = Objects.requireNonNull(target, "target");
    this.labeler = new ServiceLabeler(target);
    this.inventory = new BackendInventory(target.backends());
    this.window = new RequestWindow<>(target.window());
  }

  /** Returns the name of a per-subject signal, such as {@code freightwatch_traefik_router_...}. */
  public static String signalName(Subject.Scope scope, String suffix) {
    return "freightwatch_traefik_" + scope.label() + "_" + suffix;
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
    Map<Subject, CumulativeHistogram> latency = Map.of();
    if (!increases.isBaseline()) {
      latency = latencyIncreases(reading, increases);
      window.add(previousScrapeAt, scrapedAt, requestIncreases(reading, increases), latency);
    }
    previousScrapeAt = scrapedAt;
    Map<Subject, LatencyTotals> presentTotals = addLatencyTotals(reading, increases, latency);

    List<Sample> samples = new ArrayList<>();
    window.totals(scrapedAt).ifPresent(totals -> addSubjectSignals(totals, samples));
    addLatencyTotalSignals(presentTotals, samples);
    addRouterCounters(reading, increases, samples);
    reading.openConnections().ifPresent(byEntrypoint -> addOpenConnections(byEntrypoint, samples));
    addBackendHealth(reading, samples);
    addCertificates(reading, scrapedAt, samples);
    addReloads(reading.reloads(), scrapedAt, samples);
    TraefikRawSignals.addServiceRequests(target.name(), reading.requests(), samples);
    TraefikRawSignals.addProcessStartTime(target.name(), reading, samples);
    return samples;
  }

  private static Map<SeriesId, Double> counterValues(TraefikReading reading) {
    int size = reading.requests().size() + reading.durationBuckets().size()
        + reading.durationSums().size();
    Map<SeriesId, Double> values = new HashMap<>(size * 4 / 3 + 1);
    for (RequestCounter counter : reading.requests()) {
      values.put(counter.id(), counter.value());
    }
    for (BucketCounter bucket : reading.durationBuckets()) {
      values.put(bucket.id(), bucket.value());
    }
    for (TraefikReading.SumCounter sum : reading.durationSums()) {
      if (!sum.isWebsocket()) {
        values.put(sum.id(), sum.value());
      }
    }
    return values;
  }

  private static Map<Subject, RequestIncrease> requestIncreases(
      TraefikReading reading, CounterIncreases.Increases<SeriesId> increases) {
    Map<Subject, RequestIncrease> bySubject = new HashMap<>();
    for (RequestCounter counter : reading.requests()) {
      double increase = increases.of(counter.id());
      Map<String, Double> byClass =
          counter.codeClass().isEmpty() ? Map.of() : Map.of(counter.codeClass(), increase);
      RequestIncrease part =
          new RequestIncrease(increase, counter.isServerError() ? increase : 0, byClass);
      bySubject.merge(counter.subject(), part, RequestIncrease::plus);
    }
    return bySubject;
  }

  /**
   * Builds each subject's bucket increases of the interval: one histogram per series (code, method,
   * protocol, ...), then merged on their common bounds. Websocket requests are left out, because a
   * websocket request lasts as long as its connection (Odoo's bus keeps one open for minutes) and
   * is no measure of response time.
   */
  private static Map<Subject, CumulativeHistogram> latencyIncreases(
      TraefikReading reading, CounterIncreases.Increases<SeriesId> increases) {
    Map<Subject, Map<LabelSet, Map<Double, Double>>> bucketsBySubject = new HashMap<>();
    for (BucketCounter bucket : reading.durationBuckets()) {
      if (bucket.isWebsocket()) {
        continue;
      }
      bucketsBySubject
          .computeIfAbsent(bucket.subject(), subject -> new HashMap<>())
          .computeIfAbsent(bucket.series(), series -> new HashMap<>())
          .put(bucket.upperBound(), increases.of(bucket.id()));
    }
    Map<Subject, CumulativeHistogram> bySubject = new HashMap<>();
    bucketsBySubject.forEach(
        (subject, seriesBuckets) -> {
          List<CumulativeHistogram> histograms = new ArrayList<>(seriesBuckets.size());
          seriesBuckets
              .values()
              .forEach(buckets -> histograms.add(CumulativeHistogram.of(buckets)));
          CumulativeHistogram.mergeOnCommonBounds(histograms)
              .ifPresent(merged -> bySubject.put(subject, merged));
        });
    return bySubject;
  }

  private void addSubjectSignals(RequestWindow.Totals<Subject> totals, List<Sample> samples) {
    double coveredSeconds = totals.covered().toNanos() / 1e9;
    TreeSet<Subject> subjects =
        new TreeSet<>(Comparator.comparing(Subject::scope).thenComparing(Subject::name));
    subjects.addAll(totals.requests().keySet());
    subjects.addAll(totals.latency().keySet());
    for (Subject subject : subjects) {
      Labels labels = labelsFor(subject);
      RequestIncrease requests = totals.requests().get(subject);
      if (requests != null) {
        addRequestSignals(subject.scope(), requests, coveredSeconds, labels, samples);
      }
      CumulativeHistogram latency = totals.latency().get(subject);
      if (latency != null) {
        addLatencySignals(subject.scope(), latency, labels, samples);
      }
    }
  }

  private Labels labelsFor(Subject subject) {
    if (subject.scope() == Subject.Scope.SERVICE) {
      return labeler.labelsFor(subject.name());
    }
    return Labels.of("instance", target.name(), subject.scope().label(), subject.name());
  }

  private static void addRequestSignals(Subject.Scope scope, RequestIncrease requests,
      double coveredSeconds, Labels labels, List<Sample> samples) {
    samples.add(
        Sample.gauge(
            signalName(scope, "window_requests"),
            "Requests counted in the window, from counter increases between scrapes.",
            requests.requests(),
            labels));
    if (coveredSeconds > 0) {
      samples.add(
          Sample.gauge(
              signalName(scope, "requests_per_second"),
              "Requests per second over the window.",
              requests.requests() / coveredSeconds,
              labels));
    }
    if (requests.requests() > 0) {
      samples.add(
          Sample.gauge(
              signalName(scope, "error_ratio"),
              "Share of requests in the window that failed with a server error (5xx).",
              requests.serverErrors() / requests.requests(),
              labels));
      new TreeMap<>(requests.byCodeClass()).forEach((codeClass, count) -> samples.add(
          Sample.gauge(
              signalName(scope, "code_class_ratio"),
              "Share of requests in the window answered with an HTTP status of the class.",
              count / requests.requests(),
              labels.with("code_class", codeClass))));
    }
  }

  private static void addLatencySignals(
      Subject.Scope scope, CumulativeHistogram latency, Labels labels, List<Sample> samples) {
    QUANTILES.forEach(
        (label, q) -> {
          OptionalDouble value = latency.quantile(q);
          if (value.isPresent()) {
            samples.add(
                Sample.summary(
                    signalName(scope, "latency_seconds"),
                    LATENCY_HELP,
                    value.getAsDouble(),
                    labels.with("quantile", label)));
          }
        });
  }

  /**
   * Adds this scrape's increases to the latency totals of each subject that the scrape has
   * duration buckets for (websocket requests excluded), and returns the totals of those subjects.
   * The count grows by the {@code +Inf} increase of the subject's merged buckets, so it counts the
   * same requests as the quantiles. The sum grows by the increases of Traefik's {@code _sum}
   * series and stays unknown for a subject without them.
   */
  private Map<Subject, LatencyTotals> addLatencyTotals(TraefikReading reading,
      CounterIncreases.Increases<SeriesId> increases, Map<Subject, CumulativeHistogram> latency) {
    Map<Subject, LatencyTotals> present =
        new TreeMap<>(Comparator.comparing(Subject::scope).thenComparing(Subject::name));
    for (BucketCounter bucket : reading.durationBuckets()) {
      if (!bucket.isWebsocket() && !present.containsKey(bucket.subject())) {
        present.put(bucket.subject(),
            latencyTotals.computeIfAbsent(bucket.subject(), subject -> new LatencyTotals()));
      }
    }
    latency.forEach((subject, histogram) -> present.get(subject).count += histogram.totalCount());
    for (TraefikReading.SumCounter sum : reading.durationSums()) {
      LatencyTotals totals = present.get(sum.subject());
      if (!sum.isWebsocket() && totals != null) {
        totals.hasSum = true;
        totals.sumSeconds += increases.of(sum.id());
      }
    }
    return present;
  }

  /**
   * Adds the {@code _count} and {@code _sum} of each subject's latency summary. They count from 0
   * at the agent's first scrape and only reset when the agent restarts, whatever Traefik's own
   * resets, so that {@code rate()} and {@code increase()} work on them.
   */
  private void addLatencyTotalSignals(Map<Subject, LatencyTotals> present, List<Sample> samples) {
    present.forEach((subject, totals) -> {
      Labels labels = labelsFor(subject);
      String name = signalName(subject.scope(), "latency_seconds");
      samples.add(Sample.summary(name + "_count", LATENCY_HELP, totals.count, labels));
      if (totals.hasSum) {
        samples.add(Sample.summary(name + "_sum", LATENCY_HELP, totals.sumSeconds, labels));
      }
    });
  }

  /**
   * Adds each router's requests and server errors since the agent started, summed from the
   * increases of its series. These counters start at 0 on the baseline scrape and only reset when
   * the agent restarts, whatever Traefik's own resets, so that windows other than the target's can
   * be computed from them. Routers missing from the scrape are left out.
   */
  private void addRouterCounters(TraefikReading reading,
      CounterIncreases.Increases<SeriesId> increases, List<Sample> samples) {
    Map<String, double[]> present = new TreeMap<>();
    for (RequestCounter counter : reading.requests()) {
      if (counter.subject().scope() != Subject.Scope.ROUTER) {
        continue;
      }
      double[] calls =
          routerCalls.computeIfAbsent(counter.subject().name(), router -> new double[2]);
      double increase = increases.of(counter.id());
      calls[0] += increase;
      calls[1] += counter.isServerError() ? increase : 0;
      present.put(counter.subject().name(), calls);
    }
    present.forEach((router, calls) -> {
      Labels labels = Labels.of("instance", target.name(), "router", router);
      samples.add(Sample.counter(ROUTER_REQUESTS,
          "Requests of the router counted since the agent started.", calls[0], labels));
      samples.add(Sample.counter(ROUTER_SERVER_ERRORS,
          "Requests of the router that failed with a server error (5xx), counted since the agent"
              + " started.", calls[1], labels));
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

  /**
   * Adds backend health by application and server URL. The application comes from the service
   * name without its provider ({@code odoo-tenant42@docker} gives {@code odoo-tenant42}), or, when
   * Traefik v3 shows a hash instead, from the backend inventory by the URL's host and port. So the
   * series of one backend keep their identity across v2, v3 and a changed hash.
   */
  private void addBackendHealth(TraefikReading reading, List<Sample> samples) {
    Labels instance = Labels.of("instance", target.name());
    samples.add(Sample.gauge(BACKEND_HEALTH_EXPOSED,
        "1 when the target exposes traefik_service_server_up, which exists only for services with"
            + " a health check; 0 means backend health is unknown",
        reading.serversUp().isPresent() ? 1 : 0, instance));
    if (reading.serversUp().isEmpty()) {
      return;
    }
    Map<String, int[]> byApplication = new TreeMap<>();
    Map<Labels, Boolean> servers = new TreeMap<>();
    for (TraefikReading.ServerUp server : reading.serversUp().get()) {
      String application = inventory.application(server.service(), server.url());
      servers.merge(instance.with("application", application).with("url", server.url()),
          server.up(), Boolean::logicalOr);
    }
    servers.forEach((labels, up) -> {
      samples.add(Sample.gauge(BACKEND_SERVER_UP, "1 when the backend server passes its health"
          + " check", up ? 1 : 0, labels));
      int[] counts = byApplication.computeIfAbsent(labels.get("application"), a -> new int[2]);
      counts[0]++;
      counts[1] += up ? 1 : 0;
    });
    byApplication.forEach((application, counts) -> {
      Labels labels = instance.with("application", application);
      samples.add(Sample.gauge(BACKEND_SERVERS, "Backend servers with a health check", counts[0],
          labels));
      samples.add(Sample.gauge(BACKEND_SERVERS_UP, "Backend servers that pass their health check",
          counts[1], labels));
    });
  }

  // NOTE: Traefik can hold two certificates with the same names during a renewal. The later
  // expiry is reported, which hides an old certificate that some router still serves.
  private void addCertificates(TraefikReading reading, Instant now, List<Sample> samples) {
    Map<Labels, Double> latest = new TreeMap<>();
    for (TraefikReading.Certificate certificate : reading.certificates()) {
      Labels labels = Labels.of("instance", target.name(), "cn", certificate.commonName(), "sans",
          certificate.sans());
      latest.merge(labels, certificate.notAfterSeconds(), Math::max);
    }
    double nowSeconds = now.toEpochMilli() / 1000.0;
    latest.forEach((labels, notAfter) -> samples.add(Sample.gauge(CERTIFICATE_EXPIRY,
        "Seconds until the certificate expires (days left times 86400); negative once expired",
        notAfter - nowSeconds, labels)));
  }

  private void addReloads(TraefikReading.Reloads reloads, Instant now, List<Sample> samples) {
    Labels instance = Labels.of("instance", target.name());
    reloads.reloads().ifPresent(count -> samples.add(Sample.counter(RELOADS,
        "Dynamic configuration reloads", count, instance)));
    reloads.failures().ifPresent(count -> samples.add(Sample.counter(RELOAD_FAILURES,
        "Failed dynamic configuration reloads (Traefik v2 only)", count, instance)));
    double nowSeconds = now.toEpochMilli() / 1000.0;
    OptionalDouble success = reloads.lastSuccessSeconds();
    success.ifPresent(at -> samples.add(Sample.gauge(LAST_RELOAD_SUCCESS_AGE,
        "Seconds since the last successful configuration reload", Math.max(0, nowSeconds - at),
        instance)));
    reloads.lastFailureSeconds().ifPresent(failedAt -> samples.add(Sample.gauge(
        LAST_RELOAD_FAILED,
        "1 when the latest configuration reload failed (Traefik v2 only)",
        failedAt > 0 && failedAt > success.orElse(0) ? 1 : 0, instance)));
  }

  /** Requests and their total duration in seconds of one subject since the agent started. */
  private static final class LatencyTotals {
    private double count;
    private double sumSeconds;
    private boolean hasSum;
  }
}
