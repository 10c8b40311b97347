package io.freightwatch.lab;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The OCA queue_job runner and its Odoo workers, reduced to the row changes they make. Runnable
 * pending jobs become enqueued (date_enqueued) within each channel's capacity. Enqueued jobs start
 * (date_started, worker_pid, retry + 1). Jobs that have run for a second end as done (date_done,
 * exec_time), unless an active fault makes them fail. One call is one transaction, so every
 * statement of a tick uses the same now().
 */
final class SimulatedJobRunner {

  /** Channel capacities, as {@code [queue_job] channels} would configure them. */
  static final Map<String, Integer> CAPACITIES = capacities();

  private static final String CARRIER_RETRY =
      sql(
          """
          UPDATE queue_job
          SET state = 'pending', eta = :now + make_interval(secs => ?), exc_name = ?,
              exc_message = ?, exc_info = ?, date_enqueued = NULL, date_started = NULL,
              worker_pid = NULL
          WHERE :finished AND channel = 'root.carrier'
            AND (coalesce(max_retries, 0) = 0 OR retry < max_retries)
          """);

  private static final String CARRIER_GIVE_UP =
      sql(
          """
          UPDATE queue_job SET state = 'failed', exc_name = ?, exc_message = ?, exc_info = ?
          WHERE :finished AND channel = 'root.carrier'
            AND max_retries > 0 AND retry >= max_retries
          """);

  private static final String ORDER_IMPORT_FAIL =
      sql(
          """
          UPDATE queue_job SET state = 'failed', exc_name = ?, exc_message = ?, exc_info = ?
          WHERE :finished AND channel = 'root.edi.order_import'
          RETURNING identity_key
          """);

  private static final String SUCCEED =
      sql(
          """
          UPDATE queue_job
          SET state = 'done', date_done = :now,
              exec_time = extract(epoch FROM :exact_now - date_started),
              exc_name = NULL, exc_message = NULL, exc_info = NULL
          WHERE :finished
          RETURNING channel, identity_key
          """);

  private static final String EXCHANGE_STATE =
      sql(
          """
          UPDATE edi_exchange_record
          SET edi_exchange_state = ?, exchange_error = ?,
              exchanged_on = CASE WHEN ? THEN :now ELSE exchanged_on END, write_date = :now
          WHERE identifier = ANY (?)
          """);

  private static final String TRACKING_REFS =
      sql(
          """
          UPDATE stock_picking
          SET carrier_tracking_ref = 'TRK' || lpad(id::text, 10, '0'), write_date = :now
          WHERE name = ANY (?) AND carrier_tracking_ref IS NULL
          """);

  private static final String START_ENQUEUED =
      sql(
          """
          UPDATE queue_job
          SET state = 'started', date_started = :now, retry = coalesce(retry, 0) + 1,
              worker_pid = ? + id % 4
          WHERE state = 'enqueued'
          """);

  private static final String ENQUEUE_RUNNABLE =
      sql(
          """
          WITH capacity (channel, slots) AS (VALUES :capacities),
          running AS (
            SELECT channel, count(*) AS jobs FROM queue_job
            WHERE state IN ('enqueued', 'started') GROUP BY channel),
          runnable AS (
            SELECT id, channel,
                row_number() OVER (PARTITION BY channel ORDER BY priority, date_created, id)
                    AS position
            FROM queue_job
            WHERE state = 'pending' AND (eta IS NULL OR eta <= :exact_now))
          UPDATE queue_job q SET state = 'enqueued', date_enqueued = :now
          FROM runnable r
          JOIN capacity c ON c.channel = r.channel
          LEFT JOIN running ON running.channel = r.channel
          WHERE q.id = r.id AND r.position <= c.slots - coalesce(running.jobs, 0)
          """);

  private final String tenant;
  private final int workerPidBase;
  private final Faults faults;

  SimulatedJobRunner(String tenant, int workerPidBase, Faults faults) {
    this.tenant = tenant;
    this.workerPidBase = workerPidBase;
    this.faults = faults;
  }

  /** Runs one tick in one transaction; the caller commits. */
  void tick(Connection connection) throws SQLException {
    if (faults.isCarrierOutage(tenant)) {
      failCarrierAttempts(connection);
    }
    if (faults.hasOrderFeedErrors(tenant)) {
      failOrderImports(connection);
    }
    succeed(connection);
    try (PreparedStatement start = connection.prepareStatement(START_ENQUEUED)) {
      start.setInt(1, workerPidBase);
      start.executeUpdate();
    }
    try (PreparedStatement enqueue = connection.prepareStatement(ENQUEUE_RUNNABLE)) {
      enqueue.executeUpdate();
    }
  }

  /**
   * Runs the last tick of a runner whose workers are then killed: it starts every enqueued job and
   * fills each channel's free slots with started jobs, and nothing finishes them. Those jobs stay
   * started, holding their channel's slots, as queue_job leaves the jobs of a killed Odoo worker.
   * One call is one transaction; the caller commits.
   */
  void strandJobs(Connection connection) throws SQLException {
    try (PreparedStatement start = connection.prepareStatement(START_ENQUEUED)) {
      start.setInt(1, workerPidBase);
      start.executeUpdate();
    }
    try (PreparedStatement enqueue = connection.prepareStatement(ENQUEUE_RUNNABLE)) {
      enqueue.executeUpdate();
    }
    try (PreparedStatement start = connection.prepareStatement(START_ENQUEUED)) {
      start.setInt(1, workerPidBase);
      start.executeUpdate();
    }
  }

