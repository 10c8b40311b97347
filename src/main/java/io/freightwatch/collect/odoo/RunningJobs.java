package io.freightwatch.collect.odoo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads the {@code started} and {@code enqueued} jobs of {@code queue_job} with their age and, where
 * the lock table exists, whether their worker still holds its lock.
 *
 * <p>These jobs are bounded by the channels' capacities, so the read is small, and the indexed
 * {@code state} predicate keeps it independent of the done jobs. queue_job builds from 2025 on
 * create a lock row when a job starts and keep it row-locked by the executing worker: the merged
 * code names the table {@code queue_job_lock(queue_job_id)}, early versions {@code
 * queue_job_locks(id)} with the job's id as key. The agent never locks a row to find out, since
 * its session is read-only and a lock would block the runner. It reads the lock row's {@code xmax}
 * instead, where a row lock leaves the id of its holder:
 *
 * <ul>
 *   <li>a transaction id, also when the worker locked the row inside a savepoint, whose
 *       subtransaction id is then in {@code xmax};
 *   <li>a multixact id when several transactions lock the row at once (two {@code FOR SHARE}, or
 *       {@code FOR KEY SHARE} next to {@code FOR NO KEY UPDATE}), or one transaction locks it both
 *       outside and inside a savepoint. {@code pg_get_multixact_members} lists its members.
 * </ul>
 *
 * A transaction or subtransaction that has an id holds an exclusive lock on that id in {@code
 * pg_locks} until it ends; a committed subtransaction hands it to its parent. So the row lock is
 * held while {@code xmax}, or a member of its multixact, is a granted {@code transactionid} lock.
 * Every role may read {@code pg_locks} and call {@code pg_get_multixact_members}.
 */
final class RunningJobs {

  private static final String PROBE =
      "SELECT to_regclass('queue_job_lock') IS NOT NULL, to_regclass('queue_job_locks') IS NOT NULL";

  private static final String SELECT =
      """
      SELECT j.id,
             j.uuid,
             j.channel,
             j.state,
             extract(epoch FROM (now() AT TIME ZONE 'UTC')
                 - coalesce(CASE j.state WHEN 'started' THEN j.date_started ELSE j.date_enqueued END,
                            j.date_created)) AS age_seconds,
             %s AS lock_state
      FROM queue_job j
      %s
      WHERE j.state IN ('started', 'enqueued')
      ORDER BY j.id
      """;

  // NOTE: only the tuple's infomask, readable through pageinspect (superuser by default),
  // distinguishes a multixact id from a transaction id in xmax. The check tries both readings,
  // so a dead job's xmax that happens to equal a running transaction id, or a live multixact id,
  // reads as held. The multixact reading is limited to the multixacts that still exist, because
  // pg_get_multixact_members raises an error below the oldest datminmxid or at the next id.
  private static final String LOCK_STATE =
      """
      CASE WHEN l.%1$s IS NULL THEN 'missing'
           WHEN l.xmax = '0'::xid THEN 'not_held'
           WHEN l.xmax IN (SELECT transactionid FROM pg_locks
                           WHERE locktype = 'transactionid' AND granted)
             THEN 'held'
           WHEN mxid_age(l.xmax) BETWEEN 1 AND (SELECT max(mxid_age(datminmxid)) FROM pg_database)
                AND EXISTS (
                    SELECT 1 FROM pg_get_multixact_members(l.xmax) m
                    WHERE m.xid IN (SELECT transactionid FROM pg_locks
                                    WHERE locktype = 'transactionid' AND granted))
             THEN 'held'
           ELSE 'not_held' END""";

  private RunningJobs() {}

  /** Reads the running jobs over {@code connection}, ordered by id. */
  static List<RunningJob> read(Connection connection) throws SQLException {
    return read(connection, sql(connection));
  }

  /** Reads the running jobs with {@code sql}, a statement {@link #sql} returned for this database. */
  static List<RunningJob> read(Connection connection, String sql) throws SQLException {
    List<RunningJob> jobs = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(sql);
        ResultSet row = statement.executeQuery()) {
      while (row.next()) {
        jobs.add(
            new RunningJob(
                row.getLong("id"),
                Objects.requireNonNullElse(row.getString("uuid"), ""),
                Objects.requireNonNullElse(row.getString("channel"), ""),
                row.getString("state"),
                row.getDouble("age_seconds"),
                RunningJob.LockState.fromLabel(row.getString("lock_state"))));
      }
    }
    return jobs;
  }

  /** Returns the statement for the lock table this database has, if any. */
  static String sql(Connection connection) throws SQLException {
    boolean lock;
    boolean locks;
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(PROBE)) {
      row.next();
      lock = row.getBoolean(1);
      locks = row.getBoolean(2);
    }
    if (lock) {
      return SELECT.formatted(
          LOCK_STATE.formatted("queue_job_id"),
          "LEFT JOIN LATERAL (SELECT x.queue_job_id, x.xmax FROM queue_job_lock x"
              + " WHERE x.queue_job_id = j.id ORDER BY x.id DESC LIMIT 1) l ON true");
    }
    if (locks) {
      return SELECT.formatted(
          LOCK_STATE.formatted("id"), "LEFT JOIN queue_job_locks l ON l.id = j.id");
    }
    return SELECT.formatted("'no_lock_table'", "");
  }
}
