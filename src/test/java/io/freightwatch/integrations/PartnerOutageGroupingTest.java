package io.freightwatch.integrations;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.config.DependencyMap;
import io.freightwatch.config.IntegrationsConfig;
import io.freightwatch.config.IntegrationsConfig.Integration;
import io.freightwatch.config.IntegrationsConfig.QueueJobMatch;
import io.freightwatch.config.OperationalCalendar;
import io.freightwatch.config.RuleFileReader;
import io.freightwatch.config.RuleSpec;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertEvent;
import io.freightwatch.rules.AlertState;
import io.freightwatch.rules.RuleEngine;
import io.freightwatch.rules.Silences;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A carrier outage seen through the shipped rules: failed label jobs raise the integration's
 * failure ratio, {@code partner_api_error_ratio} fires for the integration, and the tenant's
 * {@code carrier_label_backlog} groups under it because the dependency map names the same
 * integration.
 */
class PartnerOutageGroupingTest {

  private static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

  private final SeriesStore store = new SeriesStore(Duration.ofMinutes(30));

  @Test
  void backlogGroupsUnderPartnerAlert() throws Exception {
    DependencyMap dependencies = new DependencyMap(List.of(new DependencyMap.Dependency(
        RuleSpec.Component.INTEGRATION, "dhl", List.of("acme"),
        List.of("carrier label printing"))), Map.of());
    RuleEngine engine = new RuleEngine(store, shippedRules("partner_api_error_ratio",
        "carrier_label_backlog"), OperationalCalendar.EMPTY, dependencies,
        new Silences(List.of()), Optional.empty());
    IntegrationRatios ratios = new IntegrationRatios(new IntegrationsConfig(
        IntegrationsConfig.DEFAULT_WINDOWS, List.of(new Integration("dhl",
            List.of(new QueueJobMatch(Optional.empty(), Optional.of("root.carrier.dhl"),
                Optional.empty(), Optional.empty())), List.of(), List.of()))));

    List<AlertEvent> sent = new ArrayList<>();
    for (int step = 0; step <= 28; step++) {
      Instant now = T0.plusSeconds(15L * step);
      scrapeTenant(now, 1_000 + 8 * step, 40 + 4 * step);
      ratios.update(store, now);
      sent.addAll(engine.evaluate(now));
    }

    assertThat(sent).extracting(event -> event.alert().rule())
        .containsExactly("partner_api_error_ratio");
    Alert partner = alert(engine, "partner_api_error_ratio");
    Alert backlog = alert(engine, "carrier_label_backlog");
    assertThat(partner.state()).isEqualTo(AlertState.FIRING);
    assertThat(partner.labels().get("integration")).isEqualTo("dhl");
    assertThat(partner.annotations()).containsEntry("affected_tenants", "acme");
    assertThat(backlog.state()).isEqualTo(AlertState.FIRING);
    assertThat(backlog.annotations()).containsEntry("grouped_under", partner.fingerprint());
  }

  private static List<RuleSpec> shippedRules(String... names) throws Exception {
    List<String> wanted = List.of(names);
    return new RuleFileReader().readDirectory(Path.of("alert-rules")).stream()
        .filter(rule -> wanted.contains(rule.name())).toList();
  }

  /** Writes one tenant scrape: finished label jobs by outcome and those waiting for a retry. */
  private void scrapeTenant(Instant now, long done, long failed) {
    Labels job = Labels.of("tenant", "acme", "cluster", "eu1", "channel", "root.carrier.dhl",
        "model", "stock.picking", "method", "_dhl_send_shipping");
    store.applyScrape("target:odoo/acme", List.of(
        Sample.counter("freightwatch_odoo_queue_job_finished_total", "", done,
            job.with("outcome", "done")),
        Sample.counter("freightwatch_odoo_queue_job_finished_total", "", failed,
            job.with("outcome", "failed")),
        Sample.gauge("freightwatch_odoo_queue_job_retried_pending_jobs", "", 80, Labels.of(
            "tenant", "acme", "cluster", "eu1", "channel", "root.carrier.dhl"))), now);
    store.applyScrape("health:odoo/acme", List.of(Sample.gauge("freightwatch_target_up", "", 1,
        Labels.of("source", "odoo", "target", "acme"))), now);
  }

  private static Alert alert(RuleEngine engine, String rule) {
    return engine.alerts().stream().filter(a -> a.rule().equals(rule)).findFirst().orElseThrow();
  }
}
