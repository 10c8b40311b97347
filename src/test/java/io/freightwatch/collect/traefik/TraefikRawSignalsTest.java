package io.freightwatch.collect.traefik;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.config.TraefikTarget;
import io.freightwatch.store.Labels;
import io.freightwatch.store.MetricType;
import io.freightwatch.store.Sample;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Traefik series passed on as scraped. Traefik cannot run here, so the scrapes are written
 * after Traefik v2.11 and v3 output as the reference describes it: the same request counter name in
 * both versions, gRPC statuses in {@code code} on v3, and the Go client's process collector.
 */
class TraefikRawSignalsTest {

  private static final Instant T0 = Instant.parse("2026-03-03T10:00:00Z");

  @Test
  void exportsServiceCountersFromFirstScrape() {
    TraefikSignals signals = new TraefikSignals(target());
    String v2 =
        """
        # TYPE traefik_entrypoint_requests_total counter
        traefik_entrypoint_requests_total{code="200",entrypoint="websecure",method="GET",protocol="http"} 99
        # TYPE traefik_service_requests_total counter
        traefik_service_requests_total{code="200",method="GET",protocol="http",service="odoo-tenant42@docker"} 1250
        traefik_service_requests_total{code="502",method="POST",protocol="http",service="odoo-tenant42@docker"} 17
        traefik_service_requests_total{code="200",method="GET",protocol="websocket",service="odoo-longpolling@file"} 8
        """;

    Map<Labels, Double> counters = serviceCounters(signals.update(parse(v2), T0));

    assertThat(counters)
        .containsOnly(
            Map.entry(counterLabels("odoo-tenant42@docker", "200", "GET", "http"), 1250.0),
            Map.entry(counterLabels("odoo-tenant42@docker", "502", "POST", "http"), 17.0),
            Map.entry(counterLabels("odoo-longpolling@file", "200", "GET", "websocket"), 8.0));
  }

  @Test
  void keepsGrpcStatusOfTraefikV3() {
    TraefikSignals signals = new TraefikSignals(target());
    String v3 =
        """
        # TYPE traefik_open_connections gauge
        traefik_open_connections{entrypoint="websecure",protocol="TCP"} 55
        # TYPE traefik_service_requests_total counter
        traefik_service_requests_total{code="14",method="POST",protocol="grpc",service="edi-gateway@docker"} 3
        traefik_service_requests_total{code="0",method="POST",protocol="grpc",service="edi-gateway@docker"} 400
        """;

    Map<Labels, Double> counters = serviceCounters(signals.update(parse(v3), T0));

    assertThat(counters)
        .containsOnly(
            Map.entry(counterLabels("edi-gateway@docker", "14", "POST", "grpc"), 3.0),
            Map.entry(counterLabels("edi-gateway@docker", "0", "POST", "grpc"), 400.0));
  }

  @Test
  void sumsSeriesThatDifferInHeaderLabels() {
    TraefikSignals signals = new TraefikSignals(target());
    String withHeaderLabels =
        """
        # TYPE traefik_service_requests_total counter
        traefik_service_requests_total{code="200",method="GET",protocol="http",service="odoo@docker",tenant="a"} 10
        traefik_service_requests_total{code="200",method="GET",protocol="http",service="odoo@docker",tenant="b"} 32
        traefik_service_requests_total{code="200",method="GET",protocol="http",service="odoo@docker",tenant=""} 1
        traefik_service_requests_total{code="200",method="GET",protocol="http",service="other@docker",tenant="a"} NaN
        """;

    Map<Labels, Double> counters = serviceCounters(signals.update(parse(withHeaderLabels), T0));

    assertThat(counters)
        .containsOnly(Map.entry(counterLabels("odoo@docker", "200", "GET", "http"), 43.0));
  }

  @Test
  void marksCountersAsCounters() {
    TraefikSignals signals = new TraefikSignals(target());

    List<Sample> samples = signals.update(parse(requestsText(1741000000, 5)), T0);

    assertThat(samples)
        .filteredOn(sample -> sample.name().equals(TraefikSignals.SERVICE_REQUESTS))
        .extracting(Sample::type)
        .containsExactly(MetricType.COUNTER);
    assertThat(samples)
        .filteredOn(sample -> sample.name().equals(TraefikSignals.PROCESS_START_TIME))
        .extracting(Sample::type)
        .containsExactly(MetricType.GAUGE);
  }

  @Test
  void exportsStartTimeAcrossRestart() {
    TraefikSignals signals = new TraefikSignals(target());

    List<Sample> t0 = signals.update(parse(requestsText(1741000000, 1_250_000_000L)), T0);
    List<Sample> t90 =
        signals.update(parse(requestsText(1741600870, 2_400)), T0.plusSeconds(90));

    Labels instance = Labels.of("instance", "edge");
    assertThat(value(t0, TraefikSignals.PROCESS_START_TIME, instance)).isEqualTo(1741000000.0);
    assertThat(value(t90, TraefikSignals.PROCESS_START_TIME, instance)).isEqualTo(1741600870.0);
    Labels ok = counterLabels("odoo-tenant42@docker", "200", "GET", "http");
    assertThat(value(t0, TraefikSignals.SERVICE_REQUESTS, ok)).isEqualTo(1_250_000_000.0);
    assertThat(value(t90, TraefikSignals.SERVICE_REQUESTS, ok)).isEqualTo(2_400.0);
  }

  @Test
  void omitsStartTimeTheTargetLacks() {
    TraefikSignals signals = new TraefikSignals(target());
    String text =
        """
        # TYPE traefik_config_reloads_total counter
        traefik_config_reloads_total 7
        """;

    List<Sample> samples = signals.update(parse(text), T0);

    assertThat(samples)
        .extracting(Sample::name)
        .doesNotContain(TraefikSignals.PROCESS_START_TIME, TraefikSignals.SERVICE_REQUESTS);
  }

  private static String requestsText(long startTime, long ok) {
    return "# TYPE process_start_time_seconds gauge\n"
        + "process_start_time_seconds "
        + startTime
        + "\n# TYPE traefik_service_requests_total counter\n"
        + "traefik_service_requests_total{code=\"200\",method=\"GET\",protocol=\"http\","
        + "service=\"odoo-tenant42@docker\"} "
        + ok
        + "\n";
  }

  private static Labels counterLabels(
      String service, String code, String method, String protocol) {
    return Labels.of(
        "instance", "edge", "service", service, "code", code, "method", method, "protocol",
        protocol);
  }

  private static Map<Labels, Double> serviceCounters(List<Sample> samples) {
    return samples.stream()
        .filter(sample -> sample.name().equals(TraefikSignals.SERVICE_REQUESTS))
        .collect(Collectors.toMap(Sample::labels, Sample::value));
  }

  private static double value(List<Sample> samples, String name, Labels labels) {
    return samples.stream()
        .filter(sample -> sample.name().equals(name) && sample.labels().equals(labels))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sample " + name + labels + " in " + samples))
        .value();
  }

  private static TraefikTarget target() {
    return new TraefikTarget(
        "edge",
        URI.create("http://127.0.0.1:8080/metrics"),
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        Duration.ofSeconds(5),
        List.of());
  }

  private static Exposition parse(String text) {
    return ExpositionParser.parse(text, ExpositionFormat.PROMETHEUS_TEXT);
  }
}
