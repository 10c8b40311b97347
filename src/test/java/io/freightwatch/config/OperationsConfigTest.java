package io.freightwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.freightwatch.store.Labels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The calendar, dependencies, silences and api sections of the agent configuration. */
class OperationsConfigTest {

  private static final String TARGETS = """
      targets:
        postgres:
          - name: eu1-primary
            cluster: eu1
            dsn: postgresql://127.0.0.1:5432/postgres
        odoo:
          - server: eu1-primary
            tenants:
              - {name: acme, database: odoo_acme}
      """;

  @TempDir Path dir;

  private AgentConfig load(String text, Map<String, String> environment) throws Exception {
    Path file = dir.resolve("freightwatch.yaml");
    Files.writeString(file, text);
    return new ConfigLoader(environment).load(file);
  }

  @Test
  void readsCalendarDependenciesAndSilences() throws Exception {
    AgentConfig config = load(TARGETS + """
        calendar:
          escalation: {horizon: 45m, severity: error}
          sites:
            - name: rotterdam
              tenants: [acme]
              warehouses: [RTM1]
              time_zone: Europe/Amsterdam
              operating_hours: {days: [mon, tue, wed, thu, fri], from: "06:00", to: "22:00"}
              cutoffs:
                - {name: DHL pickup, days: [mon, tue, wed, thu, fri], at: "16:00"}
              holidays: ["2026-12-25"]
              peaks: [{name: black friday, from: "2026-11-23", to: "2026-11-30"}]
              maintenance: [{name: db upgrade, from: "2026-03-14T22:00", to: "2026-03-15T02:00"}]
              freezes: [{name: peak freeze, from: "2026-11-16", to: "2026-12-31"}]
        dependencies:
          redis:
            sessions: {tenants: [acme, globex], processes: [operator sessions]}
        silences:
          - matchers: {tenant: globex}
            ends_at: "2027-01-05T08:00:00Z"
            comment: tenant moves to a new cluster
        api:
          token: ${env:FREIGHTWATCH_API_TOKEN}
        """, Map.of("FREIGHTWATCH_API_TOKEN", "0123456789abcdef0123"));

    OperationalCalendar.Site site = config.calendar().siteFor(Labels.of("warehouse", "RTM1"))
        .orElseThrow();
    assertThat(config.calendar().escalationHorizon()).isEqualTo(Duration.ofMinutes(45));
    assertThat(site.cutoffs()).singleElement()
        .satisfies(c -> assertThat(c.at()).isEqualTo(LocalTime.of(16, 0)));
    assertThat(site.nextCutoff(Instant.parse("2026-03-13T16:30:00Z"), RuleSpec.Domain.TRANSPORT))
        .hasValueSatisfying(next -> assertThat(next.at().toInstant())
            .isEqualTo(Instant.parse("2026-03-16T15:00:00Z")));
    assertThat(site.maintenanceAt(Instant.parse("2026-03-14T23:00:00Z"))).isPresent();
    assertThat(config.dependencies().find(RuleSpec.Component.POSTGRES, "eu1"))
        .hasValueSatisfying(d -> assertThat(d.tenants()).containsExactly("acme"));
    assertThat(config.dependencies().find(RuleSpec.Component.REDIS, "sessions"))
        .hasValueSatisfying(d -> assertThat(d.processes()).containsExactly("operator sessions"));
    assertThat(config.silences()).singleElement().satisfies(s -> {
      assertThat(s.id()).isEqualTo("config-0");
      assertThat(s.endsAt()).isEqualTo(Instant.parse("2027-01-05T08:00:00Z"));
    });
    assertThat(config.apiToken().toString())
        .isEqualTo("<redacted from env:FREIGHTWATCH_API_TOKEN>");
  }

  @Test
  void reportsOperationsProblemsTogether() {
    assertThatThrownBy(() -> load("""
        calendar:
          sites:
            - name: rotterdam
              tenants: [acme]
              time_zone: Europe/Rotterdam
              cutoffs:
                - {name: DHL pickup, days: [mon, fry]}
              maintenance: [{name: db upgrade, from: "2026-03-15T02:00", to: "2026-03-14T22:00"}]
        silences:
          - matchers: {tenant: globex}
        api:
          token: hunter2-written-in-the-file
        """, Map.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems())
            .extracting(ConfigProblem::toString).containsExactly(
                "freightwatch.yaml:5: calendar.sites[0].time_zone: got \"Europe/Rotterdam\";"
                    + " expected a time zone name such as Europe/Amsterdam",
                "freightwatch.yaml:7: calendar.sites[0].cutoffs[0].days[1]: got \"fry\"; expected"
                    + " mon, tue, wed, thu, fri, sat or sun",
                "freightwatch.yaml:7: calendar.sites[0].cutoffs[0]: missing at; add the local"
                    + " time, e.g. at: \"16:00\"",
                "freightwatch.yaml:8: calendar.sites[0].maintenance[0]: to 2026-03-14T22:00 is"
                    + " not after from 2026-03-15T02:00; swap them or fix the dates",
                "freightwatch.yaml:10: silences[0]: missing ends_at; every silence expires, e.g."
                    + " ends_at: \"2027-01-05T08:00:00Z\"",
                "freightwatch.yaml:12: api.token: got a token written in the file; reference it"
                    + " instead, e.g. token: ${env:FREIGHTWATCH_API_TOKEN} or"
                    + " ${file:/run/secrets/api-token}"));
  }

  @Test
  void rejectsShortApiToken() {
    assertThatThrownBy(() -> load("api:\n  token: ${env:TOKEN}\n", Map.of("TOKEN", "short")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("api.token: the referenced token has 5 characters; use at least 16"
            + " random characters")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("short"));
  }

  @Test
  void defaultsWithoutSections() throws Exception {
    AgentConfig config = load(TARGETS, Map.of());

    assertThat(config.calendar().sites()).isEmpty();
    assertThat(config.silences()).isEmpty();
    assertThat(config.apiToken().isEmpty()).isTrue();
    assertThat(config.rules().slos()).isEqualTo(List.of());
  }
}
