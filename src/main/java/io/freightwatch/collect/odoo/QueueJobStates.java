package io.freightwatch.collect.odoo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads queue depth and the oldest job ages of OCA {@code queue_job}, per channel and state, in one
 * statement.
 *
 * <p>A pending job is runnable when it has no {@code eta} or its {@code eta} has passed. A job
 * with a future {@code eta} is held back on purpose, by its creator or by a retry's backoff, so
 * it is not backlog whatever its {@code retry} count. The oldest runnable age runs from the later
 * of {@code date_created} and {@code eta}: the moment the job became runnable. Measured from
 * {@code date_created}, a job created with an eta two hours ahead would show two hours of backlog
 * the moment it became due, and a retried job would carry the time of its earlier attempts and
 * backoffs. Both are waits the job runner was asked to make, not work it failed to start. The time
 * from creation to done is in the completion histogram instead.
 *
 * <p>Only the states that still need work are selected, so the indexed {@code state} predicate
 * keeps the cost independent of the done and cancelled rows, which are most of the table. Odoo
 * stores naive UTC in {@code timestamp without time zone} columns, so the ages are computed against
 * {@code now() AT TIME ZONE 'UTC'} and do not depend on the session's TimeZone or the JVM's zone.
 */
final class QueueJobStates {

  // greatest() skips NULLs, so a job without an eta is aged from date_created. A pending job with
  // retry > 0 has had an attempt already: a retryable error, or a dead-job requeue, sent it back.
  static final String SQL =
      """
      SELECT channel,
             state,
             count(*) AS jobs,
             extract(epoch FROM (now() AT TIME ZONE 'UTC')
                 - min(greatest(date_created, eta)) FILTER (
                     WHERE state = 'pending'
                       AND (eta IS NULL OR eta <= now() AT TIME ZONE 'UTC')))
                 AS oldest_runnable_age_seconds,
             count(*) FILTER (WHERE state = 'pending' AND retry > 0) AS retried_jobs,
             extract(epoch FROM (now() AT TIME ZONE 'UTC') - min(date_started) FILTER (
                 WHERE state = 'started'))
                 AS oldest_started_age_seconds,
             now() AT TIME ZONE 'UTC' AS observed_at
      FROM queue_job
      WHERE state IN ('pending', 'enqueued', 'started', 'wait_dependencies', 'failed')
      GROUP BY channel, state
      ORDER BY channel, state
      """;

  private QueueJobStates() {}

  static List<QueueJobState> read(Connection connection) throws SQLException {
    List<QueueJobState> states = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(SQL)) {
      while (row.next()) {
        states.add(
            new QueueJobState(
                Objects.requireNonNullElse(row.getString("channel"), ""),
                row.getString("state"),
                row.getLong("jobs"),
                age(row, "oldest_runnable_age_seconds"),
                row.getLong("retried_jobs"),
                age(row, "oldest_started_age_seconds"),
                row.getObject("observed_at", LocalDateTime.class)));
      }
    }
    return states;
  }

  /**
   * Returns an age column, null when no job has that age, and 0 for a timestamp ahead of the
   * database's clock, which an Odoo host whose clock runs ahead of PostgreSQL's writes.
   */
  private static Double age(ResultSet row, String column) throws SQLException {
    double value = row.getDouble(column);
    return row.wasNull() ? null : Math.max(0, value);
  }
}
