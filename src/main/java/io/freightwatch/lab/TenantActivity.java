package io.freightwatch.lab;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One tick of a tenant's business, written as Odoo 17 would write it. Sales orders arrive as an EDI
 * exchange record plus an import job, dispatch advices leave as export jobs, and receipts and
 * deliveries move through their states. Each delivery done gets a carrier-label job and a delivery
 * note mail, which the mail queue sends 20 seconds later, and due crons get a new nextcall. Runs on a workload thread with its own connection, one call per transaction.
 */
final class TenantActivity {

  static final String ORDER_IMPORT_CHANNEL = "root.edi.order_import";
  static final String EXPORT_CHANNEL = "root.edi.export";
  static final String CARRIER_CHANNEL = "root.carrier";

  /** Odoo's own datetimes: naive UTC, whole seconds (fields.Datetime.now()). */
  static final String NOW_UTC = "date_trunc('second', now() AT TIME ZONE 'UTC')";

  private static final String INSERT_EXCHANGE_AND_JOB =
      withNow(
          """
          WITH record AS (
            INSERT INTO edi_exchange_record (id, identifier, external_identifier, type_id,
                backend_id, model, exchange_filename, edi_exchange_state, company_id,
                create_uid, create_date, write_uid, write_date)
            SELECT n, 'EDI/' || to_char(:now, 'YYYY') || '/' || lpad(n::text, 6, '0'),
                ? || n, t.id, t.backend_id, ?, ? || n || '.edi', ?, 1, 2, :now, 2, :now
            FROM (SELECT nextval('edi_exchange_record_id_seq') AS n) s, edi_exchange_type t
            WHERE t.code = ?
            RETURNING id, identifier)
          INSERT INTO queue_job (uuid, user_id, company_id, name, model_name, method_name,
              records, args, kwargs, func_string, state, priority, date_created, retry,
              max_retries, channel_method_name, channel, identity_key)
          SELECT gen_random_uuid()::text, 2, 1, ? || record.identifier, ?, ?,
              '{"_type": "odoo_recordset", "model": "' || ? || '", "ids": [' || record.id
                  || '], "uid": 2, "su": false}',
              '[]', '{}', ? || '(' || record.id || ',).' || ? || '()', 'pending', 10, :now, 0,
              5, '<' || ? || '>.' || ?, ?, record.identifier
          FROM record
          """);

  private static final String INSERT_PICKING =
      withNow(
          """
          INSERT INTO stock_picking (id, name, origin, move_type, state, priority,
              scheduled_date, date_deadline, date, location_id, location_dest_id, picking_type_id, partner_id,
              company_id, user_id, is_locked, printed, carrier_id, create_uid, create_date,
              write_uid, write_date)
          SELECT n, 'WH/' || pt.sequence_code || '/' || lpad(n::text, 5, '0'),
              ? || lpad(n::text, 5, '0'), 'direct', ?, '0', :now + interval '2 hours',
              CASE WHEN pt.code = 'outgoing' THEN :now + interval '1 day' END, :now,
              pt.default_location_src_id, pt.default_location_dest_id, pt.id, 10 + n % 40, 1, 2,
              true, false, CASE WHEN pt.code = 'outgoing' THEN 1 END, 2, :now, 2, :now
          FROM (SELECT nextval('stock_picking_id_seq') AS n) s, stock_picking_type pt
          WHERE pt.code = ?
          """);

  // Pickings wait a while in each state, so each tenant keeps a steady open backlog of about
  // (rate x minimum age) pickings: about 30 deliveries and 12 receipts at the default rates.
  private static final String ADVANCE_PICKINGS =
      withNow(
          """
          UPDATE stock_picking SET state = ?, write_date = :now
          WHERE id IN (
            SELECT id FROM stock_picking
            WHERE state = ? AND write_date <= :now - interval '20 seconds'
            ORDER BY id LIMIT ?)
          """);

  private static final String FINISH_PICKINGS =
      withNow(
          """
          UPDATE stock_picking SET state = 'done', date_done = :now, write_date = :now
          WHERE id IN (
            SELECT p.id FROM stock_picking p
            JOIN stock_picking_type pt ON pt.id = p.picking_type_id
            WHERE p.state = 'assigned' AND pt.code = ?
              AND p.create_date <= :now - interval '60 seconds'
            ORDER BY p.id LIMIT ?)
          RETURNING id, name
          """);

