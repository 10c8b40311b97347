package io.freightwatch.collect.odoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.freightwatch.collect.postgres.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the queue query on a writable test session whose TimeZone is America/New_York, in a JVM
 * whose default zone is Asia/Tokyo, so any age computed through a local zone is hours off.
 */
class QueueJobStatesIT {

  private static TestPostgres server;
  private static String database;
  private static LocalDateTime base;

  @BeforeAll
  static void loadQueue() throws Exception {
    server = TestPostgres.connectOrSkip();
    database = server.createOdooDatabase("queue_states");
    OdooFixture fixture = new OdooFixture(server, database);
    base = fixture.serverUtcNow();
    fixture.starvedEdiQueue(base);
    fixture
        .job("root.carrier", "pending", base.minusSeconds(7_200), null, base.plusSeconds(3_600), 0)
        .job("root.carrier", "pending", base.minusSeconds(5_400), null, base.plusSeconds(600), 2)
        .job("root.future", "pending", base.minusSeconds(9_000), null, base.plusSeconds(1_800), 0)
        .job("root.past", "pending", base.minusSeconds(3_600), null, base.minusSeconds(60), 0)
        .job(null, "pending", base.minusSeconds(30), null, null, 0);
  }

  @AfterAll
  static void dropDatabase() throws SQLException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void countsJobsPerChannelAndState() throws SQLException {
    Map<String, QueueJobState> rows = readInForeignZones();

    assertThat(rows.keySet())
        .containsExactlyInAnyOrder(
            "root.edi/started",
            "root.edi/enqueued",
            "root.edi/pending",
            "root.edi/wait_dependencies",
            "root.edi/failed",
            "root.reporting/started",
            "root.carrier/pending",
            "root.future/pending",
            "root.past/pending",
            "/pending");
    assertThat(rows.get("root.edi/started").jobs()).isEqualTo(3);
    assertThat(rows.get("root.edi/enqueued").jobs()).isEqualTo(1);
    assertThat(rows.get("root.edi/pending").jobs()).isEqualTo(120);
    assertThat(rows.get("root.edi/wait_dependencies").jobs()).isEqualTo(2);
    assertThat(rows.get("root.edi/failed").jobs()).isEqualTo(2);
    assertThat(rows.get("root.carrier/pending").jobs()).isEqualTo(2);
  }

  @Test
  void agesAreExactAgainstServerUtc() throws SQLException {
    Map<String, QueueJobState> rows = readInForeignZones();
    LocalDateTime observedAt = rows.get("root.edi/pending").observedAt();
    double sinceBase = Duration.between(base, observedAt).toNanos() / 1e9;

    assertThat(Duration.between(observedAt, LocalDateTime.now(ZoneOffset.UTC)).abs())
        .isLessThan(Duration.ofSeconds(30));
    assertThat(rows.get("root.edi/pending").oldestRunnableAgeSeconds())
        .isCloseTo(10_080 + sinceBase, within(1e-6));
    assertThat(rows.get("root.edi/started").oldestStartedAgeSeconds())
        .isCloseTo(10_198 + sinceBase, within(1e-6));
    assertThat(rows.get("root.reporting/started").oldestStartedAgeSeconds())
        .isCloseTo(2_400 + sinceBase, within(1e-6));
  }

  @Test
  void ageOnlyOnItsOwnState() throws SQLException {
    Map<String, QueueJobState> rows = readInForeignZones();

    assertThat(rows.get("root.edi/started").oldestRunnableAgeSeconds()).isNull();
    assertThat(rows.get("root.edi/pending").oldestStartedAgeSeconds()).isNull();
    assertThat(rows.get("root.edi/enqueued").oldestRunnableAgeSeconds()).isNull();
    assertThat(rows.get("root.edi/failed").oldestStartedAgeSeconds()).isNull();
  }

  @Test
  void futureEtaIsNotRunnableWhateverRetry() throws SQLException {
    Map<String, QueueJobState> rows = readInForeignZones();
    double sinceBase =
        Duration.between(base, rows.get("root.past/pending").observedAt()).toNanos() / 1e9;

    assertThat(rows.get("root.carrier/pending").oldestRunnableAgeSeconds()).isNull();
    assertThat(rows.get("root.carrier/pending").retriedJobs()).isEqualTo(1);
    assertThat(rows.get("root.future/pending").oldestRunnableAgeSeconds()).isNull();
    assertThat(rows.get("root.future/pending").retriedJobs()).isZero();
    // Created an hour ago and due for a minute: it has waited one minute.
    assertThat(rows.get("root.past/pending").oldestRunnableAgeSeconds())
        .isCloseTo(60 + sinceBase, within(1e-6));
  }

