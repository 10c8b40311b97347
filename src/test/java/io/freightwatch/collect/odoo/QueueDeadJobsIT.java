package io.freightwatch.collect.odoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.collect.postgres.PgSessions;
import io.freightwatch.collect.postgres.ScrapeHarness;
import io.freightwatch.collect.postgres.TestPostgres;
import io.freightwatch.config.OdooQueueSettings;
import io.freightwatch.config.OdooTarget;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Dead worker detection on an Odoo 17 queue built from odoo-schema.sql, since Odoo itself cannot
 * run here: workers were killed and left three EDI jobs started and one enqueued, filling the
 * four slots of root.edi while 120 jobs wait. A long reporting job keeps running within its own
 * channel's limit.
 */
class QueueDeadJobsIT {

  private static final Labels ACME = Labels.of("tenant", "acme", "cluster", "test-cluster");
  private static final OdooQueueSettings INCIDENT_SETTINGS =
      new OdooQueueSettings(
          Map.of("root", 5, "root.edi", 4, "root.reporting", 1),
          Duration.ofHours(1),
          Duration.ofMinutes(5),
          Map.of("root.edi", Duration.ofMinutes(15), "root.reporting", Duration.ofMinutes(120)),
          Map.of());

  private static TestPostgres server;
  private static ScrapeHarness harness;

  private PgSessions sessions;

  @BeforeAll
  static void start() {
    server = TestPostgres.connectOrSkip();
    harness = new ScrapeHarness(Duration.ofSeconds(10));
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

  @BeforeEach
  void openSessions() {
    sessions = new PgSessions(2);
  }

  @AfterEach
  void closeSessions() {
    sessions.close();
  }

  @Test
  void suspectsKilledWorkersJobsByChannelLimit() throws Exception {
    String database = server.createOdooDatabase("queue_dead_jobs");
    LocalDateTime now = incident(database);

    List<Sample> samples = harness.scrape(collector(database));
    double elapsed = secondsSince(now);

    assertThat(value(samples, DeadJobSignals.SUSPECTED, edi().with("state", "started")))
        .isEqualTo(3);
    assertThat(value(samples, DeadJobSignals.SUSPECTED, edi().with("state", "enqueued")))
        .isEqualTo(1);
    assertThat(value(samples, DeadJobSignals.SUSPECTED, reporting().with("state", "started")))
        .isEqualTo(0);
    Map<String, Double> ages = suspectAges(samples);
    assertThat(ages).containsOnlyKeys("1/a1/started", "2/a2/started", "3/a3/started",
        "4/a4/enqueued");
    assertThat(ages.get("1/a1/started")).isBetween(10_198.0, 10_198.0 + elapsed);
    assertThat(ages.get("2/a2/started")).isBetween(10_197.0, 10_197.0 + elapsed);
    assertThat(ages.get("3/a3/started")).isBetween(10_195.0, 10_195.0 + elapsed);
    assertThat(ages.get("4/a4/enqueued")).isBetween(10_140.0, 10_140.0 + elapsed);
  }

  @Test
  void ediChannelIsStarvedByDeadJobs() throws Exception {
    String database = server.createOdooDatabase("queue_starved");
    LocalDateTime now = incident(database);

    List<Sample> samples = harness.scrape(collector(database));
    double elapsed = secondsSince(now);

    assertThat(value(samples, DeadJobSignals.CAPACITY, edi())).isEqualTo(4);
    assertThat(value(samples, DeadJobSignals.DEAD_SLOTS, edi())).isEqualTo(4);
    assertThat(value(samples, DeadJobSignals.CAPACITY, ACME.with("channel", "root")))
        .isEqualTo(5);
    assertThat(value(samples, DeadJobSignals.DEAD_SLOTS, ACME.with("channel", "root")))
        .isEqualTo(4);
    assertThat(value(samples, DeadJobSignals.DEAD_SLOTS, reporting())).isEqualTo(0);
    assertThat(value(samples, "freightwatch_odoo_queue_jobs", edi().with("state", "pending")))
        .isEqualTo(120);
    assertThat(value(samples, QueueSection.OLDEST_PENDING_AGE, edi()))
        .isBetween(10_080.0, 10_080.0 + elapsed);
  }

  @Test
  void stuckJobsFinishNothingInEdiChannel() throws Exception {
    String database = server.createOdooDatabase("queue_dead_throughput");
    incident(database);
    OdooQueueCollector collector = collector(database);

    harness.scrape(collector);
    List<Sample> second = harness.scrape(collector);

    assertThat(second)
        .filteredOn(s -> s.name().equals(QueueThroughput.FINISHED))
        .filteredOn(s -> s.labels().get("channel").equals("root.edi"))
        .allSatisfy(s -> assertThat(s.value()).isZero());
  }

  @Test
  void lockTableConfirmsDeadAndAlive() throws Exception {
    String database = server.createOdooDatabase("queue_lock_table");
    incident(database);
    server.execute(
        database, "INSERT INTO queue_job_lock (queue_job_id) VALUES (1), (2), (3), (5)");
    lockAndEnd(database, "SELECT id FROM queue_job_lock WHERE queue_job_id IN (1, 2, 3)");

    List<Sample> samples;
    try (Connection worker = holdLock(database, "queue_job_lock WHERE queue_job_id = 5")) {
      samples = scrapeWithShortReportingLimit(database);
    }

    assertThat(suspectLocks(samples))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("1", "not_held", "2", "not_held", "3", "not_held", "4", "missing"));
    assertThat(value(samples, DeadJobSignals.SUSPECTED, reporting().with("state", "started")))
        .isEqualTo(0);
  }

