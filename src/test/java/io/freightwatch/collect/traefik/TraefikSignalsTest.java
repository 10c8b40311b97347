package io.freightwatch.collect.traefik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.freightwatch.config.TraefikTarget;
import io.freightwatch.store.Labels;
import io.freightwatch.store.MetricType;
import io.freightwatch.store.Sample;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TraefikSignalsTest {

  private static final Instant T0 = Instant.parse("2026-03-03T10:00:00Z");
  private static final String SERVICE = "odoo-tenant42@docker";
  private static final Labels SERVICE_LABELS = Labels.of("instance", "edge", "service", SERVICE);

  @Test
  void followsCounterRulesThroughRestart() {
    TraefikSignals signals = new TraefikSignals(target(Duration.ofSeconds(30)));

    List<Sample> t0 =
        signals.update(parse(requestsText(1741000000, 1_250_000_000, 52_000, -1)), T0);
    List<Sample> t30 =
        signals.update(parse(requestsText(1741000000, 1_250_003_000, 52_006, -1)), at(30));
    List<Sample> t60 =
        signals.update(parse(requestsText(1741000000, 1_250_006_000, 52_012, 4)), at(60));
    List<Sample> t90 = signals.update(parse(requestsText(1741600870, 2_400, 3, -1)), at(90));
    List<Sample> t120 = signals.update(parse(requestsText(1741600870, 5_400, 9, -1)), at(120));

    assertThat(requestAndConnectionSignals(t0)).isEmpty();
    assertThat(value(t30, TraefikSignals.WINDOW_REQUESTS, SERVICE_LABELS)).isEqualTo(3_006);
    assertThat(value(t30, TraefikSignals.REQUESTS_PER_SECOND, SERVICE_LABELS))
        .isCloseTo(100.2, within(1e-9));
    assertThat(value(t30, TraefikSignals.ERROR_RATIO, SERVICE_LABELS))
        .isCloseTo(6.0 / 3_006, within(1e-12));
    assertThat(value(t60, TraefikSignals.WINDOW_REQUESTS, SERVICE_LABELS)).isEqualTo(3_010);
    assertThat(value(t60, TraefikSignals.ERROR_RATIO, SERVICE_LABELS))
        .isCloseTo(10.0 / 3_010, within(1e-12));
    assertThat(value(t90, TraefikSignals.WINDOW_REQUESTS, SERVICE_LABELS)).isEqualTo(2_403);
    assertThat(value(t90, TraefikSignals.ERROR_RATIO, SERVICE_LABELS))
        .isCloseTo(3.0 / 2_403, within(1e-12));
    assertThat(value(t120, TraefikSignals.WINDOW_REQUESTS, SERVICE_LABELS)).isEqualTo(3_006);
    assertThat(value(t120, TraefikSignals.ERROR_RATIO, SERVICE_LABELS))
        .isCloseTo(6.0 / 3_006, within(1e-12));
  }

  @Test
  void sumsIncreasesOverWholeWindow() {
    TraefikSignals signals = new TraefikSignals(target(Duration.ofSeconds(60)));
    signals.update(parse(requestsText(1741000000, 1_000, 10, -1)), T0);
    signals.update(parse(requestsText(1741000000, 1_300, 10, -1)), at(30));
    signals.update(parse(requestsText(1741000000, 1_500, 20, -1)), at(60));

    List<Sample> t90 = signals.update(parse(requestsText(1741000000, 1_600, 20, -1)), at(90));

    // The interval ending at 30 s left the window; 200 + 10 and 100 + 0 remain over 60 s.
    assertThat(value(t90, TraefikSignals.WINDOW_REQUESTS, SERVICE_LABELS)).isEqualTo(310);
    assertThat(value(t90, TraefikSignals.REQUESTS_PER_SECOND, SERVICE_LABELS))
        .isCloseTo(310.0 / 60, within(1e-12));
    assertThat(value(t90, TraefikSignals.ERROR_RATIO, SERVICE_LABELS))
        .isCloseTo(10.0 / 310, within(1e-12));
  }

  @Test
  void emitsNothingUnknownForIdleService() {
    TraefikSignals signals = new TraefikSignals(target(Duration.ofSeconds(60)));
    String idle = requestsText(1741000000, 500, 5, -1) + durationText(SERVICE, "200", 0, 0, 0, 0);
    signals.update(parse(idle), T0);

    List<Sample> samples = signals.update(parse(idle), at(30));

    assertThat(value(samples, TraefikSignals.WINDOW_REQUESTS, SERVICE_LABELS)).isZero();
    assertThat(value(samples, TraefikSignals.REQUESTS_PER_SECOND, SERVICE_LABELS)).isZero();
    assertThat(find(samples, TraefikSignals.ERROR_RATIO, SERVICE_LABELS)).isEmpty();
    assertThat(samples).noneMatch(sample -> sample.name().equals(TraefikSignals.LATENCY));
    assertThat(samples).allMatch(sample -> Double.isFinite(sample.value()));
  }

  @Test
  void emitsNoServiceSignalsAfterBaseline() {
    TraefikSignals signals = new TraefikSignals(target(Duration.ofSeconds(60)));

    List<Sample> samples =
        signals.update(
            parse(requestsText(1741000000, 500, 5, -1) + durationText(SERVICE, "200", 1, 2, 3, 4)),
            T0);

    // The latency summary's count is a counter that starts at 0, and nothing else is known yet.
    assertThat(requestAndConnectionSignals(samples))
        .extracting(Sample::name, Sample::value)
        .containsExactly(tuple(TraefikSignals.LATENCY + "_count", 0.0));
  }

  @Test
  void mergesReplicaBucketsWithDifferentSpellings() {
    TraefikSignals signals = new TraefikSignals(target(Duration.ofMinutes(5)));
    signals.update(parse(replicaBuckets(0)), T0);

    List<Sample> samples = signals.update(parse(replicaBuckets(1)), at(300));

    Labels web = Labels.of("instance", "edge", "service", "odoo-web@docker");
    // Common bounds 0.1, 0.3, 1.2, 5, +Inf give 180, 330, 387, 399, 400.
    // p95: rank 380 in (0.3, 1.2]; p99: rank 396 in (1.2, 5].
    assertThat(value(samples, TraefikSignals.LATENCY, web.with("quantile", "0.95")))
        .isCloseTo(0.3 + 0.9 * 50 / 57, within(1e-12));
    assertThat(value(samples, TraefikSignals.LATENCY, web.with("quantile", "0.99")))
        .isCloseTo(4.05, within(1e-12));
  }

  @Test
  void excludesWebsocketFromLatencyOnly() {
    TraefikSignals signals = new TraefikSignals(target(Duration.ofSeconds(60)));
    signals.update(parse(mixedProtocols(0)), T0);

    List<Sample> samples = signals.update(parse(mixedProtocols(1)), at(30));

    // 100 http requests, all within 0.1 s, and 20 websocket requests of more than 5 s.
    assertThat(value(samples, TraefikSignals.WINDOW_REQUESTS, SERVICE_LABELS)).isEqualTo(120);
    assertThat(value(samples, TraefikSignals.LATENCY, SERVICE_LABELS.with("quantile", "0.99")))
        .isCloseTo(0.099, within(1e-12));
  }

  @Test
  void handlesCounterResetInsideWindow() {
    TraefikSignals signals = new TraefikSignals(target(Duration.ofSeconds(90)));
    signals.update(parse(durationText(SERVICE, "200", 1_000, 1_500, 1_900, 2_000)), T0);
    signals.update(parse(durationText(SERVICE, "200", 1_090, 1_590, 1_990, 2_100)), at(30));

    // The service was re-created: every bucket starts again near 0.
    List<Sample> samples =
        signals.update(parse(durationText(SERVICE, "200", 10, 10, 10, 10)), at(60));

    // Bucket increases over both intervals: 90 + 10 = 100 at 0.1, 0.3 and 1.2, and 100 + 10 = 110
    // at 5 and +Inf. p95 is rank 104.5 in (1.2, 5], 1.2 + 3.8 * (104.5 - 100) / (110 - 100).
    assertThat(value(samples, TraefikSignals.LATENCY, SERVICE_LABELS.with("quantile", "0.95")))
        .isCloseTo(2.91, within(1e-12));
    assertThat(samples).allMatch(sample -> sample.value() >= 0);
  }

  @Test
  void readsOpenConnectionsOfBothVersions() {
    String v2 =
        """
        # TYPE traefik_entrypoint_open_connections gauge
        traefik_entrypoint_open_connections{entrypoint="websecure",method="GET",protocol="http"} 40
        traefik_entrypoint_open_connections{entrypoint="websecure",method="POST",protocol="http"} 12
        traefik_entrypoint_open_connections{entrypoint="websecure",method="GET",protocol="websocket"} 3
        # TYPE traefik_service_server_up gauge
        traefik_service_server_up{service="odoo-tenant42@docker",url="http://10.0.1.21:8069"} 1
        traefik_service_server_up{service="odoo-tenant42@docker",url="http://10.0.1.22:8069"} 0
        # TYPE traefik_config_reloads_total counter
        traefik_config_reloads_total 7
        """;
    String v3 =
        """
        # TYPE traefik_open_connections gauge
        traefik_open_connections{entrypoint="websecure",protocol="TCP"} 55
        # TYPE traefik_service_server_up gauge
        traefik_service_server_up{service="9c1e4f07ab32d6e5",url="http://10.0.1.21:8069"} 1
        traefik_service_server_up{service="9c1e4f07ab32d6e5",url="http://10.0.1.22:8069"} 0
        # TYPE traefik_config_reloads_total counter
        traefik_config_reloads_total 7
        """;
    String neither =
        """
        # TYPE traefik_config_reloads_total counter
        traefik_config_reloads_total 7
        """;
    Labels websecure = Labels.of("instance", "edge", "entrypoint", "websecure");

    List<Sample> fromV2 = new TraefikSignals(target(Duration.ofMinutes(1))).update(parse(v2), T0);
    List<Sample> fromV3 = new TraefikSignals(target(Duration.ofMinutes(1))).update(parse(v3), T0);
    List<Sample> fromNeither =
        new TraefikSignals(target(Duration.ofMinutes(1))).update(parse(neither), T0);

    assertThat(requestAndConnectionSignals(fromV2)).containsExactly(openConnections(55, websecure));
    assertThat(requestAndConnectionSignals(fromV3)).containsExactly(openConnections(55, websecure));
    assertThat(requestAndConnectionSignals(fromNeither)).isEmpty();
  }

  @Test
  void addsLabelsFromServicePatterns() {
    TraefikTarget target =
        new TraefikTarget(
            "edge",
            URI.create("http://127.0.0.1:8080/metrics"),
            Duration.ofSeconds(30),
            Duration.ofMinutes(1),
            Duration.ofSeconds(5),
            List.of(
                new TraefikTarget.ServiceLabels(
                    Pattern.compile("odoo-(?<tenant>[a-z0-9]+)-(?<app>web|longpolling)@docker"),
                    Map.of("team", "logistics", "app", "unset")),
                new TraefikTarget.ServiceLabels(
                    Pattern.compile("odoo-(?<tenant>[a-z0-9]+)@docker"), Map.of("app", "web"))));
    TraefikSignals signals = new TraefikSignals(target);
    String text =
        requestsLine("odoo-acme-longpolling@docker", "200", 10)
            + requestsLine("odoo-globex@docker", "200", 10)
            + requestsLine("api@internal", "200", 10);
    signals.update(parse(text), T0);

    List<Sample> samples = signals.update(parse(text), at(30));

    assertThat(find(samples, TraefikSignals.WINDOW_REQUESTS, Labels.EMPTY)).isEmpty();
    assertThat(samples)
        .filteredOn(sample -> sample.name().equals(TraefikSignals.WINDOW_REQUESTS))
        .extracting(Sample::labels)
        .containsExactly(
            Labels.of("instance", "edge", "service", "api@internal"),
            Labels.of(
                "instance", "edge",
                "service", "odoo-acme-longpolling@docker",
                "tenant", "acme",
                "app", "longpolling",
                "team", "logistics"),
            Labels.of(
                "instance", "edge",
                "service", "odoo-globex@docker",
                "tenant", "globex",
                "app", "web"));
  }

  @Test
  void countsGrpcServerStatusesAsErrors() {
    assertThat(TraefikReading.isServerError("503", "http")).isTrue();
    assertThat(TraefikReading.isServerError("500", "websocket")).isTrue();
    assertThat(TraefikReading.isServerError("404", "http")).isFalse();
    assertThat(TraefikReading.isServerError("14", "grpc")).isTrue();
    assertThat(TraefikReading.isServerError("13", "grpc-web")).isTrue();
    assertThat(TraefikReading.isServerError("5", "grpc")).isFalse();
    assertThat(TraefikReading.isServerError("0", "grpc")).isFalse();
  }

  @Test
  void keepsSeriesWhenBoundSpellingChanges() {
    TraefikSignals signals = new TraefikSignals(target(Duration.ofSeconds(60)));
    signals.update(parse(durationText(SERVICE, "200", 10, 20, 30, 40)), T0);
    String respelled =
        durationText(SERVICE, "200", 12, 25, 36, 48)
            .replace("le=\"0.1\"", "le=\"1e-1\"")
            .replace("le=\"5\"", "le=\"5.0\"");

    List<Sample> samples = signals.update(parse(respelled), at(30));

    // Increases 2, 5, 6, 8, 8: p95 is rank 7.6 in (1.2, 5], 1.2 + 3.8 * (7.6 - 6) / (8 - 6).
    // Had the respelled buckets counted as new series from 0, 0.1 would count 12 and p95 would
    // fall below 0.1 s.
    assertThat(value(samples, TraefikSignals.LATENCY, SERVICE_LABELS.with("quantile", "0.95")))
        .isCloseTo(4.24, within(1e-12));
  }

  // ---- helpers

  /**
   * Keeps the request signals of every scope and open connections, dropping target-wide ones and
   * the service request counters passed on as scraped.
   */
  static List<Sample> requestAndConnectionSignals(List<Sample> samples) {
    return samples.stream()
        .filter(s -> !s.name().equals(TraefikSignals.SERVICE_REQUESTS))
        .filter(s -> s.name().startsWith("freightwatch_traefik_service_")
            || s.name().startsWith("freightwatch_traefik_entrypoint_")
            || s.name().startsWith("freightwatch_traefik_router_")
            || s.name().equals(TraefikSignals.OPEN_CONNECTIONS))
        .toList();
  }

  private static TraefikTarget target(Duration window) {
    return new TraefikTarget(
        "edge",
        URI.create("http://127.0.0.1:8080/metrics"),
        Duration.ofSeconds(30),
        window,
        Duration.ofSeconds(5),
        List.of());
  }

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  private static Exposition parse(String text) {
    return ExpositionParser.parse(text, ExpositionFormat.PROMETHEUS_TEXT);
  }

  /** Traefik text with 200, 500 and (when not negative) 503 request counters of one service. */
  private static String requestsText(long startTime, long ok, long errors, long unavailable) {
    StringBuilder text = new StringBuilder();
    text.append("# TYPE process_start_time_seconds gauge\n");
    text.append("process_start_time_seconds ").append(startTime).append('\n');
    text.append("# TYPE traefik_service_requests_total counter\n");
    text.append(requestsLine(SERVICE, "200", ok));
    text.append(requestsLine(SERVICE, "500", errors));
    if (unavailable >= 0) {
      text.append(requestsLine(SERVICE, "503", unavailable));
    }
    return text.toString();
  }

  private static String requestsLine(String service, String code, long value) {
    return "traefik_service_requests_total{code=\""
        + code
        + "\",method=\"GET\",protocol=\"http\",service=\""
        + service
        + "\"} "
        + value
        + "\n";
  }

  /** Duration buckets 0.1, 0.3, 1.2, 5, +Inf of one http series; 5 and +Inf share a count. */
  private static String durationText(
      String service, String code, long upTo100ms, long upTo300ms, long upTo1200ms, long all) {
    String labels = "code=\"" + code + "\",method=\"GET\",protocol=\"http\",service=\"" + service;
    String name = "traefik_service_request_duration_seconds_bucket{";
    return "# TYPE traefik_service_request_duration_seconds histogram\n"
        + name
        + labels
        + "\",le=\"0.1\"} "
        + upTo100ms
        + "\n"
        + name
        + labels
        + "\",le=\"0.3\"} "
        + upTo300ms
        + "\n"
        + name
        + labels
        + "\",le=\"1.2\"} "
        + upTo1200ms
        + "\n"
        + name
        + labels
        + "\",le=\"5\"} "
        + all
        + "\n"
        + name
        + labels
        + "\",le=\"+Inf\"} "
        + all
        + "\n";
  }

  /**
   * Three replicas of one service in one scrape, with bucket counts multiplied by {@code factor}: A
   * spells bounds as Go does, B writes 5.0, C pads with zeros and has an extra 0.5 s bucket.
   */
  private static String replicaBuckets(int factor) {
    StringBuilder text =
        new StringBuilder("# TYPE traefik_service_request_duration_seconds histogram\n");
    appendBuckets(text, "a", factor, "0.1", 100, "0.3", 180, "1.2", 195, "5", 199, "+Inf", 200);
    appendBuckets(text, "b", factor, "0.1", 50, "0.3", 90, "1.2", 97, "5.0", 100, "+Inf", 100);
    appendBuckets(
        text, "c", factor, "000.1", 30, "000.3", 60, "000.5", 80, "001.2", 95, "005.0", 100, "+Inf",
        100);
    return text.toString();
  }

  private static void appendBuckets(
      StringBuilder text, String replica, int factor, Object... boundsAndCounts) {
    for (int i = 0; i < boundsAndCounts.length; i += 2) {
      text.append("traefik_service_request_duration_seconds_bucket{code=\"200\",method=\"GET\",")
          .append("protocol=\"http\",replica=\"")
          .append(replica)
          .append("\",service=\"odoo-web@docker\",le=\"")
          .append(boundsAndCounts[i])
          .append("\"} ")
          .append(factor * (Integer) boundsAndCounts[i + 1])
          .append('\n');
    }
  }

  /** Builds one service with 100 fast http requests and 20 long websocket requests per step. */
  private static String mixedProtocols(int step) {
    String buckets = "traefik_service_request_duration_seconds_bucket{code=\"";
    return "# TYPE traefik_service_requests_total counter\n"
        + requestsLine(SERVICE, "200", 100L * step)
        + "traefik_service_requests_total{code=\"101\",method=\"GET\",protocol=\"websocket\","
        + "service=\""
        + SERVICE
        + "\"} "
        + 20 * step
        + "\n"
        + "# TYPE traefik_service_request_duration_seconds histogram\n"
        + buckets
        + "200\",method=\"GET\",protocol=\"http\",service=\""
        + SERVICE
        + "\",le=\"0.1\"} "
        + 100 * step
        + "\n"
        + buckets
        + "200\",method=\"GET\",protocol=\"http\",service=\""
        + SERVICE
        + "\",le=\"+Inf\"} "
        + 100 * step
        + "\n"
        + buckets
        + "101\",method=\"GET\",protocol=\"websocket\",service=\""
        + SERVICE
        + "\",le=\"5\"} 0\n"
        + buckets
        + "101\",method=\"GET\",protocol=\"websocket\",service=\""
        + SERVICE
        + "\",le=\"+Inf\"} "
        + 20 * step
        + "\n";
  }

  private static Sample openConnections(double value, Labels labels) {
    return new Sample(
        TraefikSignals.OPEN_CONNECTIONS,
        labels,
        value,
        MetricType.GAUGE,
        "Open connections per entry point (v3 TCP connections, v2 HTTP requests).");
  }

  private static double value(List<Sample> samples, String name, Labels labels) {
    return find(samples, name, labels)
        .orElseThrow(() -> new AssertionError("no sample " + name + labels + " in " + samples))
        .value();
  }

  private static Optional<Sample> find(List<Sample> samples, String name, Labels labels) {
    return samples.stream()
        .filter(sample -> sample.name().equals(name) && sample.labels().equals(labels))
        .findFirst();
  }
}
