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
   * Inserts an {@code ir_cron} row of Odoo 17 (unlimited numbercall) and returns its id.
   *
   * @param nextcall the next planned run, naive UTC
   */
  int cron(String name, boolean active, LocalDateTime nextcall) throws SQLException {
    try (Connection admin = server.admin(database);
        java.sql.PreparedStatement insert =
            admin.prepareStatement(
                "INSERT INTO ir_cron (ir_actions_server_id, cron_name, user_id, active,"
                    + " interval_number, interval_type, numbercall, doall, nextcall, priority)"
                    + " VALUES (1, ?, 1, ?, 1, 'hours', -1, false, ?, 5) RETURNING id")) {
      insert.setString(1, name);
      insert.setBoolean(2, active);
      insert.setObject(3, nextcall);
      try (ResultSet row = insert.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    }
  }

  /** Inserts an {@code ir_cron_trigger} row asking for a run of {@code cronId} at {@code callAt}. */
  OdooFixture trigger(int cronId, LocalDateTime callAt) throws SQLException {
    return sql("INSERT INTO ir_cron_trigger (cron_id, call_at) VALUES (?, ?)", cronId, callAt);
  }

  /**
   * Inserts one {@code mail_mail} row with its {@code mail_message}.
   *
   * @param scheduled the scheduled sending time, naive UTC; null to send at once
   */
  OdooFixture mail(String state, LocalDateTime created, LocalDateTime scheduled)
      throws SQLException {
    return sql(
        "WITH message AS (INSERT INTO mail_message (message_type, subject, create_date)"
            + " VALUES ('email', 'Order confirmation', ?) RETURNING id)"
            + " INSERT INTO mail_mail (mail_message_id, state, create_date, scheduled_date,"
            + " auto_delete) SELECT id, ?, ?, ?, true FROM message",
        created,
        state,
        created,
        scheduled);
  }

  /**
   * Inserts warehouse WH with operation types of code incoming, outgoing and internal, and a
   * company-level type of code mrp_operation without a warehouse.
   */
  OdooFixture stockWarehouse() throws SQLException {
    sql(
        "INSERT INTO stock_warehouse (name, company_id, view_location_id, lot_stock_id, code,"
            + " reception_steps, delivery_steps, active) VALUES ('Main Warehouse', 1, 7, 8, 'WH',"
            + " 'one_step', 'ship_only', true)");
    return sql(
        "INSERT INTO stock_picking_type (name, sequence_code, code, warehouse_id, active,"
            + " company_id, reservation_method, create_backorder) VALUES"
            + " ('{\"en_US\": \"Receipts\"}', 'IN', 'incoming', 1, true, 1, 'at_confirm', 'ask'),"
            + " ('{\"en_US\": \"Delivery Orders\"}', 'OUT', 'outgoing', 1, true, 1, 'at_confirm',"
            + " 'ask'),"
            + " ('{\"en_US\": \"Pick\"}', 'PICK', 'internal', 1, true, 1, 'at_confirm', 'ask'),"
            + " ('{\"en_US\": \"Manufacturing\"}', 'MO', 'mrp_operation', NULL, true, 1,"
            + " 'at_confirm', 'ask')");
  }

  /**
   * Inserts one {@code stock_picking} of the operation type with {@code typeCode}.
   *
   * @param deadline the promised date, naive UTC; null for none
   */
  OdooFixture picking(
      String typeCode, String state, LocalDateTime scheduled, LocalDateTime deadline)
      throws SQLException {
    return sql(
        "INSERT INTO stock_picking (name, move_type, state, scheduled_date, date_deadline,"
            + " location_id, location_dest_id, picking_type_id, company_id)"
            + " SELECT 'WH/' || pt.sequence_code || '/' || nextval('stock_picking_id_seq'),"
            + " 'direct', ?, ?, ?, 8, 5, pt.id, 1 FROM stock_picking_type pt WHERE pt.code = ?",
        state,
        scheduled,
        deadline,
        typeCode);
  }

  /**
   * Inserts EDI backends 1 "DHL EDI" and 2 "Retail partners" of backend type 1, exchange type 1
   * {@code desadv_export} (output) of backend 1, and type 2 {@code orders_import} (input) without
   * a backend, which serves both.
   */
  OdooFixture ediBackends() throws SQLException {
    sql(
        "INSERT INTO edi_backend (id, name, backend_type_id, active) VALUES"
            + " (1, 'DHL EDI', 1, true), (2, 'Retail partners', 1, true)");
    return sql(
        "INSERT INTO edi_exchange_type (id, backend_id, backend_type_id, name, code, direction,"
            + " active) VALUES (1, 1, 1, 'Despatch advice', 'desadv_export', 'output', true),"
            + " (2, NULL, 1, 'Orders', 'orders_import', 'input', true)");
  }

  /**
   * Inserts one {@code edi_exchange_record} with {@code id}, created and written at {@code
   * written}.
   */
  OdooFixture exchange(int id, int backendId, int typeId, String state, LocalDateTime written)
      throws SQLException {
    return sql(
        "INSERT INTO edi_exchange_record (id, identifier, type_id, backend_id,"
            + " edi_exchange_state, create_date, write_date) VALUES (?, 'EDI/' || ?::text, ?, ?,"
            + " ?, ?, ?)",
        id,
        id,
        typeId,
        backendId,
        state,
        written,
        written);
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
