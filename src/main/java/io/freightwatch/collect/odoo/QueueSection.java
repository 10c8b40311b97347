package io.freightwatch.collect.odoo;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Queue depth, oldest job ages and failures per channel of OCA {@code queue_job}. */
final class QueueSection implements TenantSection {

  static final String QUEUE_JOBS = "freightwatch_odoo_queue_jobs";
  static final String OLDEST_PENDING_AGE = "freightwatch_odoo_queue_job_oldest_pending_age_seconds";
  static final String OLDEST_STARTED_AGE = "freightwatch_odoo_queue_job_oldest_started_age_seconds";
  static final String FAILURES = "freightwatch_odoo_queue_job_failures_total";

  private final QueueFailureCounter failures = new QueueFailureCounter();

  @Override
  public boolean appliesTo(InstalledModules modules) {
    return modules.isInstalled(InstalledModules.QUEUE_JOB);
  }

  @Override
  public void read(Connection connection, Labels tenantLabels, List<Sample> out)
      throws SQLException {
    List<QueueJobState> queue = QueueJobStates.read(connection);
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
}
