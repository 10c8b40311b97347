package io.freightwatch.collect.odoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.freightwatch.collect.postgres.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The high-water mark over queue_job tables shaped as Odoo 17 creates them (odoo-schema.sql), since
 * Odoo itself cannot run here. Rows are written as the job runner writes them: state changes in
 * place, ids from the table's sequence.
 */
class FinishedJobTrackerIT {

  private static TestPostgres server;

  @BeforeAll
  static void start() {
    server = TestPostgres.connectOrSkip();
  }

  @AfterAll
  static void stop() throws SQLException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void firstPollReplaysNoHistory() throws Exception {
    String database = server.createOdooDatabase("queue_tracker_first");
    insertDone(database, "root.edi", 50);
    FinishedJobTracker tracker = new FinishedJobTracker();

    List<FinishedJob> first = poll(database, tracker);
    List<FinishedJob> second = poll(database, tracker);

    assertThat(first).isEmpty();
    assertThat(second).isEmpty();
    assertThat(tracker.mark()).isEqualTo(50);
  }

  @Test
  void countsRowsFinishedAboveMark() throws Exception {
    String database = server.createOdooDatabase("queue_tracker_new");
    insertDone(database, "root.edi", 5);
    FinishedJobTracker tracker = new FinishedJobTracker();
    poll(database, tracker);
    server.execute(
        database,
        """
        INSERT INTO queue_job (uuid, channel, state, model_name, method_name, date_created,
                               date_enqueued, date_started, date_done, retry, max_retries)
        VALUES ('n1', 'root.carrier', 'done', 'stock.picking', 'send_to_shipper',
                timestamp '2025-03-10 10:00:00', timestamp '2025-03-10 10:00:40',
                timestamp '2025-03-10 10:00:45', timestamp '2025-03-10 10:01:05', 1, 5)
        """);
    server.execute(
        database,
        """
        INSERT INTO queue_job (uuid, channel, state, model_name, method_name, exc_name,
                               date_created, date_started, retry, max_retries)
        VALUES ('n2', 'root.carrier', 'failed', 'stock.picking', 'send_to_shipper',
                'odoo.addons.queue_job.exception.RetryableJobError',
                timestamp '2025-03-10 10:00:00', timestamp '2025-03-10 10:00:45', 5, 5)
        """);

    List<FinishedJob> finished = poll(database, tracker);

    assertThat(finished).extracting(FinishedJob::state).containsExactly("done", "failed");
    FinishedJob done = finished.get(0);
    assertThat(done.channel()).isEqualTo("root.carrier");
    assertThat(done.model()).isEqualTo("stock.picking");
    assertThat(done.method()).isEqualTo("send_to_shipper");
    assertThat(done.waitSeconds()).isCloseTo(5, within(1e-9));
    assertThat(done.runSeconds()).isCloseTo(20, within(1e-9));
    assertThat(done.completionSeconds()).isCloseTo(65, within(1e-9));
    FinishedJob failed = finished.get(1);
    assertThat(failed.exception())
        .isEqualTo("odoo.addons.queue_job.exception.RetryableJobError");
    assertThat(failed.hasExhaustedRetries()).isTrue();
    assertThat(poll(database, tracker)).isEmpty();
  }

  @Test
  void countsJobOpenAtMarkWhenItFinishes() throws Exception {
    String database = server.createOdooDatabase("queue_tracker_open");
    server.execute(
        database,
        "INSERT INTO queue_job (uuid, channel, state, date_created) VALUES"
            + " ('o1', 'root.edi', 'pending', now() AT TIME ZONE 'UTC'),"
            + " ('o2', 'root.edi', 'started', now() AT TIME ZONE 'UTC'),"
            + " ('o3', 'root.edi', 'pending', now() AT TIME ZONE 'UTC')");
    insertDone(database, "root.edi", 3);
    FinishedJobTracker tracker = new FinishedJobTracker();
    poll(database, tracker);
    server.execute(
        database,
        "UPDATE queue_job SET state = 'done', date_done = now() AT TIME ZONE 'UTC'"
            + " WHERE uuid = 'o2'");
    server.execute(
        database,
        "UPDATE queue_job SET state = 'failed', exc_info = ? WHERE uuid = 'o3'",
        "Traceback (most recent call last):\n  File \"job.py\", line 3, in perform\n"
            + "odoo.exceptions.UserError: No carrier account\n");
    server.execute(database, "UPDATE queue_job SET state = 'cancelled' WHERE uuid = 'o1'");

    List<FinishedJob> finished = poll(database, tracker);
    List<FinishedJob> again = poll(database, tracker);

    assertThat(finished).extracting(FinishedJob::id).containsExactly(2L, 3L);
    assertThat(finished.get(1).exception()).isEqualTo("odoo.exceptions.UserError");
    assertThat(again).isEmpty();
    assertThat(tracker.openJobs()).isZero();
  }