  @Test
  void lockInsideSavepointReadsAsHeld() throws Exception {
    String database = server.createOdooDatabase("queue_lock_savepoint");
    incident(database);
    server.execute(
        database, "INSERT INTO queue_job_lock (queue_job_id) VALUES (1), (2), (3), (5)");
    lockAndEnd(database, "SELECT id FROM queue_job_lock WHERE queue_job_id IN (1, 2, 3)");

    List<Sample> samples;
    try (Connection worker = server.admin(database);
        Statement statement = worker.createStatement()) {
      worker.setAutoCommit(false);
      String topLevel = currentXid(statement);
      statement.execute("SAVEPOINT perform_job");
      statement.execute("SELECT 1 FROM queue_job_lock WHERE queue_job_id = 5 FOR UPDATE");
      // The row carries the savepoint's subtransaction id, not the worker's transaction id.
      assertThat(lockRowXmax(database, 5)).isNotEqualTo(topLevel).isNotEqualTo("0");
      samples = scrapeWithShortReportingLimit(database);
      worker.rollback();
    }

    assertThat(value(samples, DeadJobSignals.SUSPECTED, reporting().with("state", "started")))
        .isEqualTo(0);
    assertThat(suspectLocks(samples))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("1", "not_held", "2", "not_held", "3", "not_held", "4", "missing"));
  }

  @ParameterizedTest
  @CsvSource({"FOR KEY SHARE, FOR SHARE", "FOR SHARE, FOR SHARE",
      "FOR KEY SHARE, FOR NO KEY UPDATE"})
  void lockSharedByTwoWorkersReadsAsHeld(String first, String second) throws Exception {
    String database = server.createOdooDatabase("queue_lock_multixact");
    incident(database);
    server.execute(
        database, "INSERT INTO queue_job_lock (queue_job_id) VALUES (1), (2), (3), (5)");
    lockAndEnd(database, "SELECT id FROM queue_job_lock WHERE queue_job_id IN (1, 2, 3)");

    List<Sample> held;
    try (Connection one = holdLock(database, "queue_job_lock WHERE queue_job_id = 5", first);
        Connection two = holdLock(database, "queue_job_lock WHERE queue_job_id = 5", second)) {
      String xmax = lockRowXmax(database, 5);
      // Two lockers at once leave a multixact id, which is neither of their transaction ids.
      try (Statement a = one.createStatement();
          Statement b = two.createStatement()) {
        assertThat(xmax).isNotEqualTo(currentXid(a)).isNotEqualTo(currentXid(b));
      }
      held = scrapeWithShortReportingLimit(database);
      one.commit();
      two.commit();
    }
    List<Sample> ended = scrapeWithShortReportingLimit(database);

    assertThat(value(held, DeadJobSignals.SUSPECTED, reporting().with("state", "started")))
        .isEqualTo(0);
    assertThat(suspectLocks(held))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("1", "not_held", "2", "not_held", "3", "not_held", "4", "missing"));
    assertThat(value(ended, DeadJobSignals.SUSPECTED, reporting().with("state", "started")))
        .isEqualTo(1);
    assertThat(suspectLocks(ended)).containsEntry("5", "not_held");
  }

  @Test
  void lockInAndOutsideSavepointReadsAsHeld() throws Exception {
    String database = server.createOdooDatabase("queue_lock_own_multixact");
    incident(database);
    server.execute(database, "INSERT INTO queue_job_lock (queue_job_id) VALUES (5)");

    List<Sample> held;
    try (Connection worker = server.admin(database);
        Statement statement = worker.createStatement()) {
      worker.setAutoCommit(false);
      statement.execute("SELECT 1 FROM queue_job_lock WHERE queue_job_id = 5 FOR SHARE");
      statement.execute("SAVEPOINT perform_job");
      statement.execute("SELECT 1 FROM queue_job_lock WHERE queue_job_id = 5 FOR UPDATE");
      held = scrapeWithShortReportingLimit(database);
      worker.commit();
    }
    List<Sample> ended = scrapeWithShortReportingLimit(database);

    assertThat(value(held, DeadJobSignals.SUSPECTED, reporting().with("state", "started")))
        .isEqualTo(0);
    assertThat(suspectLocks(ended)).containsEntry("5", "not_held");
  }

  @Test
  void earlyLocksTableConfirmsDeadAndAlive() throws Exception {
    String database = server.createOdooDatabase("queue_locks_table");
    incident(database);
    server.execute(database, "DROP TABLE queue_job_lock");
    server.execute(database, "CREATE TABLE queue_job_locks (id integer PRIMARY KEY)");
    server.execute(database, "INSERT INTO queue_job_locks (id) VALUES (1), (2), (3), (5)");
    lockAndEnd(database, "SELECT id FROM queue_job_locks WHERE id IN (1, 2, 3)");

    List<Sample> samples;
    try (Connection worker = holdLock(database, "queue_job_locks WHERE id = 5")) {
      samples = scrapeWithShortReportingLimit(database);
    }

    assertThat(suspectLocks(samples))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("1", "not_held", "2", "not_held", "3", "not_held", "4", "missing"));
    assertThat(value(samples, DeadJobSignals.SUSPECTED, reporting().with("state", "started")))
        .isEqualTo(0);
  }

  @Test
  void withoutLockTableLockIsUnknown() throws Exception {
    String database = server.createOdooDatabase("queue_no_lock");
    incident(database);
    server.execute(database, "DROP TABLE queue_job_lock");

    List<Sample> samples = harness.scrape(collector(database));

    assertThat(suspectLocks(samples))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "1", "no_lock_table",
                "2", "no_lock_table",
                "3", "no_lock_table",
                "4", "no_lock_table"));
  }

  @Test
  void agentTakesNoRowLocks() throws Exception {
    String database = server.createOdooDatabase("queue_no_row_locks");
    incident(database);
    server.execute(
        database, "INSERT INTO queue_job_lock (queue_job_id) VALUES (1), (2), (3), (5)");
    OdooQueueCollector collector = collector(database);
    harness.scrape(collector);

    // A worker that locks every row without waiting would fail if the agent held any of them.
    try (Connection worker = server.admin(database);
        Statement statement = worker.createStatement()) {
      worker.setAutoCommit(false);
      harness.scrape(collector);
      statement.execute("SET lock_timeout = '1s'");
      statement.execute("SELECT id FROM queue_job FOR UPDATE NOWAIT");
      statement.execute("SELECT id FROM queue_job_lock FOR UPDATE NOWAIT");
      worker.rollback();
    }
  }

  // With a 120 minute limit the reporting job (40 minutes) is not a suspect on age. A 10 minute
  // limit makes it one, so only its held lock can keep it out of the suspects.
  private List<Sample> scrapeWithShortReportingLimit(String database) {
    OdooQueueSettings tight =
        new OdooQueueSettings(
            INCIDENT_SETTINGS.capacities(),
            Duration.ofHours(1),
            Duration.ofMinutes(5),
            Map.of("root.edi", Duration.ofMinutes(15), "root.reporting", Duration.ofMinutes(10)),
            Map.of());
    return harness.scrape(collector(database, tight));
  }

  private LocalDateTime incident(String database) throws Exception {
    OdooFixture fixture =
        new OdooFixture(server, database)
            .module("base", "installed", "17.0.1.3")
            .module("queue_job", "installed", "17.0.1.0.5");
    LocalDateTime now = fixture.serverUtcNow();
    fixture.deadWorkerIncident(now);
    return now;
  }

  /** Locks rows in a transaction that then commits, as a worker that finished or died leaves. */
  private static void lockAndEnd(String database, String select) throws Exception {
    try (Connection worker = server.admin(database);
        Statement statement = worker.createStatement()) {
      worker.setAutoCommit(false);
      statement.execute(select + " FOR UPDATE");
      worker.commit();
    }
  }

  /** Returns an open transaction that holds a row lock, as a live worker does. */
  private static Connection holdLock(String database, String from) throws Exception {
    return holdLock(database, from, "FOR UPDATE");
  }

  /** Returns an open transaction that holds a row lock of the given strength. */
  private static Connection holdLock(String database, String from, String strength)
      throws Exception {
    Connection worker = server.admin(database);
    worker.setAutoCommit(false);
    try (Statement statement = worker.createStatement()) {
      statement.execute("SELECT 1 FROM " + from + " " + strength);
    }
    return worker;
  }

  /** Returns the {@code xmax} of the job's lock row, as text. */
  private static String lockRowXmax(String database, long jobId) throws Exception {
    try (Connection reader = server.admin(database);
        Statement statement = reader.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT xmax::text FROM queue_job_lock WHERE queue_job_id = " + jobId)) {
      row.next();
      return row.getString(1);
    }
  }

  /** Returns the transaction id of the statement's session, assigning one if needed. */
  private static String currentXid(Statement statement) throws Exception {
    try (ResultSet row = statement.executeQuery("SELECT xid(pg_current_xact_id())::text")) {
      row.next();
      return row.getString(1);
    }
  }

  private OdooQueueCollector collector(String database) {
    return collector(database, INCIDENT_SETTINGS);
  }

  private OdooQueueCollector collector(String database, OdooQueueSettings settings) {
    return new OdooQueueCollector(
        server.target("test-pg", "postgres", Duration.ofSeconds(5)),
        new OdooTarget.Tenant("acme", database),
        sessions,
        Duration.ofSeconds(15),
        List.of(new QueueSection(settings)),
        () -> {});
  }

  private static Map<String, Double> suspectAges(List<Sample> samples) {
    return samples.stream()
        .filter(s -> s.name().equals(DeadJobSignals.SUSPECT_AGE))
        .collect(
            Collectors.toMap(
                s ->
                    s.labels().get("job_id")
                        + "/"
                        + s.labels().get("uuid")
                        + "/"
                        + s.labels().get("state"),
                Sample::value));
  }

  private static Map<String, String> suspectLocks(List<Sample> samples) {
    return samples.stream()
        .filter(s -> s.name().equals(DeadJobSignals.SUSPECT_AGE))
        .collect(Collectors.toMap(s -> s.labels().get("job_id"), s -> s.labels().get("lock")));
  }

  private static double value(List<Sample> samples, String name, Labels labels) {
    List<Sample> matching =
        samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels)).toList();
    assertThat(matching).as("%s%s", name, labels).hasSize(1);
    return matching.get(0).value();
  }

  private static Labels edi() {
    return ACME.with("channel", "root.edi");
  }

  private static Labels reporting() {
    return ACME.with("channel", "root.reporting");
  }

  private static double secondsSince(LocalDateTime base) {
    return Duration.between(base, LocalDateTime.now(ZoneOffset.UTC)).toNanos() / 1e9 + 1;
  }
}
