package io.freightwatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads notify.receivers, notify.route and export from configuration files. */
class NotifyConfigTest {

  private static final Map<String, String> ENVIRONMENT =
      Map.of("PD_KEY", "R0UT1NGKEY", "TEAMS_URL", "https://prod.example/workflows/1?sig=abc");

  @TempDir Path dir;

  private AgentConfig load(String text) throws Exception {
    Path file = dir.resolve("freightwatch.yaml");
    Files.writeString(file, text);
    return new ConfigLoader(ENVIRONMENT).load(file);
  }

  private String errors(String text) throws IOException {
    Path file = dir.resolve("freightwatch.yaml");
    Files.writeString(file, text);
    try {
      new ConfigLoader(ENVIRONMENT).load(file);
      throw new AssertionError("expected configuration errors");
    } catch (ConfigException e) {
      return e.getMessage();
    }
  }

  private static final String RECEIVERS =
      """
      notify:
        receivers:
          - name: ops
            url: http://127.0.0.1:9/hook
          - name: pagerduty
            type: pagerduty
            routing_key: ${env:PD_KEY}
            rate_limit: {count: 120, per: 1m}
            circuit_breaker: {failures: 3, cooldown: 1m}
          - name: teams
            type: teams
            url: ${env:TEAMS_URL}
          - name: alertmanager
            type: alertmanager
            url: http://alertmanager.monitoring:9093
            resend_interval: 30s
      """;