  private static final String INSERT_LABEL_JOB =
      withNow(
          """
          INSERT INTO queue_job (uuid, user_id, company_id, name, model_name, method_name,
              records, args, kwargs, func_string, state, priority, date_created, retry,
              max_retries, channel_method_name, channel, identity_key)
          VALUES (gen_random_uuid()::text, 2, 1, ?, 'stock.picking', 'send_to_shipper', ?,
              '[]', '{}', ?, 'pending', 10, :now, 0, ?, '<stock.picking>.send_to_shipper',
              'root.carrier', ?)
          """);

  // A delivery note per validated delivery, queued as Odoo's mail composer queues it.
  private static final String QUEUE_DELIVERY_NOTE =
      withNow(
          """
          WITH message AS (
            INSERT INTO mail_message (subject, date, email_from, model, res_id, message_type,
                create_uid, create_date, write_uid, write_date)
            VALUES (? || ' delivered', :now, 'warehouse@example.com', 'stock.picking', ?,
                'email_outgoing', 2, :now, 2, :now)
            RETURNING id)
          INSERT INTO mail_mail (mail_message_id, body_html, email_to, state, auto_delete,
              is_notification, create_uid, create_date, write_uid, write_date)
          SELECT id, '<p>Your order has left our warehouse.</p>', 'customer@example.com',
              'outgoing', true, false, 2, :now, 2, :now
          FROM message
          """);

  // The mail queue cron sends due mails. Sent mails with auto_delete are deleted together with
  // their message, as Odoo deletes a sent notification.
  private static final String SEND_DUE_MAILS =
      withNow(
          """
          WITH sent AS (
            DELETE FROM mail_mail
            WHERE state = 'outgoing' AND auto_delete
              AND create_date <= :now - interval '20 seconds'
            RETURNING mail_message_id)
          DELETE FROM mail_message WHERE id IN (SELECT mail_message_id FROM sent)
          """);

  // The interval columns hold Odoo's units (minutes, hours, days, weeks, months), which
  // PostgreSQL's interval input also accepts.
  private static final String RUN_DUE_CRONS =
      withNow(
          """
          UPDATE ir_cron
          SET lastcall = :now,
              nextcall = :now + (interval_number || ' ' || interval_type)::interval,
              write_date = :now
          WHERE active AND nextcall <= (now() AT TIME ZONE 'UTC')
          """);

  private final String tenant;
  private final TickRate orders;
  private final TickRate exports;
  private final TickRate deliveries;
  private final TickRate receipts;
  private final TickRate deliveriesDone;
  private final TickRate receiptsDone;

  TenantActivity(String tenant, LogisticsWorkload.Rates rates) {
    this.tenant = tenant;
    this.orders = new TickRate(rates.ordersPerSecond());
    this.exports = new TickRate(rates.exportsPerSecond());
    this.deliveries = new TickRate(rates.deliveriesPerSecond());
    this.receipts = new TickRate(rates.receiptsPerSecond());
    this.deliveriesDone = new TickRate(rates.deliveriesPerSecond());
    this.receiptsDone = new TickRate(rates.receiptsPerSecond());
  }

  /** Writes one tick of {@code tickSeconds} in one transaction. */
  void tick(Connection connection, double tickSeconds) throws SQLException {
    importOrders(connection, orders.take(tickSeconds));
    exportDispatchAdvices(connection, exports.take(tickSeconds));
    createPickings(connection, TenantSeed.DELIVERY, "S", "confirmed", deliveries.take(tickSeconds));
    createPickings(connection, TenantSeed.RECEIPT, "P", "draft", receipts.take(tickSeconds));
    advance(connection, "draft", "confirmed", 2);
    advance(connection, "confirmed", "assigned", 2);
    finish(connection, TenantSeed.RECEIPT, receiptsDone.take(tickSeconds));
    for (String[] picking :
        finish(connection, TenantSeed.DELIVERY, deliveriesDone.take(tickSeconds))) {
      createLabelJob(connection, Integer.parseInt(picking[0]), picking[1]);
      queueDeliveryNote(connection, Integer.parseInt(picking[0]), picking[1]);
    }
    try (PreparedStatement send = connection.prepareStatement(SEND_DUE_MAILS)) {
      send.executeUpdate();
    }
    try (PreparedStatement crons = connection.prepareStatement(RUN_DUE_CRONS)) {
      crons.executeUpdate();
    }
  }

