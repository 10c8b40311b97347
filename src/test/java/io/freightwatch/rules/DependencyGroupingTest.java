package io.freightwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.config.DependencyMap;
import io.freightwatch.config.OperationalCalendar;
import io.freightwatch.config.RuleSpec;
import io.freightwatch.config.SummaryTemplate;
import io.freightwatch.store.LabelMatcher;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A PostgreSQL outage: one infrastructure alert pages, the tenants' alerts group under it. */
class DependencyGroupingTest {

  private static final Instant T0 = Instant.parse("2026-03-10T14:00:00Z");
  private static final String UP = "freightwatch_target_up";

  private final SeriesStore store = new SeriesStore(Duration.ofMinutes(30));
  private final DependencyMap dependencies = new DependencyMap(
      List.of(new DependencyMap.Dependency(RuleSpec.Component.POSTGRES, "eu1", List.of("acme"),
          List.of("order intake", "picking"))),
      Map.of("eu1-primary", "eu1", "eu1-replica", "eu1"));

  private static RuleSpec rule(String name, String source, RuleSpec.Domain domain,
      Optional<RuleSpec.Component> component, Duration forDuration) {
    return new RuleSpec(name, "test.yaml:1", UP, List.of(LabelMatcher.equal("source", source)),
        RuleSpec.ValueFunction.VALUE, Duration.ZERO, RuleSpec.Comparison.EQUAL, 0, forDuration,
        Map.of(), new RuleSpec.Impact(domain, "orders of " + source,
            SummaryTemplate.parse("Target {{ $labels.target }} is down."),
            RuleSpec.Severity.CRITICAL, "ops", "runbooks/" + name + ".md", "", true, component));
  }

  private RuleEngine engine() {
    return new RuleEngine(store, List.of(
        rule("postgres_unreachable", "postgres", RuleSpec.Domain.PLATFORM,
            Optional.of(RuleSpec.Component.POSTGRES), Duration.ofSeconds(30)),
        rule("tenant_database_unreachable", "odoo", RuleSpec.Domain.ORDERS, Optional.empty(),
            Duration.ofMinutes(2))),
        OperationalCalendar.EMPTY, dependencies, new Silences(List.of()), Optional.empty());
  }

  private void scrape(boolean primaryUp, Instant now) {
    double up = primaryUp ? 1 : 0;
    store.applyScrape("health", List.of(
        Sample.gauge(UP, "", up, Labels.of("source", "postgres", "target", "eu1-primary")),
        Sample.gauge(UP, "", 1, Labels.of("source", "postgres", "target", "eu1-replica")),
        Sample.gauge(UP, "", up, Labels.of("source", "odoo", "target", "acme")),
        Sample.gauge(UP, "", up, Labels.of("source", "odoo", "target", "globex"))), now);
    // globex was found by discovery; only its tenant_info series ties it to the cluster.
    store.applyScrape("target:odoo/globex", List.of(Sample.gauge(
        AlertContext.TENANT_INFO, "", 1, Labels.of("tenant", "globex", "cluster", "eu1"))), now);
  }

  @Test
  void outageGroupsTenantAlertsUnderInfrastructure() {
    RuleEngine engine = engine();
    scrape(true, T0);
    assertThat(engine.evaluate(T0)).isEmpty();

    List<AlertEvent> sent = new java.util.ArrayList<>();
    for (int second = 15; second <= 180; second += 15) {
      scrape(false, T0.plusSeconds(second));
      sent.addAll(engine.evaluate(T0.plusSeconds(second)));
    }

    assertThat(sent).singleElement().satisfies(event -> {
      assertThat(event.alert().rule()).isEqualTo("postgres_unreachable");
      assertThat(event.alert().annotations())
          .containsEntry("affected_tenants", "acme, globex")
          .containsEntry("affected_processes", "order intake, orders of odoo, picking")
          .containsEntry("grouped_alerts", "2");
      assertThat(event.alert().summary()).isEqualTo("Target eu1-primary is down. Affects tenants"
          + " acme, globex (order intake, orders of odoo, picking).");
    });
    Alert infra = engine.alerts().stream()
        .filter(a -> a.rule().equals("postgres_unreachable")).findFirst().orElseThrow();
    List<Alert> tenants = engine.alerts().stream()
        .filter(a -> a.rule().equals("tenant_database_unreachable")).toList();
    assertThat(tenants).hasSize(2).allSatisfy(alert -> {
      assertThat(alert.state()).isEqualTo(AlertState.FIRING);
      assertThat(alert.annotations())
          .containsEntry("grouped_under", infra.fingerprint())
          .containsEntry("probable_cause",
              "PostgreSQL cluster eu1 (postgres_unreachable)");
      assertThat(alert.summary()).startsWith("Probable cause: PostgreSQL cluster eu1"
          + " (postgres_unreachable). Target ");
    });
    assertThat(infra.annotations()).containsEntry("grouped_alerts", "2");
  }

  @Test
  void recoveryResolvesOnlyNotifiedAlerts() {
    RuleEngine engine = engine();
    for (int second = 0; second <= 180; second += 15) {
      scrape(false, T0.plusSeconds(second));
      engine.evaluate(T0.plusSeconds(second));
    }

    scrape(true, T0.plusSeconds(195));
    List<AlertEvent> events = engine.evaluate(T0.plusSeconds(195));

    assertThat(events).singleElement().satisfies(event -> {
      assertThat(event.kind()).isEqualTo(AlertEvent.Kind.RESOLVED);
      assertThat(event.alert().rule()).isEqualTo("postgres_unreachable");
    });
  }

  @Test
  void tenantAlertPagesWithoutInfrastructureCause() {
    RuleEngine engine = engine();
    for (int second = 0; second <= 150; second += 15) {
      Instant now = T0.plusSeconds(second);
      store.applyScrape("health", List.of(
          Sample.gauge(UP, "", 1, Labels.of("source", "postgres", "target", "eu1-primary")),
          Sample.gauge(UP, "", 0, Labels.of("source", "odoo", "target", "acme"))), now);
      List<AlertEvent> events = engine.evaluate(now);
      if (second == 120) {
        assertThat(events).singleElement().satisfies(event -> {
          assertThat(event.alert().rule()).isEqualTo("tenant_database_unreachable");
          assertThat(event.alert().annotations()).doesNotContainKey("grouped_under");
        });
      }
    }
  }
}
