package io.freightwatch.collect.traefik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.freightwatch.collect.ScrapeContext;
import io.freightwatch.collect.TargetId;
import io.freightwatch.config.TraefikTarget;
import io.freightwatch.store.Labels;
import io.freightwatch.store.MetricType;
import io.freightwatch.store.Sample;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.junit5.RunTestOnContext;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the collector on the event loop against a local Vert.x HTTP server that serves Traefik v3
 * text, gzip-compressed when the request accepts gzip, and changes it between scrapes while a fixed
 * clock is advanced by 30 s.
 */
@ExtendWith(VertxExtension.class)
class TraefikCollectorTest {

  private static final String SERVICE = "odoo-acme-web@kubernetes";
  private static final String TEXT_CONTENT_TYPE =
      "text/plain; version=0.0.4; charset=utf-8; escaping=underscores";

  /** A low limit, so that any blocking on the event loop is reported in the test output. */
  @RegisterExtension
  final RunTestOnContext onContext =
      new RunTestOnContext(
          new VertxOptions()
              .setMaxEventLoopExecuteTime(200)
              .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
              .setBlockedThreadCheckInterval(50)
              .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS),
          false);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-03T10:00:00Z"));
  private final List<MultiMap> requestHeaders = new ArrayList<>();
  private final List<TraefikCollector> collectors = new ArrayList<>();
  private Reply reply = new Reply(200, TEXT_CONTENT_TYPE, "");
  private ScrapeContext scrapeContext;
  private int port;
  private HttpServer server;

  @AfterEach
  void closeCollectors() {
    collectors.forEach(TraefikCollector::close);
  }

  @Test
  void computesSignalsFromChangingScrapes(VertxTestContext test) {
    List<List<Sample>> results = new ArrayList<>();

    startServer()
        .map(port -> collector(target(Duration.ofSeconds(60), Duration.ofSeconds(5))))
        .compose(
            collector ->
                scrapeStep(collector, traefikV3(0), results)
                    .compose(ignored -> advanceThenScrape(collector, traefikV3(1), results))
                    .compose(ignored -> advanceThenScrape(collector, traefikV3(2), results)))
        .onComplete(
            test.succeeding(
                ignored ->
                    test.verify(
                        () -> {
                          checkRequestHeaders();
                          checkBaseline(results.get(0));
                          checkWindow(results.get(2));
                          test.completeNow();
                        })));
  }

  @Test
  void failsOnNonOkStatus(VertxTestContext test) {
    reply = new Reply(503, "text/plain", "Service Unavailable\n  retry later");

    startServer()
        .compose(
            ignored -> scrape(collector(target(Duration.ofSeconds(60), Duration.ofSeconds(5)))))
        .onComplete(
            test.failing(
                error ->
                    test.verify(
                        () -> {
                          assertThat(error).isInstanceOf(TraefikScrapeException.class);
                          assertThat(error)
                              .hasMessage(
                                  "traefik/edge: GET "
                                      + url()
                                      + " returned HTTP 503: Service Unavailable retry later");
                          test.completeNow();
                        })));
  }

  @Test
  void failsOnBrokenTextNamingLine(VertxTestContext test) {
    reply =
        new Reply(
            200,
            TEXT_CONTENT_TYPE,
            "# TYPE traefik_open_connections gauge\ntraefik_open_connections{entrypoint=web} 1\n");

    startServer()
        .compose(
            ignored -> scrape(collector(target(Duration.ofSeconds(60), Duration.ofSeconds(5)))))
        .onComplete(
            test.failing(
                error ->
                    test.verify(
                        () -> {
                          assertThat(error)
                              .hasMessage(
                                  "traefik/edge: GET "
                                      + url()
                                      + " invalid reply: line 2, column 37: expected a label"
                                      + " value in double quotes after entrypoint= (text:"
                                      + " traefik_open_connections{entrypoint=web} 1)");
                          assertThat(error.getCause())
                              .isInstanceOf(ExpositionFormatException.class);
                          test.completeNow();
                        })));
  }

  @Test
  void failsOnUnsupportedContentType(VertxTestContext test) {
    reply = new Reply(200, "text/html; charset=utf-8", "<html>login</html>");

    startServer()
        .compose(
            ignored -> scrape(collector(target(Duration.ofSeconds(60), Duration.ofSeconds(5)))))
        .onComplete(
            test.failing(
                error ->
                    test.verify(
                        () -> {
                          assertThat(error)
                              .hasMessage(
                                  "traefik/edge: GET "
                                      + url()
                                      + " invalid reply: unsupported Content-Type \"text/html;"
                                      + " charset=utf-8\": media type text/html is not a text"
                                      + " format; expected text/plain; version=0.0.4 or"
                                      + " application/openmetrics-text; version=1.0.0");
                          test.completeNow();
                        })));
  }

  @Test
  void failsAfterTargetTimeout(VertxTestContext test) {
    reply = null;

    startServer()
        .compose(
            ignored -> scrape(collector(target(Duration.ofSeconds(60), Duration.ofMillis(300)))))
        .onComplete(
            test.failing(
                error ->
                    test.verify(
                        () -> {
                          assertThat(error)
                              .hasMessage("traefik/edge: GET " + url() + " timed out after 300 ms");
                          test.completeNow();
                        })));
  }

  @Test
  void redactsUserInfoInFailures(VertxTestContext test) {
    reply = new Reply(401, "text/plain", "unauthorized");

    startServer()
        .compose(
            ignored -> {
              URI withPassword = URI.create("http://scraper:s3cret@127.0.0.1:" + port + "/metrics");
              TraefikTarget target =
                  new TraefikTarget(
                      "edge",
                      withPassword,
                      Duration.ofSeconds(30),
                      Duration.ofSeconds(60),
                      Duration.ofSeconds(5),
                      List.of());
              return scrape(collector(target));
            })
        .onComplete(
            test.failing(
                error ->
                    test.verify(
                        () -> {
                          assertThat(error)
                              .hasMessage(
                                  "traefik/edge: GET http://<redacted>@127.0.0.1:"
                                      + port
                                      + "/metrics returned HTTP 401: unauthorized");
                          assertThat(error.getMessage()).doesNotContain("s3cret");
                          test.completeNow();
                        })));
  }

  @Test
  void keepsCounterStateAcrossFailedScrape(VertxTestContext test) {
    List<List<Sample>> results = new ArrayList<>();

    startServer()
        .map(port -> collector(target(Duration.ofSeconds(120), Duration.ofSeconds(5))))
        .compose(
            collector ->
                scrapeStep(collector, traefikV3(0), results)
                    .compose(ignored -> failingScrape(collector))
                    .compose(ignored -> advanceThenScrape(collector, traefikV3(1), results)))
        .onComplete(
            test.succeeding(
                ignored ->
                    test.verify(
                        () -> {
                          // The increases of state 1 span 60 s, from the last good scrape.
                          Labels service = serviceLabels();
                          assertThat(value(results.get(1), TraefikSignals.WINDOW_REQUESTS, service))
                              .isEqualTo(515);
                          assertThat(
                                  value(
                                      results.get(1), TraefikSignals.REQUESTS_PER_SECOND, service))
                              .isCloseTo(515.0 / 60, within(1e-12));
                          test.completeNow();
                        })));
  }

  @Test
  void parsesOpenMetricsReply(VertxTestContext test) {
    String body =
        """
        # TYPE traefik_open_connections gauge
        traefik_open_connections{entrypoint="websecure",protocol="TCP"} 7
        # EOF
        """;
    reply = new Reply(200, "application/openmetrics-text; version=1.0.0; charset=utf-8", body);

    startServer()
        .compose(
            ignored -> scrape(collector(target(Duration.ofSeconds(60), Duration.ofSeconds(5)))))
        .onComplete(
            test.succeeding(
                samples ->
                    test.verify(
                        () -> {
                          assertThat(TraefikSignalsTest.requestAndConnectionSignals(samples))
                              .extracting(Sample::name, Sample::labels, Sample::value)
                              .containsExactly(
                                  org.assertj.core.groups.Tuple.tuple(
                                      TraefikSignals.OPEN_CONNECTIONS,
                                      Labels.of("instance", "edge", "entrypoint", "websecure"),
                                      7.0));
                          test.completeNow();
                        })));
  }

  @Test
  void failsWhenConnectionRefused(VertxTestContext test) {
    // Port 1 (tcpmux) has no listener here; a port freed by closing a test server could be taken
    // by another process before the scrape connects.
    startServer()
        .compose(
            ignored -> {
              port = 1;
              return scrape(collector(target(Duration.ofSeconds(60), Duration.ofSeconds(5))));
            })
        .onComplete(
            test.failing(
                error ->
                    test.verify(
                        () -> {
                          assertThat(error.getMessage())
                              .startsWith("traefik/edge: GET " + url() + " failed: ")
                              .contains("Connection refused");
                          test.completeNow();
                        })));
  }

  @Test
  void cutsReplyBodyExcerpts() {
    assertThat(TraefikCollector.excerpt(Buffer.buffer("x".repeat(1000))))
        .isEqualTo("x".repeat(200) + "...");
    assertThat(TraefikCollector.excerpt(Buffer.buffer("  Bad\r\n\tGateway \n")))
        .isEqualTo("Bad Gateway");
    assertThat(TraefikCollector.excerpt(Buffer.buffer("short" + " ".repeat(500))))
        .isEqualTo("short...");
    assertThat(TraefikCollector.excerpt(Buffer.buffer())).isEqualTo("(empty body)");
  }

  @Test
  void namesTargetAndInterval() {
    TraefikCollector collector = collector(target(Duration.ofSeconds(60), Duration.ofSeconds(5)));

    assertThat(collector.target()).isEqualTo(new TargetId("traefik", "edge"));
    assertThat(collector.interval()).isEqualTo(Duration.ofSeconds(30));
  }

  // ---- checks of the changing-scrape test, against numbers worked out by hand

  private void checkRequestHeaders() {
    assertThat(requestHeaders).hasSize(3);
    assertThat(requestHeaders.get(0).get("Accept"))
        .isEqualTo(
            "text/plain;version=0.0.4;q=1.0, application/openmetrics-text;version=1.0.0;q=0.5");
    assertThat(requestHeaders.get(0).get("Accept-Encoding")).isEqualTo("gzip");
  }

  private static void checkBaseline(List<Sample> baseline) {
    // Only gauges are known after the first scrape; every counter is a baseline, and the latency
    // summary's count and sum start at 0.
    assertThat(TraefikSignalsTest.requestAndConnectionSignals(baseline))
        .extracting(Sample::name, Sample::labels, Sample::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                TraefikSignals.LATENCY + "_count", serviceLabels(), 0.0),
            org.assertj.core.groups.Tuple.tuple(
                TraefikSignals.LATENCY + "_sum", serviceLabels(), 0.0),
            org.assertj.core.groups.Tuple.tuple(
                TraefikSignals.OPEN_CONNECTIONS,
                Labels.of("instance", "edge", "entrypoint", "web"),
                3.0),
            org.assertj.core.groups.Tuple.tuple(
                TraefikSignals.OPEN_CONNECTIONS,
                Labels.of("instance", "edge", "entrypoint", "websecure"),
                42.0));
  }

  private static void checkWindow(List<Sample> samples) {
    Labels service = serviceLabels();
    // Requests over both 30 s intervals: 200 +1100, 502 +15, websocket 101 +20, and 503 +3 from
    // a series that first appeared in the last scrape.
    assertThat(value(samples, TraefikSignals.WINDOW_REQUESTS, service)).isEqualTo(1138);
    assertThat(value(samples, TraefikSignals.REQUESTS_PER_SECOND, service))
        .isCloseTo(1138.0 / 60, within(1e-12));
    assertThat(value(samples, TraefikSignals.ERROR_RATIO, service))
        .isCloseTo(18.0 / 1138, within(1e-12));
    // Merged bucket increases without websocket: 853, 1053, 1092, 1108, 1118 at 0.1, 0.3, 1.2, 5
    // and +Inf. p95 is rank 1062.1 in (0.3, 1.2]: 0.3 + 0.9 * 9.1 / 39 = 0.51. p99 is rank
    // 1106.82 in (1.2, 5]: 1.2 + 3.8 * 14.82 / 16 = 4.71975.
    assertThat(value(samples, TraefikSignals.LATENCY, service.with("quantile", "0.95")))
        .isCloseTo(0.51, within(1e-9));
    assertThat(value(samples, TraefikSignals.LATENCY, service.with("quantile", "0.99")))
        .isCloseTo(4.71975, within(1e-9));
    // The summary's count is the +Inf increase above. Its sum adds the _sum increases without
    // websocket: 200 +250, 502 +45 and the new 503 series' 0.6.
    assertThat(value(samples, TraefikSignals.LATENCY + "_count", service)).isEqualTo(1118);
    assertThat(value(samples, TraefikSignals.LATENCY + "_sum", service))
        .isCloseTo(295.6, within(1e-9));
    assertThat(samples).filteredOn(s -> s.name().startsWith(TraefikSignals.LATENCY))
        .extracting(Sample::type)
        .containsOnly(MetricType.SUMMARY);
    String classRatio = TraefikSignals.signalName(Subject.Scope.SERVICE, "code_class_ratio");
    assertThat(value(samples, classRatio, service.with("code_class", "2xx")))
        .isCloseTo(1100.0 / 1138, within(1e-12));
    assertThat(value(samples, classRatio, service.with("code_class", "5xx")))
        .isCloseTo(18.0 / 1138, within(1e-12));
    assertThat(value(samples, classRatio, service.with("code_class", "1xx")))
        .isCloseTo(20.0 / 1138, within(1e-12));
    assertThat(value(samples, TraefikSignals.BACKEND_HEALTH_EXPOSED, Labels.of("instance", "edge")))
        .isZero();
    assertThat(value(samples, TraefikSignals.PROCESS_START_TIME, Labels.of("instance", "edge")))
        .isEqualTo(1.74100000012e9);
    // The 13 computed signals, plus the four service request counters and the process start
    // time as scraped.
    assertThat(samples).filteredOn(s -> s.name().equals(TraefikSignals.SERVICE_REQUESTS))
        .hasSize(4);
    assertThat(samples).hasSize(18);
  }

  // ---- server and scrape steps

  private Future<Integer> startServer() {
    Vertx vertx = onContext.vertx();
    scrapeContext =
        new ScrapeContext(
            vertx, vertx.createSharedWorkerExecutor("traefik-test"), clock, Duration.ofSeconds(10));
    server = vertx.createHttpServer(new HttpServerOptions()).requestHandler(this::serve);
    return server
        .listen(0, "127.0.0.1")
        .map(
            listening -> {
              port = listening.actualPort();
              return port;
            });
  }

  private void serve(HttpServerRequest request) {
    requestHeaders.add(MultiMap.caseInsensitiveMultiMap().addAll(request.headers()));
    if (reply == null) {
      // No reply at all, to exercise the timeout.
      return;
    }
    HttpServerResponse response =
        request
            .response()
            .setStatusCode(reply.status())
            .putHeader("Content-Type", reply.contentType());
    String acceptEncoding = request.getHeader("Accept-Encoding");
    if (acceptEncoding != null && acceptEncoding.contains("gzip")) {
      // Compressed by hand rather than by the server, so that a client that fails to inflate the
      // body gets gzip bytes and the parse fails.
      response.putHeader("Content-Encoding", "gzip").end(Buffer.buffer(gzip(reply.body())));
    } else {
      response.end(reply.body());
    }
  }

  private static byte[] gzip(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private Future<List<Sample>> scrapeStep(
      TraefikCollector collector, String body, List<List<Sample>> results) {
    reply = new Reply(200, TEXT_CONTENT_TYPE, body);
    return scrape(collector).onSuccess(results::add);
  }

  private Future<List<Sample>> advanceThenScrape(
      TraefikCollector collector, String body, List<List<Sample>> results) {
    clock.advance(Duration.ofSeconds(30));
    return scrapeStep(collector, body, results);
  }

  /** Advances the clock and scrapes a 502 reply; completes once the scrape has failed. */
  private Future<Void> failingScrape(TraefikCollector collector) {
    clock.advance(Duration.ofSeconds(30));
    reply = new Reply(502, "text/plain", "Bad Gateway");
    return scrape(collector)
        .transform(
            result ->
                result.failed()
                    ? Future.succeededFuture()
                    : Future.failedFuture("expected the scrape of a 502 reply to fail"));
  }

  private Future<List<Sample>> scrape(TraefikCollector collector) {
    return collector.scrape(scrapeContext);
  }

  private TraefikCollector collector(TraefikTarget target) {
    TraefikCollector collector = new TraefikCollector(target);
    collectors.add(collector);
    return collector;
  }

  private String url() {
    return "http://127.0.0.1:" + port + "/metrics";
  }

  private TraefikTarget target(Duration window, Duration timeout) {
    return new TraefikTarget(
        "edge",
        URI.create(url()),
        Duration.ofSeconds(30),
        window,
        timeout,
        List.of(
            new TraefikTarget.ServiceLabels(
                Pattern.compile("odoo-(?<tenant>[a-z]+)-(?<app>[a-z]+)@kubernetes"),
                Map.of("team", "logistics"))));
  }

  private static Labels serviceLabels() {
    return Labels.of(
        "instance", "edge",
        "service", SERVICE,
        "tenant", "acme",
        "app", "web",
        "team", "logistics");
  }

  // ---- served text

  /**
   * Traefik v3 text for state 0, 1 or 2. Between states the 200 series grows by 500 and 600, the
   * 502 series by 5 and 10, the websocket series by 10 and 10, and a 503 series appears in state 2
   * with 3 requests. Buckets are 0.1, 0.3, 1.2, 5 and +Inf.
   */
  private static String traefikV3(int state) {
    long[][] ok = {
      {8000, 9500, 9900, 10000, 10000},
      {8400, 9980, 10395, 10500, 10500},
      {8850, 10550, 10989, 11100, 11100}
    };
    long[][] badGateway = {{0, 0, 5, 20, 20}, {0, 0, 5, 25, 25}, {0, 0, 5, 25, 35}};
    long[] websocket = {300, 310, 320};
    StringBuilder text = new StringBuilder();
    text.append("# HELP process_start_time_seconds Start time of the process.\n");
    text.append("# TYPE process_start_time_seconds gauge\n");
    text.append("process_start_time_seconds 1.74100000012e+09\n");
    text.append("# TYPE traefik_open_connections gauge\n");
    text.append("traefik_open_connections{entrypoint=\"web\",protocol=\"TCP\"} 3\n");
    text.append("traefik_open_connections{entrypoint=\"websecure\",protocol=\"TCP\"} 42\n");
    text.append("# TYPE traefik_service_requests_total counter\n");
    appendRequests(text, "200", "GET", "http", ok[state][4]);
    appendRequests(text, "502", "POST", "http", badGateway[state][4]);
    appendRequests(text, "101", "GET", "websocket", websocket[state]);
    if (state == 2) {
      appendRequests(text, "503", "GET", "http", 3);
    }
    text.append("# TYPE traefik_service_request_duration_seconds histogram\n");
    appendBuckets(text, "200", "GET", "http", ok[state]);
    appendBuckets(text, "502", "POST", "http", badGateway[state]);
    appendBuckets(text, "101", "GET", "websocket", new long[] {0, 0, 0, 0, websocket[state]});
    if (state == 2) {
      appendBuckets(text, "503", "GET", "http", new long[] {3, 3, 3, 3, 3});
    }
    double[] okSeconds = {1000, 1100, 1250};
    double[] badGatewaySeconds = {50, 70, 95};
    double[] websocketSeconds = {9000, 9300, 9600};
    appendDurationSum(text, "200", "GET", "http", okSeconds[state]);
    appendDurationSum(text, "502", "POST", "http", badGatewaySeconds[state]);
    appendDurationSum(text, "101", "GET", "websocket", websocketSeconds[state]);
    if (state == 2) {
      appendDurationSum(text, "503", "GET", "http", 0.6);
    }
    return text.toString();
  }

  private static void appendRequests(
      StringBuilder text, String code, String method, String protocol, long value) {
    text.append("traefik_service_requests_total")
        .append(labels(code, method, protocol))
        .append('}')
        .append(' ')
        .append(value)
        .append('\n');
  }

  private static void appendBuckets(
      StringBuilder text, String code, String method, String protocol, long[] counts) {
    String[] bounds = {"0.1", "0.3", "1.2", "5", "+Inf"};
    for (int i = 0; i < bounds.length; i++) {
      text.append("traefik_service_request_duration_seconds_bucket")
          .append(labels(code, method, protocol))
          .append(",le=\"")
          .append(bounds[i])
          .append("\"} ")
          .append(counts[i])
          .append('\n');
    }
  }

  private static void appendDurationSum(
      StringBuilder text, String code, String method, String protocol, double seconds) {
    text.append("traefik_service_request_duration_seconds_sum")
        .append(labels(code, method, protocol))
        .append("} ")
        .append(seconds)
        .append('\n');
  }

  private static String labels(String code, String method, String protocol) {
    return "{code=\""
        + code
        + "\",method=\""
        + method
        + "\",protocol=\""
        + protocol
        + "\",service=\""
        + SERVICE
        + "\"";
  }

  private static double value(List<Sample> samples, String name, Labels labels) {
    return samples.stream()
        .filter(sample -> sample.name().equals(name) && sample.labels().equals(labels))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sample " + name + labels + " in " + samples))
        .value();
  }

  private record Reply(int status, String contentType, String body) {}

  /** A clock that returns the same instant until a test advances it. */
  private static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration step) {
      now = now.plus(step);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
