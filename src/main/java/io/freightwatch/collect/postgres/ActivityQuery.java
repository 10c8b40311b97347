package io.freightwatch.collect.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the connection limits and one row per client backend of {@code pg_stat_activity} in one
 * statement. Query text is fetched only for sessions in a transaction older than {@value
 * #TEXT_AFTER_SECONDS} s and for sessions that block another one, so a server with hundreds of
 * idle Odoo connections sends little text.
 *
 * <p>{@code reserved_connections} exists from PostgreSQL 16 on; {@code current_setting(name,
 * true)} returns NULL on older servers instead of failing.
 */
final class ActivityQuery {

  static final int TEXT_AFTER_SECONDS = 5;

  static final String SQL =
      """
      WITH blockers AS (
        SELECT DISTINCT unnest(pg_blocking_pids(w.pid)) AS pid
        FROM pg_stat_activity AS w
        WHERE w.wait_event_type = 'Lock'
      )
      SELECT current_setting('max_connections')::int AS max_connections,
             current_setting('superuser_reserved_connections')::int AS superuser_reserved,
             coalesce(current_setting('reserved_connections', true)::int, 0) AS reserved,
             a.pid,
             a.datname,
             a.application_name,
             a.state,
             extract(epoch FROM clock.now - a.xact_start) AS transaction_seconds,
             extract(epoch FROM clock.now - a.state_change) AS state_seconds,
             coalesce(a.wait_event_type = 'Lock', false) AS waiting_on_lock,
             CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid) END AS blocked_by,
             CASE WHEN a.xact_start < clock.now - make_interval(secs => %d)
                    OR a.pid IN (SELECT pid FROM blockers)
                  THEN left(a.query, 2048) END AS query
      FROM (SELECT now() AS now) AS clock
      LEFT JOIN pg_stat_activity AS a ON a.backend_type = 'client backend'
      """
          .formatted(TEXT_AFTER_SECONDS);

  private ActivityQuery() {}

  static Activity read(Connection connection) throws SQLException {
    List<Session> sessions = new ArrayList<>();
    int maxConnections = 0;
    int superuserReserved = 0;
    int reserved = 0;
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(SQL)) {
      while (row.next()) {
        maxConnections = row.getInt("max_connections");
        superuserReserved = row.getInt("superuser_reserved");
        reserved = row.getInt("reserved");
        int pid = row.getInt("pid");
        if (row.wasNull()) {
          continue;
        }
        sessions.add(
            new Session(
                pid,
                row.getString("datname"),
                row.getString("application_name"),
                row.getString("state"),
                StandbyQuery.nullableDouble(row, "transaction_seconds"),
                StandbyQuery.nullableDouble(row, "state_seconds"),
                row.getBoolean("waiting_on_lock"),
                pids(row.getArray("blocked_by")),
                row.getString("query")));
      }
    }
    return new Activity(maxConnections, superuserReserved, reserved, sessions);
  }

  private static List<Integer> pids(Array array) throws SQLException {
    if (array == null) {
      return List.of();
    }
    List<Integer> pids = new ArrayList<>();
    for (Object pid : (Object[]) array.getArray()) {
      pids.add(((Number) pid).intValue());
    }
    return pids;
  }

  /**
   * Limits and sessions of one server.
   *
   * @param reserved {@code reserved_connections}, 0 before PostgreSQL 16
   */
  record Activity(int maxConnections, int superuserReserved, int reserved, List<Session> sessions) {
    Activity {
      sessions = List.copyOf(sessions);
    }
  }

  /**
   * One client backend.
   *
   * @param database null for sessions not bound to a database
   * @param state null when the role may not see it (no pg_read_all_stats)
   * @param transactionSeconds age of the open transaction, null outside a transaction
   * @param stateSeconds time since the state last changed
   * @param blockedBy pids that hold the lock this session waits for
   * @param query raw text, present only for long transactions and blockers; redact before use
   */
  record Session(
      int pid,
      String database,
      String applicationName,
      String state,
      Double transactionSeconds,
      Double stateSeconds,
      boolean waitingOnLock,
      List<Integer> blockedBy,
      String query) {
    Session {
      blockedBy = List.copyOf(blockedBy);
    }
  }
}