  @Test
  void agesFromLaterOfCreationAndEta() throws Exception {
    String scratch = server.createOdooDatabase("queue_runnable_age");
    OdooFixture fixture = new OdooFixture(server, scratch);
    LocalDateTime now = fixture.serverUtcNow();
    fixture
        // Created two hours ago to run an hour from now: not runnable yet.
        .job("root.labels", "pending", now.minusSeconds(7_200), null, now.plusSeconds(3_600), 0)
        // Postponed by its third failed attempt until 10 minutes from now: not runnable yet.
        .job("root.labels", "pending", now.minusSeconds(9_000), null, now.plusSeconds(600), 3)
        // Created 5 minutes ago without an eta: runnable since its creation.
        .job("root.labels", "pending", now.minusSeconds(300), null, null, 0)
        // Created two hours ahead of its eta, which passed 90 seconds ago.
        .job("root.scheduled", "pending", now.minusSeconds(7_200), null, now.minusSeconds(90), 0)
        // Retried twice, and due again for 45 seconds.
        .job("root.retried", "pending", now.minusSeconds(5_400), null, now.minusSeconds(45), 2)
        // Created with an eta that had already passed: runnable since its creation.
        .job("root.late", "pending", now.minusSeconds(200), null, now.minusSeconds(3_000), 0)
        // Written by an Odoo host whose clock runs 10 minutes ahead of the database's.
        .job("root.skewed", "pending", now.plusSeconds(600), null, null, 0)
        .job("root.skewed", "started", now.minusSeconds(60), now.plusSeconds(600), null, 0);

    Map<String, QueueJobState> rows = read(scratch);
    double sinceNow =
        Duration.between(now, rows.get("root.labels/pending").observedAt()).toNanos() / 1e9;

    assertThat(rows.get("root.labels/pending").jobs()).isEqualTo(3);
    assertThat(rows.get("root.labels/pending").oldestRunnableAgeSeconds())
        .isCloseTo(300 + sinceNow, within(1e-6));
    assertThat(rows.get("root.labels/pending").retriedJobs()).isEqualTo(1);
    assertThat(rows.get("root.scheduled/pending").oldestRunnableAgeSeconds())
        .isCloseTo(90 + sinceNow, within(1e-6));
    assertThat(rows.get("root.scheduled/pending").retriedJobs()).isZero();
    assertThat(rows.get("root.retried/pending").oldestRunnableAgeSeconds())
        .isCloseTo(45 + sinceNow, within(1e-6));
    assertThat(rows.get("root.retried/pending").retriedJobs()).isEqualTo(1);
    assertThat(rows.get("root.late/pending").oldestRunnableAgeSeconds())
        .isCloseTo(200 + sinceNow, within(1e-6));
    assertThat(rows.get("root.skewed/pending").oldestRunnableAgeSeconds()).isZero();
    assertThat(rows.get("root.skewed/started").oldestStartedAgeSeconds()).isZero();
  }

  @Test
  void queryUsesStateIndex() throws Exception {
    String scratch = server.createOdooDatabase("queue_plan");
    new OdooFixture(server, scratch)
        .sql(
            "INSERT INTO queue_job (uuid, channel, state, date_created, date_done)"
                + " SELECT 'd' || g, 'root', 'done', now() AT TIME ZONE 'UTC',"
                + " now() AT TIME ZONE 'UTC' FROM generate_series(1, 20000) AS g")
        .job("root", "pending", base, null, null, 0)
        .sql("ANALYZE queue_job");

    String plan;
    try (Connection connection = server.admin(scratch);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("EXPLAIN " + QueueJobStates.SQL)) {
      StringBuilder lines = new StringBuilder();
      while (rows.next()) {
        lines.append(rows.getString(1)).append('\n');
      }
      plan = lines.toString();
    }

    assertThat(plan).contains("queue_job__state_index").doesNotContain("Seq Scan");
  }

  private static Map<String, QueueJobState> readInForeignZones() throws SQLException {
    TimeZone jvmZone = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo"));
    try {
      return read(database);
    } finally {
      TimeZone.setDefault(jvmZone);
    }
  }

  private static Map<String, QueueJobState> read(String databaseName) throws SQLException {
    try (Connection connection = server.admin(databaseName)) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("SET TimeZone = 'America/New_York'");
      }
      List<QueueJobState> rows = QueueJobStates.read(connection);
      return rows.stream()
          .collect(Collectors.toMap(row -> row.channel() + "/" + row.state(), Function.identity()));
    }
  }
}
