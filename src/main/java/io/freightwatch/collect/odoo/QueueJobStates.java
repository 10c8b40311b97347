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
 * <p>Only the states that still need work are selected, so the indexed {@code state} predicate
 * keeps the cost independent of the done and cancelled rows, which are most of the table. Odoo
 * stores naive UTC in {@code timestamp without time zone} columns, so the ages are computed against
 * {@code now() AT TIME ZONE 'UTC'} and do not depend on the session's TimeZone or the JVM's zone.
 */
final class QueueJobStates {

  // A pending job is due when its eta has passed or it has none. One postponed by a retry
  // (retry > 0) counts as late even before its new eta, while a job created with a future eta
  // does not.
  static final String SQL =
      """
      SELECT channel,
             state,
             count(*) AS jobs,
             extract(epoch FROM (now() AT TIME ZONE 'UTC') - min(date_created) FILTER (
                 WHERE state = 'pending'
                   AND (eta IS NULL OR eta <= now() AT TIME ZONE 'UTC' OR retry > 0)))
                 AS oldest_pending_age_seconds,
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
                nullableDouble(row, "oldest_pending_age_seconds"),
                nullableDouble(row, "oldest_started_age_seconds"),
                row.getObject("observed_at", LocalDateTime.class)));
      }
    }
    return states;
  }

  private static Double nullableDouble(ResultSet row, String column) throws SQLException {
    double value = row.getDouble(column);
    return row.wasNull() ? null : value;
  }
}