  @Test
  void restoredDatabaseResetsMark() throws Exception {
    String database = server.createOdooDatabase("queue_tracker_restore");
    insertDone(database, "root.edi", 20);
    FinishedJobTracker tracker = new FinishedJobTracker();
    poll(database, tracker);
    server.execute(database, "TRUNCATE queue_job RESTART IDENTITY CASCADE");
    insertDone(database, "root.edi", 4);

    List<FinishedJob> afterRestore = poll(database, tracker);
    insertDone(database, "root.edi", 2);
    List<FinishedJob> next = poll(database, tracker);

    assertThat(afterRestore).isEmpty();
    assertThat(next).extracting(FinishedJob::id).containsExactly(5L, 6L);
  }

  @Test
  void countsRowCommittedBelowMarkLater() throws Exception {
    String database = server.createOdooDatabase("queue_tracker_gap");
    insertDone(database, "root.edi", 2);
    FinishedJobTracker tracker = new FinishedJobTracker();
    poll(database, tracker);
    // A transaction took id 3 from the sequence but commits after id 4 is read.
    long lateId = nextId(database);
    insertDone(database, "root.edi", 1);
    List<FinishedJob> beforeCommit = poll(database, tracker);
    server.execute(
        database,
        "INSERT INTO queue_job (id, uuid, channel, state, date_created, date_done)"
            + " VALUES (?, 'late', 'root.edi', 'done', now() AT TIME ZONE 'UTC',"
            + " now() AT TIME ZONE 'UTC')",
        lateId);

    List<FinishedJob> afterCommit = poll(database, tracker);

    assertThat(beforeCommit).extracting(FinishedJob::id).containsExactly(4L);
    assertThat(afterCommit).extracting(FinishedJob::id).containsExactly(lateId);
  }

  @Test
  void readsAboveMarkByPrimaryKey() throws Exception {
    String database = server.createOdooDatabase("queue_tracker_plan");
    insertDone(database, "root.edi", 20_000);
    server.execute(database, "ANALYZE queue_job");

    String plan = explain(database, FinishedJobTracker.ABOVE_MARK.replaceFirst("\\?", "19990")
        .replaceFirst("\\?", Integer.toString(FinishedJobTracker.BATCH)));

    assertThat(plan).contains("queue_job_pkey").doesNotContain("Seq Scan");
  }

  private static List<FinishedJob> poll(String database, FinishedJobTracker tracker)
      throws SQLException {
    try (Connection connection = server.admin(database)) {
      connection.setReadOnly(true);
      return tracker.poll(connection, "acme");
    }
  }

  private static void insertDone(String database, String channel, int count) throws SQLException {
    server.execute(
        database,
        "INSERT INTO queue_job (uuid, channel, state, date_created, date_started, date_done)"
            + " SELECT 'd' || g, ?, 'done', now() AT TIME ZONE 'UTC',"
            + " now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'"
            + " FROM generate_series(1, ?) AS g",
        channel,
        count);
  }

  private static long nextId(String database) throws SQLException {
    try (Connection connection = server.admin(database);
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT nextval('queue_job_id_seq')")) {
      row.next();
      return row.getLong(1);
    }
  }

  private static String explain(String database, String sql) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (Connection connection = server.admin(database);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("EXPLAIN " + sql)) {
      while (rows.next()) {
        plan.append(rows.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }
}
