package io.freightwatch.collect.traefik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.freightwatch.config.TraefikTarget;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Entry point and router signals, backend health, certificates and reloads, fed with scrapes of
 * one logical setup (entry point websecure, service odoo-tenant42 with two backends, one down)
 * from Traefik v2.11 and v3.1.
 */
class TraefikPackTest {

  private static final Instant T0 = Instant.parse("2025-03-10T10:00:00Z");
  private static final Labels EDGE = Labels.of("instance", "edge");
  private static final Labels TENANT42 = EDGE.with("application", "odoo-tenant42");

  private static final String V2 =
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

  private static final String V3 =
      """
      # TYPE traefik_open_connections gauge
      traefik_open_connections{entrypoint="websecure",protocol="TCP"} 55
      # TYPE traefik_service_server_up gauge
      traefik_service_server_up{service="9c1e4f07ab32d6e5",url="http://10.0.1.21:8069"} 1
      traefik_service_server_up{service="9c1e4f07ab32d6e5",url="http://10.0.1.22:8069"} 0
      # TYPE traefik_config_reloads_total counter
      traefik_config_reloads_total 7
      """;

  private static final String V3_WITHOUT_HEALTH =
      """
      # TYPE traefik_open_connections gauge
      traefik_open_connections{entrypoint="websecure",protocol="TCP"} 55
      # TYPE traefik_config_reloads_total counter
      traefik_config_reloads_total 7
      """;

  @Test
  void backendHealthSameOnBothVersions() {
    for (String scrape : List.of(V2, V3)) {
      List<Sample> samples = signals().update(parse(scrape), T0);

      assertThat(find(samples, TraefikSignals.BACKEND_SERVERS, TENANT42)).as(scrape).contains(2.0);
      assertThat(find(samples, TraefikSignals.BACKEND_SERVERS_UP, TENANT42)).contains(1.0);
      assertThat(find(samples, TraefikSignals.BACKEND_SERVER_UP,
          TENANT42.with("url", "http://10.0.1.22:8069"))).contains(0.0);
      assertThat(find(samples, TraefikSignals.BACKEND_SERVER_UP,
          TENANT42.with("url", "http://10.0.1.21:8069"))).contains(1.0);
      assertThat(find(samples, TraefikSignals.BACKEND_HEALTH_EXPOSED, EDGE)).contains(1.0);
      assertThat(find(samples, TraefikSignals.OPEN_CONNECTIONS,
          EDGE.with("entrypoint", "websecure"))).contains(55.0);
    }
  }

  @Test
  void changedHashKeepsBackendIdentity() {
    TraefikSignals signals = signals();
    List<Sample> before = signals.update(parse(V3), T0);

    List<Sample> after = signals.update(parse(V3.replace("9c1e4f07ab32d6e5", "0123456789abcdef")),
        T0.plusSeconds(30));

    assertThat(backendLabels(after)).isEqualTo(backendLabels(before));
  }

  @Test
  void missingHealthFamilyIsUnknown() {
    List<Sample> samples = signals().update(parse(V3_WITHOUT_HEALTH), T0);

    assertThat(find(samples, TraefikSignals.BACKEND_HEALTH_EXPOSED, EDGE)).contains(0.0);
    assertThat(samples).noneMatch(s -> s.name().equals(TraefikSignals.BACKEND_SERVER_UP)
        || s.name().equals(TraefikSignals.BACKEND_SERVERS_UP));
  }

  @Test
  void hashedServiceWithoutInventoryIsUnknownApplication() {
    TraefikSignals signals = new TraefikSignals(target(List.of()));

    List<Sample> samples = signals.update(parse(V3), T0);

    assertThat(find(samples, TraefikSignals.BACKEND_SERVERS, EDGE.with("application", "unknown")))
        .contains(2.0);
  }

  @Test
  void reportsEntrypointAndRouterSignals() {
    TraefikSignals signals = signals();
    signals.update(parse(entrypointAndRouter(1_000, 10, 100, 2)), T0);

    List<Sample> samples = signals.update(parse(entrypointAndRouter(1_300, 20, 160, 5)),
        T0.plusSeconds(30));

    Labels websecure = EDGE.with("entrypoint", "websecure");
    Labels router = EDGE.with("router", "tenant42-web@docker");
    String entrypointRequests =
        TraefikSignals.signalName(Subject.Scope.ENTRYPOINT, "window_requests");
    assertThat(find(samples, entrypointRequests, websecure)).contains(310.0);
    assertThat(find(samples, TraefikSignals.signalName(Subject.Scope.ENTRYPOINT, "error_ratio"),
        websecure)).hasValueSatisfying(r -> assertThat(r).isCloseTo(10.0 / 310, within(1e-12)));
    assertThat(find(samples, TraefikSignals.signalName(Subject.Scope.ENTRYPOINT,
        "code_class_ratio"), websecure.with("code_class", "4xx"))).isEmpty();
    assertThat(find(samples, TraefikSignals.signalName(Subject.Scope.ROUTER, "code_class_ratio"),
        router.with("code_class", "4xx")))
        .hasValueSatisfying(r -> assertThat(r).isCloseTo(3.0 / 63, within(1e-12)));
    assertThat(find(samples, TraefikSignals.signalName(Subject.Scope.ROUTER, "requests_per_second"),
        router)).hasValueSatisfying(r -> assertThat(r).isCloseTo(63.0 / 30, within(1e-12)));
    assertThat(find(samples, TraefikSignals.signalName(Subject.Scope.ENTRYPOINT,
        "latency_seconds"), websecure.with("quantile", "0.95"))).isPresent();
  }

