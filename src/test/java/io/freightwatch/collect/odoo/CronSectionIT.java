package io.freightwatch.collect.odoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.collect.postgres.PgSessions;
import io.freightwatch.collect.postgres.ScrapeHarness;
import io.freightwatch.collect.postgres.TestPostgres;
import io.freightwatch.config.OdooSignals;
import io.freightwatch.config.OdooTarget;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cron lateness against real PostgreSQL. The field case about naive UTC timestamps runs on the
 * case's own table, with a now() pinned to the case's transaction time. The other tests use the
 * Odoo 17 tenant schema, built from the Odoo reference schema because Odoo cannot run here.
 */
class CronSectionIT {

  private static final Labels ACME = Labels.of("tenant", "acme", "cluster", "test-cluster");
  private static final InstalledModules ODOO_17 =
      new InstalledModules("17.0.1.3", Set.of("queue_job"));

  private static TestPostgres server;
  private static ScrapeHarness harness;
  private static PgSessions sessions;

  @BeforeAll
  static void start() {
    server = TestPostgres.connectOrSkip();
    harness = new ScrapeHarness(Duration.ofSeconds(10));
    sessions = new PgSessions(2);
  }

  @AfterAll
  static void stop() throws Exception {
    if (sessions != null) {
      sessions.close();
    }
    if (harness != null) {
      harness.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void overdueUsesUtcWhateverTheZones() throws Exception {
    String database = caseDatabase("business_cron_case");

    Map<String, Double> overdue;
    List<Sample> samples;
    try (Connection session = amsterdamSession(database)) {
      assertThat(naiveOverdueMinutes(session))
          .as("the session really casts through Europe/Amsterdam")
          .isEqualTo(125.0);
      samples = readInShanghai(new CronSection(100), session);
    }
    overdue = byCron(samples, CronSection.OVERDUE);

    assertThat(overdue)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "EDI: fetch carrier status", 5 * 60.0,
                "Mail: send queued mails", 1 * 60.0,
                "Stock: nightly reservations", 450 * 60.0,
                "EDI: push invoices", 10 * 60.0));
    assertThat(overdue.entrySet().stream().filter(e -> e.getValue() > 900).map(Map.Entry::getKey))
        .as("crons the cron_stalled rule (over 900 s) alerts on")
        .containsExactly("Stock: nightly reservations");
    assertThat(value(samples, CronSection.MAX_OVERDUE, ACME)).isEqualTo(450 * 60.0);
  }

