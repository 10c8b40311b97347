package io.freightwatch.lab;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in for Traefik, which cannot be installed on the build machines: an HTTP server on
 * 127.0.0.1 whose {@code GET /metrics} returns the metric families, label names and label values
 * that Traefik v3 exposes with {@code addEntryPointsLabels}, {@code addRoutersLabels} and {@code
 * addServicesLabels} on, in the Prometheus text format 0.0.4 with Traefik v3.7's Content-Type, and
 * gzip-compressed when the request accepts gzip.
 *
 * <p>Nothing proxies requests: callers report each finished request through {@link #record}, as
 * Traefik's metrics middleware does at response end. Counters only advance; the histograms are
 * classic histograms with the configured bucket bounds.
 *
 * <p>NOTE: the Prometheus Java client writes integer bounds and values as {@code le="1.0"} and
 * {@code 17.0} where Traefik (Go) writes {@code le="1"} and {@code 17}. Both spellings are valid
 * text format, and a scraper must compare {@code le} numerically anyway.
 */
public final class TraefikStandIn implements AutoCloseable {

  /** Traefik's default histogram bounds in seconds. */
  public static final List<Double> TRAEFIK_DEFAULT_BUCKETS = List.of(0.1, 0.3, 1.2, 5.0);

  /** Finer bounds in seconds, as operators commonly configure them and as the lab uses. */
  public static final List<Double> LAB_BUCKETS = List.of(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);

  /** Content-Type of Traefik v3.7 (prometheus/common 0.67) for the text format. */
  public static final String CONTENT_TYPE =
      "text/plain; version=0.0.4; charset=utf-8; escaping=underscores";

  /** Entry point of the tenants' HTTPS traffic. */
  public static final String ENTRYPOINT = "websecure";

  private static final Logger LOG = LoggerFactory.getLogger(TraefikStandIn.class);
  private static final PrometheusTextFormatWriter WRITER =
      PrometheusTextFormatWriter.builder().setIncludeCreatedTimestamps(false).build();

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final List<Double> buckets;
  private final Counter entrypointRequests;
  private final Histogram entrypointDuration;
  private final Counter routerRequests;
  private final Counter serviceRequests;
  private final Histogram serviceDuration;
  private final Gauge openConnections;
  private final Counter configReloads;
  private final Gauge lastReloadSuccess;
  private final Gauge certificateNotAfter;
  private HttpServer server;

  private TraefikStandIn(List<Double> buckets) {
    this.buckets = List.copyOf(buckets);
    double[] bounds = buckets.stream().mapToDouble(Double::doubleValue).toArray();
    entrypointRequests =
        counter("traefik_entrypoint_requests_total", "Requests processed by an entry point.")
            .labelNames("code", "method", "protocol", "entrypoint")
            .register(registry);
    entrypointDuration =
        histogram(
                "traefik_entrypoint_request_duration_seconds",
                "Request processing time of an entry point in seconds.",
                bounds)
            .labelNames("code", "method", "protocol", "entrypoint")
            .register(registry);
    routerRequests =
        counter("traefik_router_requests_total", "Requests handled by a router.")
            .labelNames("code", "method", "protocol", "router", "service")
            .register(registry);
    serviceRequests =
        counter("traefik_service_requests_total", "Requests handled by a service.")
            .labelNames("code", "method", "protocol", "service")
            .register(registry);
    serviceDuration =
        histogram(
                "traefik_service_request_duration_seconds",
                "Request processing time of a service in seconds.",
                bounds)
            .labelNames("code", "method", "protocol", "service")
            .register(registry);
    openConnections =
        Gauge.builder()
            .name("traefik_open_connections")
            .help("Open TCP connections of an entry point.")
            .labelNames("entrypoint", "protocol")
            .withoutExemplars()
            .register(registry);
    configReloads =
        counter("traefik_config_reloads_total", "Dynamic configuration reloads.")
            .register(registry);
    lastReloadSuccess =
        Gauge.builder()
            .name("traefik_config_last_reload_success")
            .help("Unix time of the last successful configuration reload.")
            .withoutExemplars()
            .register(registry);
    certificateNotAfter =
        Gauge.builder()
            .name("traefik_tls_certs_not_after")
            .help("Expiry of a TLS certificate as Unix time in seconds.")
            .labelNames("cn", "serial", "sans")
            .withoutExemplars()
            .register(registry);
    Gauge.builder()
        .name("process_start_time_seconds")
        .help("Start time of the process as Unix time in seconds.")
        .withoutExemplars()
        .register(registry)
        .set(Instant.now().getEpochSecond());
  }

  /** Starts the server on 127.0.0.1 with Traefik's default buckets. */
  public static Future<TraefikStandIn> start(Vertx vertx, int port) {
    return start(vertx, port, TRAEFIK_DEFAULT_BUCKETS);
  }

  /**
   * Starts the server on 127.0.0.1.
   *
   * @param port TCP port, 0 for a free one
   * @param buckets histogram bounds in seconds, strictly increasing and positive, such as {@link
   *     #TRAEFIK_DEFAULT_BUCKETS} or {@link #LAB_BUCKETS}
   * @return a future that fails when the port cannot be bound
   */
  public static Future<TraefikStandIn> start(Vertx vertx, int port, List<Double> buckets) {
    validateBuckets(buckets);
    TraefikStandIn standIn = new TraefikStandIn(buckets);
    return vertx
        .createHttpServer(new HttpServerOptions().setHost(LabPostgres.HOST).setPort(port))
        .requestHandler(standIn::handle)
        .listen()
        .map(
            server -> {
              standIn.server = server;
              LOG.info(
                  "event=traefik_stand_in_listening port={} buckets={}",
                  server.actualPort(),
                  buckets);
              return standIn;
            });
  }

  public int port() {
    return server.actualPort();
  }

  /** URL of the metrics endpoint, e.g. {@code http://127.0.0.1:28080/metrics}. */
  public String metricsUrl() {
    return "http://" + LabPostgres.HOST + ":" + port() + "/metrics";
  }

  public List<Double> buckets() {
    return buckets;
  }

  /**
   * Counts one finished request on the entry point, the router and the service, and adds its
   * duration to the entry point and service histograms. Safe to call from any thread.
   *
   * @param code HTTP status code, written as a decimal string in the {@code code} label
   * @param protocol {@code http} or {@code websocket} (Traefik also uses {@code sse}, {@code grpc})
   * @param durationSeconds time from request start to response end
   */
  public void record(
      String entrypoint,
      String router,
      String service,
      String method,
      int code,
      String protocol,
      double durationSeconds) {
    if (durationSeconds < 0 || Double.isNaN(durationSeconds)) {
      throw new IllegalArgumentException(
          "durationSeconds: got " + durationSeconds + "; expected a value >= 0");
    }
    String status = Integer.toString(code);
    entrypointRequests.labelValues(status, method, protocol, entrypoint).inc();
    entrypointDuration.labelValues(status, method, protocol, entrypoint).observe(durationSeconds);
    routerRequests.labelValues(status, method, protocol, router, service).inc();
    serviceRequests.labelValues(status, method, protocol, service).inc();
    serviceDuration.labelValues(status, method, protocol, service).observe(durationSeconds);
  }

  /** Sets {@code traefik_open_connections{entrypoint, protocol="TCP"}}. */
  public void setOpenConnections(String entrypoint, long connections) {
    openConnections.labelValues(entrypoint, "TCP").set(connections);
  }

  /** Counts one successful dynamic-configuration reload at {@code time}. */
  public void recordConfigReload(Instant time) {
    configReloads.inc();
    lastReloadSuccess.set(time.getEpochSecond());
  }

  /**
   * Publishes one certificate of the TLS store.
   *
   * @param sans DNS names, written sorted and comma-joined as Traefik does
   */
  public void addCertificate(
      String commonName, List<String> sans, String serial, Instant notAfter) {
    String joined = String.join(",", sans.stream().sorted().toList());
    certificateNotAfter.labelValues(commonName, serial, joined).set(notAfter.getEpochSecond());
  }

  /** Renders the current metrics in the text format, uncompressed. */
  public String scrapeText() {
    return new String(render(), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Stops the HTTP server; the returned future completes when the port is released. */
  public Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  @Override
  public void close() {
    stop();
  }

  private void handle(HttpServerRequest request) {
    if (request.method() != HttpMethod.GET || !"/metrics".equals(request.path())) {
      request
          .response()
          .setStatusCode(404)
          .putHeader("Content-Type", "text/plain; charset=utf-8")
          .end("404 page not found\n");
      return;
    }
    byte[] body = render();
    var response = request.response().putHeader("Content-Type", CONTENT_TYPE);
    String acceptEncoding = request.getHeader("Accept-Encoding");
    if (acceptEncoding != null && acceptsGzip(acceptEncoding)) {
      response.putHeader("Content-Encoding", "gzip").end(Buffer.buffer(gzip(body)));
    } else {
      response.end(Buffer.buffer(body));
    }
  }

  private byte[] render() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      WRITER.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
    } catch (IOException e) {
      throw new IllegalStateException("rendering metrics into memory failed", e);
    }
    return out.toByteArray();
  }

  static boolean acceptsGzip(String acceptEncoding) {
    return Arrays.stream(acceptEncoding.split(","))
        .map(part -> part.trim().toLowerCase(java.util.Locale.ROOT))
        .anyMatch(
            part -> part.equals("gzip") || (part.startsWith("gzip;") && !part.endsWith("q=0")));
  }

  private static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(body);
    } catch (IOException e) {
      throw new IllegalStateException("compressing metrics in memory failed", e);
    }
    return out.toByteArray();
  }

  private static Counter.Builder counter(String name, String help) {
    return Counter.builder().name(name).help(help).withoutExemplars();
  }

  private static Histogram.Builder histogram(String name, String help, double[] bounds) {
    return Histogram.builder()
        .name(name)
        .help(help)
        .classicOnly()
        .classicUpperBounds(bounds)
        .withoutExemplars();
  }

  private static void validateBuckets(List<Double> buckets) {
    if (buckets.isEmpty()) {
      throw new IllegalArgumentException(
          "buckets: got []; expected at least one bound, e.g. [0.1, 0.3, 1.2, 5]");
    }
    double previous = 0;
    for (double bound : buckets) {
      if (!(bound > previous) || Double.isInfinite(bound)) {
        throw new IllegalArgumentException(
            "buckets: got " + buckets + "; expected finite positive bounds in increasing order");
      }
      previous = bound;
    }
  }
}
