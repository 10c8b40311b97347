package io.freightwatch.collect.odoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.collect.postgres.PgSessions;
import io.freightwatch.collect.postgres.PostgresCollector;
import io.freightwatch.collect.postgres.ScrapeHarness;
import io.freightwatch.collect.postgres.TestPostgres;
import io.freightwatch.config.OdooTarget;
import io.freightwatch.config.PostgresTarget;
import io.freightwatch.store.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the PostgreSQL pack and the Odoo collector as a role that has exactly the grants of
 * docs/postgres-grants.md: {@code pg_monitor} plus {@code SELECT} on the Odoo tables listed
 * there, read from the page itself. The tenant database has the Odoo 17 schema of the lab (Odoo
 * cannot run here) with every watched module installed, so that every section of the collector
 * runs.
 */
class MinimalGrantsIT {

  private static final Pattern TABLE_GRANT =
      Pattern.compile("GRANT SELECT ON ([a-z_, ]+) TO freightwatch;");
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static TestPostgres server;
  private static String database;
  private static String role;
  private static List<String> tables;

  private ScrapeHarness harness;
  private PgSessions sessions;

  @BeforeAll
  static void createRoleWithDocumentedGrants() throws Exception {
    server = TestPostgres.connectOrSkip();
    tables = documentedTables();
    database = server.createOdooDatabase("scale_grants");
    OdooFixture fixture = new OdooFixture(server, database).module("base", "installed", "17.0.1.3");
    for (String module : InstalledModules.WATCHED) {
      fixture.module(module, "installed", "17.0.1.0");
    }
    LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
    fixture.job("root.edi", "pending", now.minusMinutes(5), null, null, 0);
    fixture.job("root.edi", "failed", now.minusMinutes(9), now.minusMinutes(8), null, 5);

    role = "fw_scale_grants_" + TestPostgres.uniqueSuffix();
    try (Connection admin = server.admin("postgres");
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE ROLE " + role + " LOGIN");
      statement.execute("GRANT pg_monitor TO " + role);
    }
    server.execute(database, "GRANT SELECT ON " + String.join(", ", tables) + " TO " + role);
  }

  @AfterAll
  static void dropRole() throws SQLException {
    if (server == null) {
      return;
    }
    server.close();
    try (Connection admin = server.admin("postgres");
        Statement statement = admin.createStatement()) {
      statement.execute("DROP ROLE IF EXISTS " + role);
    }
  }

  @BeforeEach
  void openSessions() {
    harness = new ScrapeHarness(Duration.ofSeconds(10));
    sessions = new PgSessions(2);
  }

  @AfterEach
  void closeSessions() throws Exception {
    sessions.close();
    harness.close();
  }

  @Test
  void documentedGrantsListTables() {
    assertThat(tables).contains("queue_job", "ir_module_module");
  }

  @Test
  void serverPackRunsWithPgMonitor() {
    PostgresCollector collector = new PostgresCollector(target("postgres"), sessions);

    List<Sample> samples = harness.scrape(collector);

    List<Sample> queryUp = samples.stream()
        .filter(s -> s.name().equals("freightwatch_postgres_query_up")).toList();
    assertThat(queryUp).as("query families").isNotEmpty();
    assertThat(queryUp).as("query families that failed")
        .allSatisfy(s -> assertThat(s.value()).as(s.labels().toString()).isEqualTo(1.0));
  }

  @Test
  void odooCollectorRunsWithTableGrants() {
    List<Sample> samples = harness.scrape(odooCollector());

    assertThat(samples).anySatisfy(s -> {
      assertThat(s.name()).isEqualTo("freightwatch_odoo_queue_jobs");
      assertThat(s.labels().get("state")).isEqualTo("failed");
      assertThat(s.value()).isEqualTo(1.0);
    });
  }

  @Test
  void discoveryFindsTenantWithTableGrants() {
    OdooTarget target = new OdooTarget(target("postgres"), List.of(),
        Optional.of(new OdooTarget.Discovery(Pattern.compile(database), Pattern.compile("(?!)"),
            Pattern.compile("(?<tenant>.+)"), Duration.ofMinutes(5))),
        Duration.ofSeconds(15));

    List<OdooTenant> found =
        harness.await(() -> new OdooTenantDiscovery(target, sessions).discover(harness.context()));

    assertThat(found).extracting(OdooTenant::database).containsExactly(database);
    assertThat(found.get(0).baseVersion()).isEqualTo("17.0.1.3");
  }

  @Test
  void missingTableGrantNamesTable() throws Exception {
    for (String table : tables) {
      server.execute(database, "REVOKE SELECT ON " + table + " FROM " + role);
      try {
        Throwable failure = harness.scrapeFailure(odooCollector());

        assertThat(failure).as("scrape without SELECT on %s", table)
            .hasMessageContaining("permission denied for table " + table)
            .hasMessageContaining(database);
      } finally {
        server.execute(database, "GRANT SELECT ON " + table + " TO " + role);
      }
    }
    assertThat(harness.scrape(odooCollector())).isNotEmpty();
  }

  @Test
  void agentSessionIsReadOnlyAndNamed() throws Exception {
    List<String> settings = sessions.withConnection(target(database), database, WAIT,
        connection -> {
          List<String> values = new ArrayList<>();
          try (Statement statement = connection.createStatement();
              ResultSet row = statement.executeQuery("SELECT a.application_name, a.usename,"
                  + " current_setting('default_transaction_read_only'),"
                  + " current_setting('statement_timeout'), current_setting('lock_timeout')"
                  + " FROM pg_stat_activity a WHERE a.pid = pg_backend_pid()")) {
            row.next();
            for (int column = 1; column <= 5; column++) {
              values.add(row.getString(column));
            }
          }
          return values;
        });

    assertThat(settings).containsExactly(PgSessions.APPLICATION_NAME, role, "on", "5s", "1s");
    assertThat(server.agentSessions(database)).as("idle agent sessions seen by another role")
        .isEqualTo(1);
  }

  private OdooQueueCollector odooCollector() {
    OdooTarget target =
        new OdooTarget(target("postgres"), List.of(), Optional.empty(), Duration.ofSeconds(15));
    return new OdooQueueCollector(target, new OdooTarget.Tenant("grants", database), sessions);
  }

  private static PostgresTarget target(String maintenanceDatabase) {
    PostgresTarget admin = server.target("grants", maintenanceDatabase, Duration.ofSeconds(5));
    return new PostgresTarget("grants", "grants-cluster", admin.host(), admin.port(),
        maintenanceDatabase, role, admin.password(), Map.of("sslmode", "disable"),
        Duration.ofSeconds(15), Duration.ofSeconds(5));
  }

  /** Returns the tables of the tenant-database GRANT in docs/postgres-grants.md. */
  private static List<String> documentedTables() throws Exception {
    String projectDir = System.getenv().getOrDefault("FREIGHTWATCH_PROJECT_DIR",
        System.getProperty("user.dir"));
    String page = Files.readString(Path.of(projectDir, "docs", "postgres-grants.md"));
    Matcher grant = TABLE_GRANT.matcher(page);
    assertThat(grant.find()).as("a GRANT SELECT ON ... TO freightwatch; line in the page")
        .isTrue();
    List<String> result = new ArrayList<>();
    for (String table : grant.group(1).split(",")) {
      result.add(table.trim());
    }
    return result;
  }
}
