package io.freightwatch.collect.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.freightwatch.config.PostgresTarget;
import io.freightwatch.lab.LabPostgres;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The PostgreSQL signal pack against the lab's primary and replica. */
class PostgresPackIT {

  private static final Labels PRIMARY = Labels.of("cluster", "test-cluster", "instance", "pg-pack");

  private static TestPostgres server;
  private static ScrapeHarness harness;

  @BeforeAll
  static void start() {
    server = TestPostgres.connectOrSkip();
    harness = new ScrapeHarness(Duration.ofSeconds(15));
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void reportsEveryStageOfStreamingStandby() {
    Assumptions.assumeTrue(server.replicaTarget("r").isPresent(), "the test server has no replica");
    try (PgSessions sessions = new PgSessions(1)) {
      List<Sample> samples = harness.scrape(collector(sessions));

      Labels standby = PRIMARY.with("observed_from", "primary")
          .with("standby", LabPostgres.STANDBY_NAME);
      for (String stage : List.of("sent", "write", "flush", "replay")) {
        assertThat(find(samples, ReplicationSignals.STAGE_LAG_BYTES, standby.with("stage", stage)))
            .as(stage).hasValueSatisfying(value -> assertThat(value).isGreaterThanOrEqualTo(0));
      }
      assertThat(find(samples, ReplicationSignals.STANDBY_CONNECTED, standby)).contains(1.0);
      assertThat(samples).anySatisfy(sample -> {
        assertThat(sample.name()).isEqualTo(ReplicationSignals.STANDBY_INFO);
        assertThat(sample.labels().get("state")).isEqualTo("streaming");
        assertThat(sample.labels().get("sync_state")).isEqualTo("async");
      });
      Labels slot = PRIMARY.with("slot", LabPostgres.SLOT).with("slot_type", "physical");
      assertThat(find(samples, ReplicationSignals.SLOT_ACTIVE, slot)).contains(1.0);
      assertThat(find(samples, ReplicationSignals.SLOT_RETAINED, slot)).isPresent();
      assertThat(find(samples, ReplicationSignals.SLOT_WAL_STATUS,
          slot.with("wal_status", "reserved"))).contains(1.0);
    }
  }

  @Test
  void abandonedSlotShowsStandbyBehind() throws Exception {
    String slotName = "fw_test_" + TestPostgres.uniqueSuffix();
    server.execute("postgres", "SELECT pg_create_physical_replication_slot(?, true)", slotName);
    try (PgSessions sessions = new PgSessions(1)) {
      PostgresCollector collector = collector(sessions);
      server.execute("postgres", "SELECT pg_switch_wal()");
      server.execute("postgres", "CHECKPOINT");

      List<Sample> samples = harness.scrape(collector);

      Labels standby = PRIMARY.with("observed_from", "primary").with("standby", slotName);
      assertThat(find(samples, ReplicationLag.LAG_BYTES, standby))
          .hasValueSatisfying(bytes -> assertThat(bytes).isGreaterThan(0));
      assertThat(find(samples, ReplicationSignals.STANDBY_CONNECTED, standby)).contains(0.0);
      assertThat(find(samples, ReplicationSignals.SLOT_ACTIVE,
          PRIMARY.with("slot", slotName).with("slot_type", "physical"))).contains(0.0);
    } finally {
      server.execute("postgres", "SELECT pg_drop_replication_slot(?)", slotName);
    }
  }

  @Test
  void connectionLimitSubtractsReservedSlots() {
    try (PgSessions sessions = new PgSessions(1)) {
      List<Sample> samples = harness.scrape(collector(sessions));

      // The lab runs max_connections = 100 with the default 3 superuser slots.
      assertThat(find(samples, ActivitySignals.CONNECTIONS_LIMIT, PRIMARY)).contains(97.0);
      assertThat(find(samples, ActivitySignals.CONNECTIONS_USED_RATIO, PRIMARY))
          .hasValueSatisfying(ratio -> assertThat(ratio).isBetween(0.0, 1.0));
      assertThat(samples).anySatisfy(sample -> {
        assertThat(sample.name()).isEqualTo(ActivitySignals.CONNECTIONS);
        assertThat(sample.labels().get("database")).isEqualTo("postgres");
        assertThat(sample.labels().get("state")).isEqualTo("active");
      });
      assertThat(find(samples, ServerScrape.QUERY_UP, PRIMARY.with("query", "activity")))
          .contains(1.0);
    }
  }

  @Test
  void namesBlockerWithRedactedQuery() throws Exception {
    String database = server.createDatabase("locks");
    server.execute(database, "CREATE TABLE parcel (id int PRIMARY KEY, note text)");
    server.execute(database, "INSERT INTO parcel VALUES (1, 'start')");
    try (Connection holder = server.admin(database);
        Connection waiter = server.admin(database);
        PgSessions sessions = new PgSessions(1)) {
      int holderPid = pid(holder);
      holder.setAutoCommit(false);
      try (Statement statement = holder.createStatement()) {
        statement.execute("UPDATE parcel SET note = 'customer-secret-4711' WHERE id = 1");
      }
      CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
        try (Statement statement = waiter.createStatement()) {
          statement.execute("SET statement_timeout = '60s'");
          statement.execute("UPDATE parcel SET note = 'other' WHERE id = 1");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      await().atMost(Duration.ofSeconds(20)).until(() -> waitingSessions(database) == 1);

      List<Sample> samples = harness.scrape(collector(sessions));

      holder.rollback();
      blocked.get();
      Labels db = PRIMARY.with("database", database);
      assertThat(find(samples, ActivitySignals.LOCK_WAITING, db)).contains(1.0);
      assertThat(samples).filteredOn(s -> s.name().equals(ActivitySignals.LOCK_BLOCKED_BY))
          .anySatisfy(sample -> {
            assertThat(sample.labels().get("blocker_pid")).isEqualTo(Integer.toString(holderPid));
            assertThat(sample.value()).isEqualTo(1.0);
          });
      assertThat(samples).filteredOn(s -> s.name().equals(ActivitySignals.SESSION_INFO))
          .anySatisfy(sample -> {
            assertThat(sample.labels().get("reason")).isEqualTo("lock_blocker");
            assertThat(sample.labels().get("query"))
                .isEqualTo("UPDATE parcel SET note = ? WHERE id = ?");
          });
      assertThat(samples).allSatisfy(sample ->
          assertThat(sample.labels().toString()).doesNotContain("customer-secret-4711"));
    }
  }

  @Test
  void databaseCountersGiveIntervals() throws Exception {
    String database = server.createDatabase("stats");
    try (PgSessions sessions = new PgSessions(1)) {
      PostgresCollector collector = collector(sessions);
      harness.scrape(collector);
      server.execute(database, "SELECT 1");

      List<Sample> samples = harness.scrape(collector);

      Labels db = PRIMARY.with("database", database);
      assertThat(find(samples, DatabaseSignals.DEADLOCKS, db)).contains(0.0);
      assertThat(find(samples, DatabaseSignals.INTERVAL_DEADLOCKS, db)).contains(0.0);
      assertThat(find(samples, DatabaseSignals.SIZE, db))
          .hasValueSatisfying(size -> assertThat(size).isGreaterThan(1_000_000));
      assertThat(find(samples, DatabaseSignals.INTERVAL_ROLLBACKS, db)).isPresent();
      assertThat(find(samples, DatabaseSignals.USED, PRIMARY))
          .hasValueSatisfying(used -> assertThat(used).isGreaterThan(0));
      assertThat(find(samples, ArchiverQuery.ENABLED, PRIMARY)).contains(0.0);
    }
  }

  @Test
  void statementDeltasSurviveRealReset() throws Exception {
    String database = server.createDatabase("pgss");
    server.execute(database, "CREATE TABLE shipment (id int, carrier text)");
    try (PgSessions sessions = new PgSessions(1)) {
      PostgresCollector collector = collector(sessions);
      harness.scrape(collector);
      for (int i = 0; i < 7; i++) {
        server.execute(database, "SELECT count(*) FROM shipment WHERE carrier = 'dhl-secret'");
      }

      List<Sample> afterCalls = harness.scrape(collector);
      server.execute("postgres", "SELECT pg_stat_statements_reset()");
      for (int i = 0; i < 3; i++) {
        server.execute(database, "SELECT count(*) FROM shipment WHERE carrier = 'ups'");
      }
      List<Sample> afterReset = harness.scrape(collector);

      String text = "SELECT count(*) FROM shipment WHERE carrier = $1";
      assertThat(statementCalls(afterCalls, database, text)).isEqualTo(7);
      assertThat(find(afterCalls, StatementSignals.PARTIAL, PRIMARY)).contains(0.0);
      assertThat(statementCalls(afterReset, database, text)).isEqualTo(3);
      assertThat(find(afterReset, StatementSignals.PARTIAL, PRIMARY)).contains(1.0);
      assertThat(afterReset).filteredOn(s -> s.name().startsWith("freightwatch_postgres_statement"))
          .allSatisfy(sample -> assertThat(sample.value()).isGreaterThanOrEqualTo(0));
      assertThat(afterCalls).allSatisfy(sample ->
          assertThat(sample.labels().toString()).doesNotContain("dhl-secret"));
    }
  }

  @Test
  void scrapesBetweenStatementReadingsRepeatTheLatestNumbers() throws Exception {
    String database = server.createDatabase("pgss_interval");
    server.execute(database, "CREATE TABLE parcel_scan (id int, depot text)");
    try (PgSessions sessions = new PgSessions(1)) {
      PostgresCollector collector = collector(sessions, Duration.ofHours(1));
      List<Sample> first = harness.scrape(collector);
      for (int i = 0; i < 5; i++) {
        server.execute(database, "SELECT count(*) FROM parcel_scan WHERE depot = 'hub-7'");
      }

      List<Sample> second = harness.scrape(collector);

      // With a reading at every scrape the second scrape would show the 5 calls (see above). With
      // readings an hour apart, it repeats the first reading, which only set the baseline.
      assertThat(second).filteredOn(s -> s.name().startsWith("freightwatch_postgres_statement"))
          .containsExactlyInAnyOrderElementsOf(
              first.stream()
                  .filter(s -> s.name().startsWith("freightwatch_postgres_statement"))
                  .toList());
      assertThat(second).noneMatch(s -> s.name().equals(StatementSignals.INFO)
          && s.labels().get("database").equals(database));
      assertThat(find(second, StatementSignals.AVAILABLE, PRIMARY)).contains(1.0);
      assertThat(find(second, ServerScrape.QUERY_UP, PRIMARY.with("query", "statements")))
          .contains(1.0);
    }
  }

  /** Returns the calls of the statement of {@code database} whose redacted text is given. */
  private static double statementCalls(List<Sample> samples, String database, String text) {
    Sample info = samples.stream()
        .filter(s -> s.name().equals(StatementSignals.INFO))
        .filter(s -> s.labels().get("database").equals(database))
        .filter(s -> s.labels().get("query").equals(text))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no statement '" + text + "' in " + samples));
    return find(samples, StatementSignals.CALLS, info.labels().without("query")).orElseThrow();
  }

  private static PostgresCollector collector(PgSessions sessions) {
    return collector(sessions, Duration.ZERO);
  }

  private static PostgresCollector collector(PgSessions sessions, Duration statementsInterval) {
    PostgresTarget base = server.target("pg-pack", "postgres", Duration.ofSeconds(5));
    PostgresTarget target = new PostgresTarget(base.name(), base.cluster(), base.host(),
        base.port(), base.database(), base.user(), base.password(), base.options(),
        base.interval(), base.statementTimeout(), java.util.OptionalLong.of(10L << 30), 500,
        Duration.ofSeconds(1), statementsInterval);
    return new PostgresCollector(target, sessions);
  }

  private static Optional<Double> find(List<Sample> samples, String name, Labels labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(labels))
        .map(Sample::value)
        .findFirst();
  }

  private static int pid(Connection connection) throws Exception {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
      row.next();
      return row.getInt(1);
    }
  }

  private static int waitingSessions(String database) throws Exception {
    try (Connection admin = server.admin("postgres");
        Statement statement = admin.createStatement();
        ResultSet row = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '"
            + database + "' AND wait_event_type = 'Lock'")) {
      row.next();
      return row.getInt(1);
    }
  }
}