  @Test
  void failureStreakComesFromFailureColumns() throws Exception {
    String database = caseDatabase("business_cron_failures");

    List<Sample> samples;
    try (Connection session = amsterdamSession(database)) {
      samples = readInShanghai(new CronSection(100), session);
    }

    assertThat(byCron(samples, CronSection.FAILURES))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "EDI: fetch carrier status", 0.0,
                "Mail: send queued mails", 0.0,
                "Stock: nightly reservations", 0.0,
                "EDI: push invoices", 3.0));
    assertThat(
            byCron(samples, CronSection.FAILURES).entrySet().stream()
                .filter(e -> e.getValue() >= 3)
                .map(Map.Entry::getKey))
        .as("crons the cron_failing rule (3 or more failures in a row) warns about")
        .containsExactly("EDI: push invoices");
    assertThat(byCron(samples, CronSection.FIRST_FAILURE_AGE))
        .as("failing since 07:50 UTC, 40 minutes before the scrape")
        .containsExactlyEntriesOf(Map.of("EDI: push invoices", 40 * 60.0));
  }

  @Test
  void finishedCronIsNotOverdue() throws Exception {
    String database = caseDatabase("business_cron_numbercall");
    server.execute(database, "ALTER TABLE ir_cron ADD COLUMN numbercall int DEFAULT -1");
    server.execute(
        database,
        "INSERT INTO ir_cron VALUES (6,'One-shot migration',true,1,'days','2025-06-01 00:00:00',"
            + "NULL,5,0,NULL)");
    server.execute(database, "UPDATE ir_cron SET numbercall = 0 WHERE id = 6");

    List<Sample> samples;
    try (Connection session = amsterdamSession(database)) {
      samples = readInShanghai(new CronSection(100), session);
    }

    assertThat(byCron(samples, CronSection.OVERDUE))
        .containsOnlyKeys(
            "EDI: fetch carrier status",
            "Mail: send queued mails",
            "Stock: nightly reservations",
            "EDI: push invoices");
  }

  @Test
  void odoo17EmitsNoFailureSeries() throws Exception {
    String database = server.createOdooDatabase("business_cron17");
    OdooFixture fixture = tenant(database);
    LocalDateTime now = fixture.serverUtcNow();
    fixture.cron("Mail: Email Queue Manager", true, now.minusMinutes(20));

    List<Sample> samples = harness.scrape(collector(database, 100));

    assertThat(samples).noneMatch(s -> s.name().equals(CronSection.FAILURES));
    assertThat(samples).noneMatch(s -> s.name().equals(CronSection.FIRST_FAILURE_AGE));
    assertThat(byCron(samples, CronSection.OVERDUE).get("Mail: Email Queue Manager"))
        .isBetween(1200.0, 1200.0 + 60);
  }

  @Test
  void pendingTriggerMakesCronDue() throws Exception {
    String database = server.createOdooDatabase("business_cron_trigger");
    OdooFixture fixture = tenant(database);
    LocalDateTime now = fixture.serverUtcNow();
    int mail = fixture.cron("Mail: Email Queue Manager", true, now.plusHours(1));
    fixture.cron("Procurement: run scheduler", true, now.plusHours(2));
    fixture.cron("Stock: archive expired lots", false, now.minusDays(3));
    fixture.trigger(mail, now.minusMinutes(30));
    fixture.trigger(mail, now.plusMinutes(5));

    TimeZone jvmZone = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
    List<Sample> samples;
    try {
      samples = harness.scrape(collector(database, 100));
    } finally {
      TimeZone.setDefault(jvmZone);
    }

    Map<String, Double> overdue = byCron(samples, CronSection.OVERDUE);
    assertThat(overdue).containsOnlyKeys("Mail: Email Queue Manager", "Procurement: run scheduler");
    assertThat(overdue.get("Mail: Email Queue Manager")).isBetween(1800.0, 1800.0 + 60);
    assertThat(overdue.get("Procurement: run scheduler")).isEqualTo(0.0);
  }

  @Test
  void keepsMostOverdueCronsWithinLimit() throws Exception {
    String database = server.createOdooDatabase("business_cron_limit");
    OdooFixture fixture = tenant(database);
    LocalDateTime now = fixture.serverUtcNow();
    fixture.cron("a: on time", true, now.plusMinutes(5));
    fixture.cron("b: one hour late", true, now.minusHours(1));
    fixture.cron("c: one day late", true, now.minusDays(1));
    fixture.cron("b: one hour late", true, now.minusHours(2));

    List<Sample> samples = harness.scrape(collector(database, 2));

    Map<String, Double> overdue = byCron(samples, CronSection.OVERDUE);
    assertThat(overdue).containsOnlyKeys("c: one day late", "b: one hour late");
    assertThat(overdue.get("b: one hour late"))
        .as("the most overdue of two crons with the same name")
        .isBetween(7200.0, 7200.0 + 60);
    assertThat(value(samples, CronSection.MAX_OVERDUE, ACME)).isBetween(86_400.0, 86_460.0);
  }

  @Test
  void unreadableCronTableEmitsNothing() throws Exception {
    String database = server.createDatabase("business_cron_missing");
    server.execute(database, "CREATE TABLE ir_module_module (id serial PRIMARY KEY,"
        + " name varchar NOT NULL, state varchar, latest_version varchar)");
    tenant(database);

    List<Sample> samples = harness.scrape(collector(database, 100));

    assertThat(samples).noneMatch(s -> s.name().startsWith("freightwatch_odoo_cron_"));
    assertThat(samples).anyMatch(s -> s.name().equals(OdooQueueCollector.TENANT_INFO));
  }

  private static String caseDatabase(String purpose) throws Exception {
    String database = server.createDatabase(purpose);
    String sql;
    try (InputStream in =
        CronSectionIT.class.getResourceAsStream("/odoo/ir-cron-naive-utc-case.sql")) {
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try (Connection admin = server.admin(database);
        Statement statement = admin.createStatement()) {
      statement.execute(sql);
    }
    return database;
  }

  /**
   * Opens a read-only session as a JVM in Europe/Amsterdam would by default, whose now() is the
   * case's transaction time, 2025-07-01 08:30:00 UTC.
   */
  private static Connection amsterdamSession(String database) throws SQLException {
    Connection session = server.admin(database);
    try (Statement statement = session.createStatement()) {
      statement.execute("SET TimeZone = 'Europe/Amsterdam'");
      statement.execute("SET search_path = case_clock, pg_catalog, public");
      statement.execute("SET default_transaction_read_only = on");
    }
    return session;
  }

  private static double naiveOverdueMinutes(Connection session) throws SQLException {
    try (Statement statement = session.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT extract(epoch FROM now() - nextcall) / 60 FROM ir_cron WHERE id = 1")) {
      row.next();
      return row.getDouble(1);
    }
  }

  private static List<Sample> readInShanghai(CronSection section, Connection session)
      throws SQLException {
    TimeZone jvmZone = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone("Asia/Shanghai"));
    try {
      List<Sample> samples = new ArrayList<>();
      assertThat(section.appliesTo(ODOO_17)).isTrue();
      section.read(session, ACME, samples);
      return samples;
    } finally {
      TimeZone.setDefault(jvmZone);
    }
  }

  private static OdooFixture tenant(String database) throws SQLException {
    return new OdooFixture(server, database).module("base", "installed", "17.0.1.3");
  }

  private OdooQueueCollector collector(String database, int maxSeries) {
    OdooTarget target =
        new OdooTarget(
            server.target("test-pg", "postgres", Duration.ofSeconds(5)),
            List.of(),
            Optional.empty(),
            Duration.ofSeconds(15),
            new OdooSignals(maxSeries, List.of()));
    return new OdooQueueCollector(
        target, new OdooTarget.Tenant("acme", database), sessions);
  }

  private static Map<String, Double> byCron(List<Sample> samples, String name) {
    Map<String, Double> values = new TreeMap<>();
    for (Sample sample : samples) {
      if (sample.name().equals(name)) {
        assertThat(sample.labels().get("tenant")).isEqualTo("acme");
        assertThat(sample.labels().get("cluster")).isEqualTo("test-cluster");
        values.put(sample.labels().get("cron"), sample.value());
      }
    }
    return values;
  }

  private static double value(List<Sample> samples, String name, Labels labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(labels))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sample " + name + labels + " in " + samples))
        .value();
  }
}
