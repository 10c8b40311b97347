package io.freightwatch.collect.odoo;

import io.freightwatch.collect.Collector;
import io.freightwatch.collect.ScrapeContext;
import io.freightwatch.collect.TargetId;
import io.freightwatch.collect.postgres.PgScrapeFailures;
import io.freightwatch.collect.postgres.PgSessions;
import io.freightwatch.config.OdooTarget;
import io.freightwatch.config.PostgresTarget;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Scrapes one Odoo tenant database: its version and watched modules at every scrape, and, when OCA
 * {@code queue_job} is installed, queue depth, oldest job ages and failures per channel.
 *
 * <p>Every series carries the labels {@code tenant} and {@code cluster}. Jobs whose {@code channel}
 * column is NULL are reported without a {@code channel} label. A tenant without {@code queue_job}
 * emits only {@code freightwatch_odoo_tenant_info} and {@code freightwatch_odoo_module_installed}.
 * The sessions are read-only and the queries are plain SELECTs, which take no row locks, so the job
 * runner and crons never wait for the agent.
 */
public final class OdooQueueCollector implements Collector {

  static final String TENANT_INFO = "freightwatch_odoo_tenant_info";
  static final String MODULE_INSTALLED = "freightwatch_odoo_module_installed";
  static final String QUEUE_JOBS = "freightwatch_odoo_queue_jobs";
  static final String OLDEST_PENDING_AGE = "freightwatch_odoo_queue_job_oldest_pending_age_seconds";
  static final String OLDEST_STARTED_AGE = "freightwatch_odoo_queue_job_oldest_started_age_seconds";
  static final String FAILURES = "freightwatch_odoo_queue_job_failures_total";

  private final PostgresTarget server;
  private final OdooTarget.Tenant tenant;
  private final PgSessions sessions;
  private final Duration interval;
  private final TargetId id;
  private final Labels tenantLabels;
  // Updated only in scrape callbacks, which run on the scheduler's event-loop context.
  private final QueueFailureCounter failures = new QueueFailureCounter();

  /** Creates a collector that scrapes at the server's interval. */
  public OdooQueueCollector(PostgresTarget server, OdooTarget.Tenant tenant, PgSessions sessions) {
    this(server, tenant, sessions, server.interval());
  }

  /**
   * @param server the PostgreSQL server of the tenant; its role and password are used
   * @param tenant the tenant's name and database
   * @param sessions the agent's shared sessions; this collector does not close them
   * @param interval time between scrapes, usually {@link OdooTarget#interval()}
   */
  public OdooQueueCollector(
      PostgresTarget server, OdooTarget.Tenant tenant, PgSessions sessions, Duration interval) {
    this.server = Objects.requireNonNull(server, "server");
    this.tenant = Objects.requireNonNull(tenant, "tenant");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.id = new TargetId("odoo", tenant.name());
    this.tenantLabels = Labels.of("tenant", tenant.name(), "cluster", server.cluster());
  }

  @Override
  public TargetId target() {
    return id;
  }

  @Override
  public Duration interval() {
    return interval;
  }

  /**
   * Reads the tenant on the worker pool with two statements: the modules, then the queue. Waiting
   * for a connection permit may take up to half the scrape timeout.
   */
  @Override
  public Future<List<Sample>> scrape(ScrapeContext context) {
    Duration permitWait = context.timeout().dividedBy(2);
    return context
        .blocking(
            () ->
                sessions.withConnection(
                    server, tenant.database(), permitWait, OdooQueueCollector::read))
        .map(this::samples)
        .recover(
            failure ->
                Future.failedFuture(
                    PgScrapeFailures.describe(
                        server, tenant.database(), context.timeout(), failure)));
  }

  private static Reading read(Connection connection) throws SQLException {
    InstalledModules modules = InstalledModules.read(connection);
    List<QueueJobState> queue =
        modules.isInstalled(InstalledModules.QUEUE_JOB)
            ? QueueJobStates.read(connection)
            : List.of();
    return new Reading(modules, queue);
  }

  private List<Sample> samples(Reading reading) {
    List<Sample> samples = new ArrayList<>();
    addModules(reading.modules(), samples);
    if (reading.modules().isInstalled(InstalledModules.QUEUE_JOB)) {
      addQueue(reading.queue(), samples);
    }
    return samples;
  }

  private void addModules(InstalledModules modules, List<Sample> out) {
    out.add(
        Sample.gauge(
            TENANT_INFO,
            "Always 1; the labels give the tenant's database and installed Odoo base version",
            1,
            tenantLabels
                .with("database", tenant.database())
                .with("version", modules.baseVersion())));
    for (String module : InstalledModules.WATCHED) {
      out.add(
          Sample.gauge(
              MODULE_INSTALLED,
              "1 when the Odoo module is installed in the tenant database",
              modules.isInstalled(module) ? 1 : 0,
              tenantLabels.with("module", module)));
    }
  }

  private void addQueue(List<QueueJobState> queue, List<Sample> out) {
    Set<String> channels = new TreeSet<>();
    Map<String, Long> failedByChannel = new HashMap<>();
    for (QueueJobState row : queue) {
      Labels channel = tenantLabels.with("channel", row.channel());
      channels.add(row.channel());
      out.add(
          Sample.gauge(
              QUEUE_JOBS,
              "queue_job jobs per channel in a state that still needs work",
              row.jobs(),
              channel.with("state", row.state())));
      if (row.oldestPendingAgeSeconds() != null) {
        out.add(
            Sample.gauge(
                OLDEST_PENDING_AGE,
                "Seconds since creation of the oldest pending job that is due",
                row.oldestPendingAgeSeconds(),
                channel));
      }
      if (row.oldestStartedAgeSeconds() != null) {
        out.add(
            Sample.gauge(
                OLDEST_STARTED_AGE,
                "Seconds since the oldest started job began",
                row.oldestStartedAgeSeconds(),
                channel));
      }
      if (row.state().equals("failed")) {
        failedByChannel.put(row.channel(), row.jobs());
      }
    }
    failures
        .record(channels, failedByChannel)
        .forEach(
            (channel, total) ->
                out.add(
                    Sample.counter(
                        FAILURES,
                        "Increases of the failed job count per channel, summed over scrapes",
                        total,
                        tenantLabels.with("channel", channel))));
  }

  private record Reading(InstalledModules modules, List<QueueJobState> queue) {}
}
