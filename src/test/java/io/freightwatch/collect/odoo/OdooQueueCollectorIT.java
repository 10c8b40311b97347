package io.freightwatch.collect.odoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.collect.TargetId;
import io.freightwatch.collect.postgres.PgSessions;
import io.freightwatch.collect.postgres.ScrapeHarness;
import io.freightwatch.collect.postgres.TestPostgres;
import io.freightwatch.config.OdooTarget;
import io.freightwatch.config.PostgresTarget;
import io.freightwatch.store.Labels;
import io.freightwatch.store.MetricType;
import io.freightwatch.store.Sample;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OdooQueueCollectorIT {

  private static final Labels ACME = Labels.of("tenant", "acme", "cluster", "test-cluster");
  private static final String FAILURES = "freightwatch_odoo_queue_job_failures_total";

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
  void emitsQueueSeriesPerChannelAndState() throws Exception {
    String database = server.createOdooDatabase("queue_collector");
    OdooFixture fixture = odooWithQueueJob(database);
    LocalDateTime base = fixture.serverUtcNow();
    fixture.starvedEdiQueue(base);

    Map<String, Sample> samples = bySeries(harness.scrape(collector(database)));
    double sinceBase = secondsSince(base);

    assertThat(value(samples, "freightwatch_odoo_queue_jobs", edi().with("state", "started")))
        .isEqualTo(3);
    assertThat(value(samples, "freightwatch_odoo_queue_jobs", edi().with("state", "enqueued")))
        .isEqualTo(1);
    assertThat(value(samples, "freightwatch_odoo_queue_jobs", edi().with("state", "pending")))
        .isEqualTo(120);
    assertThat(
            value(
                samples, "freightwatch_odoo_queue_jobs", edi().with("state", "wait_dependencies")))
        .isEqualTo(2);
    assertThat(value(samples, "freightwatch_odoo_queue_jobs", edi().with("state", "failed")))
        .isEqualTo(2);
    assertThat(samples.keySet())
        .noneMatch(key -> key.contains("state=\"done\"") || key.contains("state=\"cancelled\""));
    assertThat(value(samples, "freightwatch_odoo_queue_job_oldest_pending_age_seconds", edi()))
        .isBetween(10_080.0, 10_080.0 + sinceBase);
    assertThat(value(samples, "freightwatch_odoo_queue_job_retried_pending_jobs", edi()))
        .isZero();
    assertThat(samples.keySet())
        .noneMatch(
            key ->
                key.startsWith("freightwatch_odoo_queue_job_retried_pending_jobs")
                    && key.contains("root.reporting"));
    assertThat(value(samples, "freightwatch_odoo_queue_job_oldest_started_age_seconds", edi()))
        .isBetween(10_198.0, 10_198.0 + sinceBase);
    assertThat(
            value(
                samples,
                "freightwatch_odoo_queue_job_oldest_started_age_seconds",
                ACME.with("channel", "root.reporting")))
        .isBetween(2_400.0, 2_400.0 + sinceBase);
  }

  @Test
  void agesIgnoreJvmTimeZone() throws Exception {
    String database = server.createOdooDatabase("queue_zone");
    OdooFixture fixture = odooWithQueueJob(database);
    LocalDateTime base = fixture.serverUtcNow();
    fixture.job("root", "pending", base.minusSeconds(600), null, null, 0);
    TimeZone jvmZone = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
    Map<String, Sample> samples;
    try {
      samples = bySeries(harness.scrape(collector(database)));
    } finally {
      TimeZone.setDefault(jvmZone);
    }

    assertThat(
            value(
                samples,
                "freightwatch_odoo_queue_job_oldest_pending_age_seconds",
                ACME.with("channel", "root")))
        .isBetween(600.0, 600.0 + secondsSince(base));
  }

  @Test
  void failuresTotalCountsIncreasesOnly() throws Exception {
    String database = server.createOdooDatabase("queue_failures");
    OdooFixture fixture = odooWithQueueJob(database);
    LocalDateTime base = fixture.serverUtcNow();
    addFailed(fixture, base, 2);
    OdooQueueCollector collector = collector(database);
    Labels failures = unknownFunction(ACME.with("channel", "root.edi"));

    double first = value(bySeries(harness.scrape(collector)), FAILURES, failures);
    addFailed(fixture, base, 3);
    double afterThreeFailures = value(bySeries(harness.scrape(collector)), FAILURES, failures);
    fixture.sql(
        "UPDATE queue_job SET state = 'pending', retry = 0 WHERE id IN"
            + " (SELECT id FROM queue_job WHERE state = 'failed' ORDER BY id LIMIT 4)");
    double afterRequeue = value(bySeries(harness.scrape(collector)), FAILURES, failures);
    addFailed(fixture, base, 1);
    double afterOneMore = value(bySeries(harness.scrape(collector)), FAILURES, failures);

    assertThat(first).isEqualTo(0);
    assertThat(afterThreeFailures).isEqualTo(3);
    assertThat(afterRequeue).isEqualTo(3);
    assertThat(afterOneMore).isEqualTo(4);
  }

  @Test
  void finishedJobsFeedCountersAndHistograms() throws Exception {
    String database = server.createOdooDatabase("queue_finished");
    OdooFixture fixture = odooWithQueueJob(database);
    fixture.sql(
        "INSERT INTO queue_job (uuid, channel, state, date_created, date_done)"
            + " SELECT 'old' || g, 'root.carrier', 'done', now() AT TIME ZONE 'UTC',"
            + " now() AT TIME ZONE 'UTC' FROM generate_series(1, 30) AS g");
    OdooQueueCollector collector = collector(database);
    harness.scrape(collector);
    insertCarrierJobs(fixture);

    Map<String, Sample> firstSeen = bySeries(harness.scrape(collector));
    Map<String, Sample> counted = bySeries(harness.scrape(collector));

    Labels carrier = ACME.with("channel", "root.carrier");
    Labels label = carrier.with("model", "stock.picking").with("method", "send_to_shipper");
    String finished = "freightwatch_odoo_queue_job_finished_total";
    assertThat(value(firstSeen, finished, label.with("outcome", "done"))).isZero();
    assertThat(value(counted, finished, label.with("outcome", "done"))).isEqualTo(2);
    assertThat(value(counted, finished, label.with("outcome", "failed"))).isEqualTo(1);
    assertThat(value(counted, FAILURES, label.with("exception", "odoo.exceptions.UserError")))
        .isEqualTo(1);
    assertThat(value(counted, "freightwatch_odoo_queue_job_retries_exhausted_total", label))
        .isEqualTo(1);
    String completion = "freightwatch_odoo_queue_job_completion_seconds";
    assertThat(value(counted, completion + "_count", carrier)).isEqualTo(2);
    assertThat(value(counted, completion + "_sum", carrier)).isEqualTo(65 + 700);
    assertThat(value(counted, completion + "_bucket", carrier.with("le", "300.0"))).isEqualTo(1);
    assertThat(value(counted, completion + "_bucket", carrier.with("le", "+Inf"))).isEqualTo(2);
    String wait = "freightwatch_odoo_queue_job_wait_seconds";
    assertThat(value(counted, wait + "_sum", carrier)).isEqualTo(5 + 100);
    String run = "freightwatch_odoo_queue_job_run_seconds";
    assertThat(value(counted, run + "_sum", carrier)).isEqualTo(20 + 600);
  }

  @Test
  void failuresTotalIsCounter() throws Exception {
    String database = server.createOdooDatabase("queue_counter");
    OdooFixture fixture = odooWithQueueJob(database);
    addFailed(fixture, fixture.serverUtcNow(), 1);

    Map<String, Sample> samples = bySeries(harness.scrape(collector(database)));

    Sample failures = samples.get(FAILURES + unknownFunction(ACME.with("channel", "root.edi")));
    assertThat(failures).isNotNull();
    assertThat(failures.type()).isEqualTo(MetricType.COUNTER);
  }

  @Test
  void tenantWithoutQueueJobEmitsModulesOnly() throws Exception {
    String database = server.createOdooDatabase("no_queue");
    OdooFixture fixture =
        new OdooFixture(server, database)
            .module("base", "installed", "17.0.1.3")
            .module("queue_job", "uninstalled", "17.0.1.0.5")
            .module("stock", "installed", "17.0.1.1")
            .module("stock_delivery", "to upgrade", "17.0.1.0")
            .module("mail", "to install", null);
    fixture.job("root", "pending", fixture.serverUtcNow(), null, null, 0);

    List<Sample> samples = harness.scrape(collector(database));

    Map<String, Sample> series = bySeries(samples);
    assertThat(
            value(
                series,
                "freightwatch_odoo_tenant_info",
                ACME.with("database", database).with("version", "17.0.1.3")))
        .isEqualTo(1);
    assertThat(moduleValues(samples))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "queue_job", 0.0,
                "stock", 1.0,
                "stock_delivery", 1.0,
                "delivery", 0.0,
                "mail", 0.0,
                "edi_oca", 0.0));
    assertThat(samples).hasSize(7);
  }

  @Test
  void missingModuleTableFailsScrape() throws Exception {
    String database = server.createDatabase("not_odoo");

    Throwable failure = harness.scrapeFailure(collector(database));

    assertThat(failure)
        .isInstanceOf(SQLException.class)
        .hasMessageStartingWith(
            "PostgreSQL target test-pg (" + serverTarget().address() + "/" + database + "): ")
        .hasMessageContaining("ir_module_module");
    assertThat(((SQLException) failure).getSQLState()).isEqualTo("42P01");
  }

  @Test
  void targetIsOdooTenant() {
    OdooQueueCollector collector = collector("any_database");

    assertThat(collector.target()).isEqualTo(new TargetId("odoo", "acme"));
    assertThat(collector.interval()).isEqualTo(Duration.ofSeconds(15));
  }

  private OdooQueueCollector collector(String database) {
    return new OdooQueueCollector(
        serverTarget(), new OdooTarget.Tenant("acme", database), sessions);
  }

  private static PostgresTarget serverTarget() {
    return server.target("test-pg", "postgres", Duration.ofSeconds(5));
  }

  private static OdooFixture odooWithQueueJob(String database) throws SQLException {
    return new OdooFixture(server, database)
        .module("base", "installed", "17.0.1.3")
        .module("queue_job", "installed", "17.0.1.0.5");
  }

  private static void addFailed(OdooFixture fixture, LocalDateTime now, int count)
      throws SQLException {
    for (int i = 0; i < count; i++) {
      fixture.job("root.edi", "failed", now.minusSeconds(60), now.minusSeconds(50), null, 1);
    }
  }

  /** Labels of a failure whose job row has no model, method or exception class. */
  private static Labels unknownFunction(Labels channel) {
    return channel.with("model", "").with("method", "").with("exception", "");
  }

  /**
   * Two carrier jobs done (one enqueued 5 s after creation, one never enqueued, whose wait counts
   * from creation) and one failed after its last attempt, with exc_info but no exc_name.
   */
  private static void insertCarrierJobs(OdooFixture fixture) throws SQLException {
    fixture.sql(
        """
        INSERT INTO queue_job (uuid, channel, state, model_name, method_name, date_created,
                               date_enqueued, date_started, date_done, exc_info, retry,
                               max_retries) VALUES
         ('c1', 'root.carrier', 'done', 'stock.picking', 'send_to_shipper',
          '2025-03-10 10:00:00', '2025-03-10 10:00:40', '2025-03-10 10:00:45',
          '2025-03-10 10:01:05', NULL, 1, 5),
         ('c2', 'root.carrier', 'done', 'stock.picking', 'send_to_shipper',
          '2025-03-10 10:00:00', NULL, '2025-03-10 10:01:40', '2025-03-10 10:11:40', NULL, 1, 5),
         ('c3', 'root.carrier', 'failed', 'stock.picking', 'send_to_shipper',
          '2025-03-10 10:00:00', '2025-03-10 10:00:40', '2025-03-10 10:00:45', NULL,
          'Traceback (most recent call last):\nodoo.exceptions.UserError: no account', 3, 3)
        """);
  }

  private static Labels edi() {
    return ACME.with("channel", "root.edi");
  }

  private static double secondsSince(LocalDateTime base) {
    return Duration.between(base, LocalDateTime.now(ZoneOffset.UTC)).toNanos() / 1e9 + 1;
  }

  private static Map<String, Double> moduleValues(List<Sample> samples) {
    return samples.stream()
        .filter(sample -> sample.name().equals("freightwatch_odoo_module_installed"))
        .collect(Collectors.toMap(sample -> sample.labels().get("module"), Sample::value));
  }

  private static Map<String, Sample> bySeries(List<Sample> samples) {
    return samples.stream()
        .collect(Collectors.toMap(sample -> sample.name() + sample.labels(), Function.identity()));
  }

  private static double value(Map<String, Sample> samples, String name, Labels labels) {
    assertThat(samples).containsKey(name + labels);
    return samples.get(name + labels).value();
  }
}
