package io.freightwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.freightwatch.collect.postgres.TestPostgres;
import io.freightwatch.config.PostgresTarget;
import io.freightwatch.testing.AgentUnderTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent that discovers Odoo tenant databases on the test server, with a discovery refresh of
 * 5 minutes and scrapes every second. A tenant database dropped while the agent runs must leave
 * the agent long before the next refresh, and an explicit tenant whose database is gone must be
 * reported with its tenant and database labels.
 */
class DroppedTenantDatabaseIT {

  private TestPostgres server;
  private String prefix;
  private AgentUnderTest agent;

  @BeforeEach
  void createDatabases() throws Exception {
    server = TestPostgres.connectOrSkip();
    prefix = "fw_drop_" + TestPostgres.uniqueSuffix() + "_";
    server.createNamedOdooDatabase(prefix + "keep");
    server.createNamedOdooDatabase(prefix + "gone");
    server.createNamedOdooDatabase(prefix + "fixed");
  }

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void droppedTenantLeavesBeforeRefresh(@TempDir Path dir) throws Exception {
    agent = startAgent(dir, Duration.ofMinutes(2));
    Map<String, String> goneTarget = Map.of("source", "odoo", "target", "gone");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .until(() -> agent.metric("freightwatch_target_up", goneTarget).orElse(0.0) == 1.0);
    assertThat(agent.metric("freightwatch_target_up",
        Map.of("target", "gone", "tenant", "gone", "database", prefix + "gone"))).contains(1.0);

    drop(prefix + "gone");

    // The refresh interval is 5 minutes, so only the early discovery can remove the tenant in time.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
        .until(() -> agent.metric("freightwatch_target_up", goneTarget).isEmpty());
    assertThat(agent.metric("freightwatch_odoo_tenant_info", Map.of("tenant", "gone"))).isEmpty();
    assertThat(agent.metric("freightwatch_target_up", Map.of("target", "keep"))).contains(1.0);
    assertThat(agent.alerts()).noneSatisfy(alert ->
        assertThat(alert.at("/labels/target").asText()).isEqualTo("gone"));
  }

  @Test
  void explicitTenantAlertNamesTenant(@TempDir Path dir) throws Exception {
    agent = startAgent(dir, Duration.ofSeconds(1));
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .until(() -> agent.metric("freightwatch_target_up", Map.of("target", "fixed"))
            .orElse(0.0) == 1.0);

    drop(prefix + "fixed");

    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
        .until(() -> !agent.alerts("tenant_database_unreachable", "firing").isEmpty());
    List<JsonNode> firing = agent.alerts("tenant_database_unreachable", "firing");
    assertThat(firing).hasSize(1);
    JsonNode alert = firing.get(0);
    assertThat(alert.at("/labels/tenant").asText()).isEqualTo("fixed");
    assertThat(alert.at("/labels/database").asText()).isEqualTo(prefix + "fixed");
    assertThat(alert.at("/annotations/summary").asText())
        .startsWith("The Odoo database " + prefix + "fixed of tenant fixed cannot be reached");
    // An explicit tenant stays watched after its database is dropped, because that is an outage.
    assertThat(agent.metric("freightwatch_target_up", Map.of("target", "fixed"))).contains(0.0);
  }

  private AgentUnderTest startAgent(Path dir, Duration unreachableFor) throws Exception {
    PostgresTarget primary = server.target("drop-primary", "postgres", Duration.ofSeconds(5));
    String yaml = """
        agent:
          listen: 127.0.0.1:0
          scrape_timeout: 5s
          data_directory: data
        targets:
          postgres:
            - name: drop-primary
              cluster: drop-test
              dsn: postgresql://%s@%s:%d/postgres?sslmode=disable
              interval: 1s
          odoo:
            - server: drop-primary
              tenants:
                - {name: fixed, database: %sfixed}
              discover:
                include: "%s.*"
                tenant_name: "%s(?<tenant>.+)"
                refresh: 5m
              interval: 1s
        rules:
          directory: %s
          evaluation_interval: 1s
        """.formatted(primary.user(), primary.host(), primary.port(), prefix, prefix, prefix,
        Path.of("alert-rules").toAbsolutePath());
    Path file = dir.resolve("freightwatch.yaml");
    Files.writeString(file, yaml);
    return AgentUnderTest.start(file, rule -> rule.name().equals("tenant_database_unreachable")
        ? rule.withFor(unreachableFor) : rule);
  }

  /** Drops {@code database}, ending the agent's sessions on it as an operator's drop would. */
  private void drop(String database) throws Exception {
    try (Connection admin = server.admin("postgres");
        Statement statement = admin.createStatement()) {
      statement.execute("DROP DATABASE " + database + " WITH (FORCE)");
    }
  }
}
