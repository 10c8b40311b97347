package io.freightwatch.collect.odoo;

import io.freightwatch.config.OdooQueueSettings;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The OCA {@code queue_job} signals of one tenant: queue depth and oldest job ages per channel and
 * state, jobs suspected dead with the channel slots they hold, and counts and time distributions
 * of the jobs finished since the previous scrape.
 */
final class QueueSection implements TenantSection {

  static final String QUEUE_JOBS = "freightwatch_odoo_queue_jobs";
  static final String OLDEST_PENDING_AGE = "freightwatch_odoo_queue_job_oldest_pending_age_seconds";
  static final String RETRIED_PENDING = "freightwatch_odoo_queue_job_retried_pending_jobs";
  static final String OLDEST_STARTED_AGE = "freightwatch_odoo_queue_job_oldest_started_age_seconds";

  private final DeadJobSignals deadJobs;
  private final FinishedJobTracker tracker = new FinishedJobTracker();
  private final QueueThroughput throughput = new QueueThroughput();
  // The running-jobs statement for the lock table the database has; null until probed.
  private String runningJobsSql;

  /** Creates a section with no channel capacities and the default dead-job thresholds. */
  QueueSection() {
    this(OdooQueueSettings.DEFAULTS);
  }

  QueueSection(OdooQueueSettings settings) {
    this.deadJobs = new DeadJobSignals(settings);
  }

  @Override
  public boolean appliesTo(InstalledModules modules) {
    return modules.isInstalled(InstalledModules.QUEUE_JOB);
  }

  @Override
  public void forgetSchema() {
    runningJobsSql = null;
  }

  @Override
  public void read(Connection connection, Labels tenantLabels, List<Sample> out)
      throws SQLException {
    Set<String> channels = addQueueDepth(QueueJobStates.read(connection), tenantLabels, out);
    if (runningJobsSql == null) {
      runningJobsSql = RunningJobs.sql(connection);
    }
    deadJobs.addSamples(
        RunningJobs.read(connection, runningJobsSql), channels, tenantLabels, out);
    if (!tracker.isStarted()) {
      throughput.registerFailed(
          FinishedJobTracker.recentFailed(connection, QueueThroughput.MAX_SERIES));
    }
    throughput.record(tracker.poll(connection, tenantLabels.get("tenant")));
    throughput.addSamples(tenantLabels, out);
  }

  private static Set<String> addQueueDepth(
      List<QueueJobState> queue, Labels tenantLabels, List<Sample> out) {
    Set<String> channels = new TreeSet<>();
    for (QueueJobState row : queue) {
      Labels channel = tenantLabels.with("channel", row.channel());
      channels.add(row.channel());
      out.add(
          Sample.gauge(
              QUEUE_JOBS,
              "queue_job jobs per channel in a state that still needs work",
              row.jobs(),
              channel.with("state", row.state())));
      if (row.oldestRunnableAgeSeconds() != null) {
        out.add(
            Sample.gauge(
                OLDEST_PENDING_AGE,
                "Seconds the oldest runnable pending job has waited since it became runnable, at"
                    + " the later of its creation and its eta",
                row.oldestRunnableAgeSeconds(),
                channel));
      }
      if (row.state().equals("pending")) {
        out.add(
            Sample.gauge(
                RETRIED_PENDING,
                "Pending jobs that already had an attempt (retry > 0), such as jobs postponed by"
                    + " a retryable error",
                row.retriedJobs(),
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
    }
    return channels;
  }
}