  @Test
  void certificateExpiryInSeconds() {
    String scrape =
        """
        # TYPE traefik_tls_certs_not_after gauge
        traefik_tls_certs_not_after{cn="erp.example.com",sans="erp.example.com",serial="1"} 1741996800
        traefik_tls_certs_not_after{cn="erp.example.com",sans="erp.example.com",serial="2"} 1744538400
        traefik_tls_certs_not_after{cn="old.example.com",sans="old.example.com",serial="3"} 1741564800
        """;

    List<Sample> samples = signals().update(parse(scrape), T0);

    // T0 is 1741600800; the renewed certificate expires 34 days later, the old one 10 hours ago.
    assertThat(find(samples, TraefikSignals.CERTIFICATE_EXPIRY,
        EDGE.with("cn", "erp.example.com").with("sans", "erp.example.com")))
        .contains(34 * 86_400.0);
    assertThat(find(samples, TraefikSignals.CERTIFICATE_EXPIRY,
        EDGE.with("cn", "old.example.com").with("sans", "old.example.com")))
        .contains(-36_000.0);
  }

  @Test
  void reloadFailuresOnlyOnV2() {
    String v2 =
        """
        # TYPE traefik_config_reloads_total counter
        traefik_config_reloads_total 9
        # TYPE traefik_config_reloads_failure_total counter
        traefik_config_reloads_failure_total 2
        # TYPE traefik_config_last_reload_success gauge
        traefik_config_last_reload_success 1741600200
        # TYPE traefik_config_last_reload_failure gauge
        traefik_config_last_reload_failure 1741600500
        """;

    List<Sample> fromV2 = signals().update(parse(v2), T0);
    List<Sample> fromV3 = signals().update(parse(V3), T0);

    assertThat(find(fromV2, TraefikSignals.RELOAD_FAILURES, EDGE)).contains(2.0);
    assertThat(find(fromV2, TraefikSignals.LAST_RELOAD_FAILED, EDGE)).contains(1.0);
    assertThat(find(fromV2, TraefikSignals.LAST_RELOAD_SUCCESS_AGE, EDGE)).contains(600.0);
    assertThat(find(fromV3, TraefikSignals.RELOADS, EDGE)).contains(7.0);
    assertThat(find(fromV3, TraefikSignals.RELOAD_FAILURES, EDGE)).isEmpty();
    assertThat(find(fromV3, TraefikSignals.LAST_RELOAD_FAILED, EDGE)).isEmpty();
  }

  private static String entrypointAndRouter(long ok, long errors, long routerOk, long notFound) {
    String bucket = "traefik_entrypoint_request_duration_seconds_bucket{code=\"200\","
        + "entrypoint=\"websecure\",method=\"GET\",protocol=\"http\",le=";
    return "# TYPE traefik_entrypoint_requests_total counter\n"
        + "traefik_entrypoint_requests_total{code=\"200\",entrypoint=\"websecure\",method=\"GET\","
        + "protocol=\"http\"} " + ok + "\n"
        + "traefik_entrypoint_requests_total{code=\"502\",entrypoint=\"websecure\",method=\"GET\","
        + "protocol=\"http\"} " + errors + "\n"
        + "# TYPE traefik_entrypoint_request_duration_seconds histogram\n"
        + bucket + "\"0.1\"} " + ok / 2 + "\n"
        + bucket + "\"0.3\"} " + ok + "\n"
        + bucket + "\"+Inf\"} " + ok + "\n"
        + "# TYPE traefik_router_requests_total counter\n"
        + "traefik_router_requests_total{code=\"200\",method=\"GET\",protocol=\"http\","
        + "router=\"tenant42-web@docker\",service=\"odoo-tenant42@docker\"} " + routerOk + "\n"
        + "traefik_router_requests_total{code=\"404\",method=\"GET\",protocol=\"http\","
        + "router=\"tenant42-web@docker\",service=\"odoo-tenant42@docker\"} " + notFound + "\n";
  }

  private static List<Labels> backendLabels(List<Sample> samples) {
    return samples.stream()
        .filter(s -> s.name().startsWith("freightwatch_traefik_backend_server"))
        .map(Sample::labels)
        .toList();
  }

  private static TraefikSignals signals() {
    return new TraefikSignals(target(List.of(new TraefikTarget.Backend("odoo-tenant42",
        List.of("10.0.1.21:8069", "10.0.1.22:8069")))));
  }

  private static TraefikTarget target(List<TraefikTarget.Backend> backends) {
    return new TraefikTarget("edge", URI.create("http://127.0.0.1:8080/metrics"),
        Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(5), List.of(), backends);
  }

  private static Exposition parse(String text) {
    return ExpositionParser.parse(text, ExpositionFormat.PROMETHEUS_TEXT);
  }

  private static Optional<Double> find(List<Sample> samples, String name, Labels labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(labels))
        .map(Sample::value)
        .findFirst();
  }
}