  private void importOrders(Connection connection, int count) throws SQLException {
    for (int i = 0; i < count; i++) {
      insertExchangeAndJob(
          connection,
          new String[] {"ORDERS-", "sale.order", "ORDERS_", "input_received"},
          LogisticsWorkload.ORDER_IMPORT_TYPE,
          new String[] {
            "Import EDI order ", "sale.order", "import_edi_order", ORDER_IMPORT_CHANNEL
          });
    }
  }

  private void exportDispatchAdvices(Connection connection, int count) throws SQLException {
    for (int i = 0; i < count; i++) {
      insertExchangeAndJob(
          connection,
          new String[] {"DESADV-", "stock.picking", "DESADV_", "output_pending"},
          LogisticsWorkload.DISPATCH_EXPORT_TYPE,
          new String[] {
            "Send dispatch advice ", "edi.exchange.record", "action_exchange_send", EXPORT_CHANNEL
          });
    }
  }

  /**
   * @param record external identifier prefix, business model, file name prefix, initial state
   * @param job job name prefix, model, method, channel
   */
  private static void insertExchangeAndJob(
      Connection connection, String[] record, String exchangeType, String[] job)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT_EXCHANGE_AND_JOB)) {
      int p = 1;
      insert.setString(p++, record[0]);
      insert.setString(p++, record[1]);
      insert.setString(p++, record[2]);
      insert.setString(p++, record[3]);
      insert.setString(p++, exchangeType);
      insert.setString(p++, job[0]);
      insert.setString(p++, job[1]);
      insert.setString(p++, job[2]);
      insert.setString(p++, job[1]);
      insert.setString(p++, job[1]);
      insert.setString(p++, job[2]);
      insert.setString(p++, job[1]);
      insert.setString(p++, job[2]);
      insert.setString(p, job[3]);
      insert.executeUpdate();
    }
  }

  private static void createPickings(
      Connection connection, String code, String originPrefix, String state, int count)
      throws SQLException {
    if (count == 0) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT_PICKING)) {
      for (int i = 0; i < count; i++) {
        insert.setString(1, originPrefix);
        insert.setString(2, state);
        insert.setString(3, code);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static void advance(Connection connection, String from, String to, int limit)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(ADVANCE_PICKINGS)) {
      update.setString(1, to);
      update.setString(2, from);
      update.setInt(3, limit);
      update.executeUpdate();
    }
  }

  private static List<String[]> finish(Connection connection, String code, int limit)
      throws SQLException {
    List<String[]> done = new ArrayList<>();
    if (limit == 0) {
      return done;
    }
    try (PreparedStatement update = connection.prepareStatement(FINISH_PICKINGS)) {
      update.setString(1, code);
      update.setInt(2, limit);
      try (ResultSet rows = update.executeQuery()) {
        while (rows.next()) {
          done.add(new String[] {Integer.toString(rows.getInt(1)), rows.getString(2)});
        }
      }
    }
    return done;
  }

  private void createLabelJob(Connection connection, int pickingId, String pickingName)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT_LABEL_JOB)) {
      insert.setString(1, "Send " + pickingName + " to " + LogisticsWorkload.carrierOf(tenant));
      insert.setString(
          2,
          "{\"_type\": \"odoo_recordset\", \"model\": \"stock.picking\", \"ids\": ["
              + pickingId
              + "], \"uid\": 2, \"su\": false}");
      insert.setString(3, "stock.picking(" + pickingId + ",).send_to_shipper()");
      insert.setInt(4, Faults.CARRIER_MAX_RETRIES);
      insert.setString(5, pickingName);
      insert.executeUpdate();
    }
  }

  private static void queueDeliveryNote(Connection connection, int pickingId, String pickingName)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(QUEUE_DELIVERY_NOTE)) {
      insert.setString(1, pickingName);
      insert.setInt(2, pickingId);
      insert.executeUpdate();
    }
  }

  /** Replaces each {@code :now} in {@code sql} with {@link #NOW_UTC}. */
  static String withNow(String sql) {
    return sql.replace(":now", NOW_UTC);
  }
}