  @Test
  void readsRoutingTreeWithDefaults() throws Exception {
    AgentConfig config =
        load(
            RECEIVERS
                + """
                    fallback_receiver: ops
                    route:
                      receiver: ops
                      group_by: [alertname, tenant]
                      routes:
                        - matchers: {severity: critical, customer_facing: "true"}
                          receiver: pagerduty
                          continue: true
                          group_wait: 10s
                        - matchers: {domain: "=~transport|warehouse"}
                          receiver: teams
                          mute_time_intervals: [outside_operating_hours]
                        - receiver: alertmanager
                          group_by: ['...']
                  """);

    RouteConfig root = config.routing().route();
    assertThat(config.routing().fallbackReceiver()).isEqualTo("ops");
    assertThat(root.receiver()).isEqualTo("ops");
    assertThat(root.groupBy()).containsExactly("alertname", "tenant");
    assertThat(root.groupWait()).isEqualTo(Duration.ofSeconds(30));
    assertThat(root.groupInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(root.repeatInterval()).isEqualTo(Duration.ofHours(4));
    RouteConfig pagerduty = root.routes().get(0);
    assertThat(pagerduty.continueMatching()).isTrue();
    assertThat(pagerduty.groupWait()).isEqualTo(Duration.ofSeconds(10));
    assertThat(pagerduty.groupBy()).as("inherited").containsExactly("alertname", "tenant");
    assertThat(pagerduty.matchers())
        .extracting(Object::toString)
        .containsExactlyInAnyOrder("severity=\"critical\"", "customer_facing=\"true\"");
    assertThat(root.routes().get(1).muteTimeIntervals())
        .containsExactly("outside_operating_hours");
    assertThat(root.routes().get(2).groupByAll()).isTrue();
  }

  @Test
  void rejectsUnknownMuteIntervalsAndBadGroupLabels() throws Exception {
    String message =
        errors(
            RECEIVERS
                + """
                    route:
                      receiver: ops
                      group_by: [alertname, bad-label]
                      mute_time_intervals: [night-shift]
                  """);

    assertThat(message)
        .contains("notify.route.group_by[1]: got \"bad-label\"; a label name has letters")
        .contains("notify.route.mute_time_intervals[0]: got \"night-shift\"; a route is muted by"
            + " the calendar intervals outside_operating_hours, maintenance, holiday, peak,"
            + " release_freeze");
  }

  @Test
  void readsReceiverTypes() throws Exception {
    AgentConfig config = load(RECEIVERS);

    ReceiverConfig pagerduty = config.receivers().get(1);
    assertThat(pagerduty.url().reveal()).isEqualTo("https://events.pagerduty.com/v2/enqueue");
    assertThat(pagerduty.routingKey().reveal()).isEqualTo("R0UT1NGKEY");
    assertThat(pagerduty.routingKey().toString()).isEqualTo("<redacted from env:PD_KEY>");
    assertThat(pagerduty.rateLimit()).isEqualTo(new RateLimit(120, Duration.ofMinutes(1)));
    assertThat(pagerduty.breakerFailures()).isEqualTo(3);
    assertThat(pagerduty.breakerCooldown()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.receivers().get(2).url().toString())
        .isEqualTo("<redacted from env:TEAMS_URL>");
    assertThat(config.receivers().get(3).alertmanagerLease()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.routing().route().routes())
        .extracting(RouteConfig::receiver)
        .as("one route per receiver without notify.route")
        .containsExactly("ops", "pagerduty", "teams", "alertmanager");
  }

  @Test
  void rejectsSecretsWrittenInFile() throws Exception {
    String message =
        errors(
            """
            notify:
              receivers:
                - name: pagerduty
                  type: pagerduty
                  routing_key: R0UT1NGKEY
                - name: teams
                  type: teams
                  url: https://prod.example/workflows/1?sig=abc
            """);

    assertThat(message)
        .contains(
            "freightwatch.yaml:5: notify.receivers[0].routing_key: <redacted> is written in the"
                + " file; the routing key is a secret: use routing_key: ${env:VARIABLE} or"
                + " ${file:/path}");
    assertThat(message)
        .contains(
            "freightwatch.yaml:8: notify.receivers[1].url: <redacted> is"
                + " written in the file; a Teams workflow URL is a secret");
    assertThat(message).doesNotContain("R0UT1NGKEY").doesNotContain("sig=abc");
  }

  @Test
  void rejectsUnknownReceiverInRoute() throws Exception {
    String message =
        errors(
            RECEIVERS
                + """
                    fallback_receiver: pager
                    route:
                      receiver: ops
                      routes:
                        - receiver: opsgenie
                  """);

    assertThat(message)
        .contains(
            "notify.fallback_receiver: got \"pager\"; no receiver has this name; define it under"
                + " notify.receivers or use one of [alertmanager, ops, pagerduty, teams]");
    assertThat(message)
        .contains(
            "notify.route.routes[0].receiver: got \"opsgenie\"; no" + " receiver has this name");
  }

  @Test
  void readsExportSection() throws Exception {
    AgentConfig config =
        load(
            """
            export:
              otlp:
                endpoint: http://otel-collector:4317
                protocol: grpc
                interval: 30s
              azure_monitor:
                endpoint: https://fw-dce.westeurope-1.ingest.monitor.azure.com
                rule_id: dcr-00112233445566778899aabbccddeeff
            """);

    ExportConfig.Otlp otlp = config.export().otlp().orElseThrow();
    assertThat(otlp.protocol()).isEqualTo(ExportConfig.OtlpProtocol.GRPC);
    assertThat(otlp.temporality()).isEqualTo(ExportConfig.Temporality.CUMULATIVE);
    assertThat(otlp.interval()).isEqualTo(Duration.ofSeconds(30));
    ExportConfig.AzureMonitor azure = config.export().azureMonitor().orElseThrow();
    assertThat(azure.signalsStream()).isEqualTo("Custom-FreightwatchSignals");
    assertThat(azure.sloStream()).isEqualTo("Custom-FreightwatchSlo");
    assertThat(azure.sloPrefixes()).isEqualTo(List.of("freightwatch_slo_"));
  }

  @Test
  void rejectsPlainHttpForAzure() throws Exception {
    String message =
        errors(
            """
            export:
              azure_monitor:
                endpoint: http://fw-dce.example
                rule_id: dcr-1
              otlp:
                endpoint: otel-collector:4318
                protocol: thrift
            """);

    assertThat(message)
        .contains(
            "export.azure_monitor.endpoint: got \"http://fw-dce.example\";"
                + " Azure Monitor accepts tokens over HTTPS only: use an https:// URL");
    assertThat(message)
        .contains("export.otlp.protocol: got \"thrift\"; expected http/protobuf" + " or grpc");
    assertThat(message)
        .contains(
            "export.otlp.endpoint: got \"otel-collector:4318\"; expected an"
                + " http:// or https:// URL");
  }
}
