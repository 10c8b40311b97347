package io.freightwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.collect.TargetHealth;
import io.freightwatch.collect.TargetId;
import io.freightwatch.notify.DeliveryRecord;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertState;
import io.freightwatch.store.Labels;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusPageTest {

  private static final Instant NOW = Instant.parse("2026-03-02T14:00:00Z");

  @Test
  void escapesLabelsAnnotationsAndErrors() {
    Alert alert = firing("carrier_label_backlog", "transport", "<b>acme</b>",
        Map.of("summary", "5 < 6 & \"quoted\"", "runbook", "javascript:alert('x')"));
    TargetHealth target = new TargetHealth(new TargetId("redis", "s<1>"), true, false,
        Optional.of(NOW.minusSeconds(3)), 0.2, "connection refused: <host>", 0);

    String html = render(List.of(target), List.of(alert), List.of(), List.of());

    assertThat(html).doesNotContain("<b>acme</b>").contains("&lt;b&gt;acme&lt;/b&gt;");
    assertThat(html).contains("5 &lt; 6 &amp; &quot;quoted&quot;");
    assertThat(html).contains("<code>javascript:alert(&#39;x&#39;)</code>")
        .doesNotContain("href=\"javascript");
    assertThat(html).contains("connection refused: &lt;host&gt;")
        .contains("data-target=\"s&lt;1&gt;\" data-health=\"down\"");
  }

  @Test
  void groupsFiringAlertsByDomainThenTenant() {
    List<Alert> alerts = List.of(
        firing("job_runner_stalled", "platform", "globex", Map.of()),
        firing("carrier_label_backlog", "transport", "globex", Map.of()),
        firing("carrier_label_backlog", "transport", "acme", Map.of()),
        firing("order_import_failures", "orders", "", Map.of()));

    String html = render(List.of(), alerts, List.of(), List.of());

    int orders = html.indexOf("data-domain=\"orders\"");
    int transport = html.indexOf("data-domain=\"transport\"");
    int platform = html.indexOf("data-domain=\"platform\"");
    assertThat(orders).isPositive().isLessThan(transport);
    assertThat(transport).isLessThan(platform);
    assertThat(html.indexOf("data-tenant=\"acme\"", transport))
        .isLessThan(html.indexOf("data-tenant=\"globex\"", transport));
    assertThat(html.substring(orders, transport)).contains("data-tenant=\"all tenants\"");
    assertThat(html).contains("id=\"firing-count\">4<");
  }

  @Test
  void showsTimeToCutoffFromAnnotations() {
    Alert exact = firing("carrier_label_backlog", "transport", "acme",
        Map.of("cutoff_at", "2026-03-02T15:05:00Z"));
    Alert calendar = firing("carrier_label_backlog", "transport", "globex",
        Map.of("cutoff", "DHL pickup at 16:00 Europe/Berlin", "time_to_cutoff", "1h 0m"));
    Alert passed = firing("carrier_label_backlog", "transport", "initech",
        Map.of("cutoff_at", "2026-03-02T13:00:00Z"));
    Alert named = firing("carrier_label_backlog", "transport", "umbrella",
        Map.of("cutoff_at", "2026-03-02T14:40:00Z", "cutoff", "UPS pickup at 15:40 Europe/Berlin",
            "time_to_cutoff", "40m 0s"));

    assertThat(StatusPage.cutoff(exact, NOW)).contains("1h 5m (at 2026-03-02 15:05:00 UTC)");
    assertThat(StatusPage.cutoff(calendar, NOW))
        .contains("1h 0m (DHL pickup at 16:00 Europe/Berlin)");
    assertThat(StatusPage.cutoff(passed, NOW)).contains("passed at 2026-03-02 13:00:00 UTC");
    assertThat(StatusPage.cutoff(named, NOW)).contains("40m 0s (UPS pickup at 15:40 Europe/Berlin)");
    assertThat(StatusPage.cutoff(firing("x", "orders", "acme", Map.of()), NOW)).isEmpty();
  }

  @Test
  void drawsErrorBudgetBarsAndBurnRates() {
    SloSummary slo = new SloSummary("edi_gateway_availability", 0.995, "28d", 0.42,
        List.of(new SloSummary.BurnRate("5m", 14.4), new SloSummary.BurnRate("1h", 2.5)),
        Optional.of(Duration.ofHours(30)));
    SloSummary overspent = new SloSummary("replica_freshness", 0.99, "7d", -0.3, List.of(),
        Optional.empty());

    String html = render(List.of(), List.of(), List.of(slo, overspent), List.of());

    assertThat(html).doesNotContain("No SLOs configured.");
    assertThat(html).contains("data-slo=\"edi_gateway_availability\"")
        .contains("style=\"width:42%\"").contains("42.0 %").contains("99.500 %")
        .contains("5m: 14.4×").contains("1h: 2.5×").contains("1d 6h");
    assertThat(html).contains("class=\"bad\" style=\"width:0%\"").contains("-30.0 %")
        .contains("not burning");
  }

  @Test
  void saysWhenNothingIsConfigured() {
    String html = render(List.of(), List.of(), List.of(), List.of());

    assertThat(html).contains("No SLOs configured.").contains("No alert is firing.")
        .contains("No target is configured.")
        .contains("No notification was sent since the agent started.");
    assertThat(html).doesNotContain("<script").doesNotContain("<link");
  }

  @Test
  void countsFailedDeliveries() {
    List<DeliveryRecord> deliveries = List.of(
        new DeliveryRecord(NOW.minusSeconds(5), "pagerduty", "7", List.of("replica_lag"),
            DeliveryRecord.Outcome.RETRYING, 2, "HTTP 503"),
        new DeliveryRecord(NOW.minusSeconds(60), "teams", "6", List.of("replica_lag"),
            DeliveryRecord.Outcome.DELIVERED, 1, ""));

    String html = render(List.of(), List.of(), List.of(), deliveries);

    assertThat(html).contains("id=\"delivery-failures\">1<")
        .contains("data-receiver=\"pagerduty\" data-outcome=\"retrying\"")
        .contains("HTTP 503")
        .contains("data-receiver=\"teams\" data-outcome=\"delivered\"");
  }

  private static String render(List<TargetHealth> targets, List<Alert> alerts,
      List<SloSummary> slos, List<DeliveryRecord> deliveries) {
    StatusPage page = new StatusPage(new StatusPage.Sources(() -> targets, () -> alerts,
        () -> slos, () -> deliveries, () -> true), Clock.fixed(NOW, ZoneOffset.UTC), "1.2.3");
    return page.render();
  }

  private static Alert firing(String rule, String domain, String tenant,
      Map<String, String> annotations) {
    Labels labels = Labels.of("alertname", rule, "severity", "critical", "domain", domain);
    if (!tenant.isEmpty()) {
      labels = labels.with("tenant", tenant);
    }
    return new Alert(rule + "-" + tenant, rule, labels, annotations, AlertState.FIRING, 57,
        NOW.minusSeconds(600), Optional.of(NOW.minusSeconds(480)), Optional.empty());
  }
}