  private void failCarrierAttempts(Connection connection) throws SQLException {
    String carrier = LogisticsWorkload.carrierOf(tenant);
    String message = carrier + " label API unavailable: 503 Service Unavailable";
    long failed;
    try (PreparedStatement retry = connection.prepareStatement(CARRIER_RETRY)) {
      retry.setLong(1, Faults.CARRIER_RETRY_DELAY.toSeconds());
      retry.setString(2, Faults.RETRYABLE_JOB_ERROR);
      retry.setString(3, message);
      retry.setString(4, traceback(Faults.RETRYABLE_JOB_ERROR, message));
      failed = retry.executeUpdate();
    }
    try (PreparedStatement giveUp = connection.prepareStatement(CARRIER_GIVE_UP)) {
      String exhausted = "Max. retries (" + Faults.CARRIER_MAX_RETRIES + ") reached: " + message;
      giveUp.setString(1, Faults.FAILED_JOB_ERROR);
      giveUp.setString(2, exhausted);
      giveUp.setString(3, traceback(Faults.FAILED_JOB_ERROR, exhausted));
      failed += giveUp.executeUpdate();
    }
    faults.countCarrierFailures(tenant, failed);
  }

  private void failOrderImports(Connection connection) throws SQLException {
    String message = "EDI order rejected: unknown buyer GLN in the NAD+BY segment";
    List<String> identifiers = new ArrayList<>();
    try (PreparedStatement fail = connection.prepareStatement(ORDER_IMPORT_FAIL)) {
      fail.setString(1, Faults.USER_ERROR);
      fail.setString(2, message);
      fail.setString(3, traceback(Faults.USER_ERROR, message));
      try (ResultSet rows = fail.executeQuery()) {
        while (rows.next()) {
          identifiers.add(rows.getString(1));
        }
      }
    }
    setExchangeState(connection, identifiers, "input_processed_error", message, false);
    faults.countOrderImportFailures(tenant, identifiers.size());
  }

  private void succeed(Connection connection) throws SQLException {
    List<String> imported = new ArrayList<>();
    List<String> exported = new ArrayList<>();
    List<String> labelled = new ArrayList<>();
    try (PreparedStatement succeed = connection.prepareStatement(SUCCEED);
        ResultSet rows = succeed.executeQuery()) {
      while (rows.next()) {
        String channel = rows.getString(1);
        String key = rows.getString(2);
        if (TenantActivity.ORDER_IMPORT_CHANNEL.equals(channel)) {
          imported.add(key);
        } else if (TenantActivity.EXPORT_CHANNEL.equals(channel)) {
          exported.add(key);
        } else if (TenantActivity.CARRIER_CHANNEL.equals(channel)) {
          labelled.add(key);
        }
      }
    }
    setExchangeState(connection, imported, "input_processed", null, false);
    setExchangeState(connection, exported, "output_sent", null, true);
    if (!labelled.isEmpty()) {
      try (PreparedStatement refs = connection.prepareStatement(TRACKING_REFS)) {
        refs.setArray(1, connection.createArrayOf("varchar", labelled.toArray()));
        refs.executeUpdate();
      }
    }
  }

  private static void setExchangeState(
      Connection connection, List<String> identifiers, String state, String error, boolean sent)
      throws SQLException {
    if (identifiers.isEmpty()) {
      return;
    }
    try (PreparedStatement update = connection.prepareStatement(EXCHANGE_STATE)) {
      update.setString(1, state);
      update.setString(2, error);
      update.setBoolean(3, sent);
      Array array = connection.createArrayOf("varchar", identifiers.toArray());
      update.setArray(4, array);
      update.executeUpdate();
    }
  }

  private static String traceback(String exceptionClass, String message) {
    return "Traceback (most recent call last):\n"
        + "  File \"/opt/odoo/addons/queue_job/controllers/main.py\", line 128, in runjob\n"
        + "    self._try_perform_job(env, job)\n"
        + exceptionClass
        + ": "
        + message
        + "\n";
  }

  private static Map<String, Integer> capacities() {
    Map<String, Integer> capacities = new LinkedHashMap<>();
    capacities.put("root", 2);
    capacities.put("root.carrier", 3);
    capacities.put("root.edi", 2);
    capacities.put(TenantActivity.ORDER_IMPORT_CHANNEL, 3);
    capacities.put(TenantActivity.EXPORT_CHANNEL, 2);
    capacities.put("root.mail", 1);
    return Map.copyOf(capacities);
  }

  /**
   * Fills in the placeholders: {@code :finished} (a started job that has run for a second), {@code
   * :exact_now} (naive UTC with microseconds), {@code :now} (naive UTC in whole seconds, as Odoo
   * stores it) and {@code :capacities}.
   */
  private static String sql(String text) {
    String filled =
        text.replace(
                ":finished",
                "state = 'started' AND date_started <= :exact_now - interval '1 second'")
            .replace(":exact_now", "(now() AT TIME ZONE 'UTC')")
            .replace(":capacities", capacityValues());
    return TenantActivity.withNow(filled);
  }

  private static String capacityValues() {
    return CAPACITIES.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(entry -> "('" + entry.getKey() + "', " + entry.getValue() + ")")
        .collect(Collectors.joining(", "));
  }
}
