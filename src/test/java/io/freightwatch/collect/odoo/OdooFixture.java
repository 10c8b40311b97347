package io.freightwatch.collect.odoo;

import io.freightwatch.collect.postgres.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;

/** Writes Odoo rows into a test tenant database, with naive UTC dates as Odoo stores them. */
final class OdooFixture {

  private final TestPostgres server;
  private final String database;

  OdooFixture(TestPostgres server, String database) {
    this.server = server;
    this.database = database;
  }

  /** Inserts an {@code ir_module_module} row. */
  OdooFixture module(String name, String state, String latestVersion) throws SQLException {
    server.execute(
        database,
        "INSERT INTO ir_module_module (name, state, latest_version) VALUES (?, ?, ?)",
        name,
        state,
        latestVersion);
    return this;
  }

  /** Inserts one {@code queue_job} row; {@code started} and {@code eta} may be null. */
  OdooFixture job(
      String channel,
      String state,
      LocalDateTime created,
      LocalDateTime started,
      LocalDateTime eta,
      int retry)
      throws SQLException {
    server.execute(
        database,
        "INSERT INTO queue_job (uuid, channel, state, date_created, date_started, eta, retry,"
            + " max_retries) VALUES (gen_random_uuid()::text, ?, ?, ?, ?, ?, ?, 5)",
        channel,
        state,
        created,
        started,
        eta,
        retry);
    return this;
  }

  /**
   * Inserts a queue where dead workers left jobs started and enqueued, with dates relative to
   * {@code now}. Channel root.edi: jobs started 10,198 s, 10,197 s and 10,195 s ago, one enqueued
   * job, 120 pending created from 10,080 s ago every 83 s, 2 waiting for dependencies, 2 failed,
   * plus 40 done and 3 cancelled. Channel root.reporting: one job started 2,400 s ago.
   */
  OdooFixture starvedEdiQueue(LocalDateTime now) throws SQLException {
    job("root.edi", "started", now.minusSeconds(10_800), now.minusSeconds(10_198), null, 1);
    job("root.edi", "started", now.minusSeconds(10_800), now.minusSeconds(10_197), null, 1);
    job("root.edi", "started", now.minusSeconds(10_800), now.minusSeconds(10_195), null, 1);
    job("root.edi", "enqueued", now.minusSeconds(10_800), null, null, 0);
    job("root.reporting", "started", now.minusSeconds(2_460), now.minusSeconds(2_400), null, 1);
    sql(
        "INSERT INTO queue_job (uuid, channel, state, date_created, retry, max_retries)"
            + " SELECT 'p' || g, 'root.edi', 'pending', ? + (g - 1) * interval '83 seconds', 0, 5"
            + " FROM generate_series(1, 120) AS g",
        now.minusSeconds(10_080));
    sql(
        "INSERT INTO queue_job (uuid, channel, state, date_created, date_done, retry)"
            + " SELECT 'd' || g, 'root.edi', 'done', ?, ?, 1 FROM generate_series(1, 40) AS g",
        now.minusDays(2),
        now.minusDays(1));
    for (int i = 0; i < 3; i++) {
      job("root.edi", "cancelled", now.minusDays(3), null, null, 0);
    }
    for (int i = 0; i < 2; i++) {
      job("root.edi", "wait_dependencies", now.minusSeconds(600), null, null, 0);
      job("root.edi", "failed", now.minusSeconds(900), now.minusSeconds(890), null, 1);
    }
    return this;
  }

  /**
   * Inserts the queue of a tenant whose killed workers left jobs started and enqueued, with the
   * rows and dates of a real incident whose "now" was 2025-03-10 10:00:00 UTC, then shifts every
   * date by the same amount so that this "now" becomes {@code now}. Ages computed against the
   * server's clock thus equal the incident's ages plus the seconds elapsed since {@code now}.
   */
  OdooFixture deadWorkerIncident(LocalDateTime now) throws SQLException {
    sql(
        """
        INSERT INTO queue_job (id, uuid, name, channel, state, date_created, date_enqueued,
                               date_started, retry, max_retries, worker_pid, company_id) VALUES
         (1, 'a1', 'Import EDI order batch 1', 'root.edi', 'started', '2025-03-10 07:00:00',
          '2025-03-10 07:10:01', '2025-03-10 07:10:02', 1, 5, 4242, 1),
         (2, 'a2', 'Import EDI order batch 2', 'root.edi', 'started', '2025-03-10 07:00:00',
          '2025-03-10 07:10:02', '2025-03-10 07:10:03', 1, 5, 4242, 1),
         (3, 'a3', 'Import EDI order batch 3', 'root.edi', 'started', '2025-03-10 07:00:00',
          '2025-03-10 07:10:04', '2025-03-10 07:10:05', 1, 5, 4243, 1),
         (4, 'a4', 'Import EDI order batch 4', 'root.edi', 'enqueued', '2025-03-10 07:00:00',
          '2025-03-10 07:11:00', NULL, 0, 5, NULL, 1),
         (5, 'a5', 'Monthly carrier invoice reconciliation', 'root.reporting', 'started',
          '2025-03-10 09:19:00', '2025-03-10 09:19:58', '2025-03-10 09:20:00', 1, 5, 5150, 1)
        """);
    sql(
        """
        INSERT INTO queue_job (id, uuid, name, channel, state, date_created, retry, max_retries,
                               company_id)
        SELECT 100 + g, 'p' || g, 'Import EDI order batch ' || (g + 4), 'root.edi', 'pending',
               timestamp '2025-03-10 07:12:00' + (g - 1) * interval '83 seconds', 0, 5, 1
        FROM generate_series(1, 120) g
        """);
    sql(
        """
        UPDATE queue_job
        SET date_created = date_created + (?::timestamp - timestamp '2025-03-10 10:00:00'),
            date_enqueued = date_enqueued + (?::timestamp - timestamp '2025-03-10 10:00:00'),
            date_started = date_started + (?::timestamp - timestamp '2025-03-10 10:00:00')
        """,
        now,
        now,
        now);
    return sql("SELECT setval('queue_job_id_seq', 220)");
  }

  /** Runs {@code sql} on the tenant database. */
  OdooFixture sql(String sql, Object... parameters) throws SQLException {
    server.execute(database, sql, parameters);
    return this;
  }

  /** Returns the server's current UTC time, truncated to the second, as a naive date-time. */
  LocalDateTime serverUtcNow() throws SQLException {
    try (Connection admin = server.admin(database);
        Statement statement = admin.createStatement();
        ResultSet row =
            statement.executeQuery("SELECT date_trunc('second', now() AT TIME ZONE 'UTC')")) {
      row.next();
      return row.getObject(1, LocalDateTime.class);
    }
  }
}
