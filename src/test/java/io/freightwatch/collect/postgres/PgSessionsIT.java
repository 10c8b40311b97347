package io.freightwatch.collect.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.freightwatch.config.PostgresTarget;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PgSessionsIT {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private static TestPostgres server;
  private static List<String> databases;

  @BeforeAll
  static void createDatabases() throws SQLException {
    server = TestPostgres.connectOrSkip();
    databases = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      databases.add(server.createDatabase("sessions"));
    }
  }

  @AfterAll
  static void dropDatabases() throws SQLException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void sessionIsReadOnlyUtcAndNamed() throws SQLException {
    TimeZone jvmZone = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo"));
    try (PgSessions sessions = new PgSessions(1)) {
      PostgresTarget target = server.target("pg", databases.get(0), Duration.ofMillis(1500));

      List<String> settings =
          sessions.withConnection(
              target,
              databases.get(0),
              WAIT,
              connection ->
                  List.of(
                      show(connection, "default_transaction_read_only"),
                      show(connection, "TimeZone"),
                      show(connection, "application_name"),
                      show(connection, "statement_timeout"),
                      show(connection, "lock_timeout"),
                      String.valueOf(connection.getAutoCommit())));

      assertThat(settings).containsExactly("on", "UTC", "freightwatch", "1500ms", "1s", "true");
    } finally {
      TimeZone.setDefault(jvmZone);
    }
  }

  @Test
  void writesAreRejectedAsReadOnly() {
    try (PgSessions sessions = new PgSessions(1)) {
      PostgresTarget target = server.target("pg", databases.get(0), Duration.ofSeconds(5));

      assertThatThrownBy(
              () ->
                  sessions.withConnection(
                      target,
                      databases.get(0),
                      WAIT,
                      connection -> execute(connection, "CREATE TABLE written (id int)")))
          .isInstanceOf(SQLException.class)
          .extracting(failure -> ((SQLException) failure).getSQLState())
          .isEqualTo("25006");
    }
  }

  @Test
  void statementTimeoutEndsSlowQuery() {
    try (PgSessions sessions = new PgSessions(1)) {
      PostgresTarget target = server.target("pg", databases.get(0), Duration.ofMillis(200));
      long started = System.nanoTime();

      assertThatThrownBy(
              () ->
                  sessions.withConnection(
                      target,
                      databases.get(0),
                      WAIT,
                      connection -> execute(connection, "SELECT pg_sleep(5)")))
          .isInstanceOf(SQLException.class)
          .extracting(failure -> ((SQLException) failure).getSQLState())
          .isEqualTo("57014");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    }
  }

  @Test
  void idleSessionIsReused() throws SQLException {
    try (PgSessions sessions = new PgSessions(2)) {
      PostgresTarget target = server.target("pg", databases.get(0), Duration.ofSeconds(5));

      int first = sessions.withConnection(target, databases.get(0), WAIT, PgSessionsIT::backendPid);
      int second =
          sessions.withConnection(target, databases.get(0), WAIT, PgSessionsIT::backendPid);

      assertThat(second).isEqualTo(first);
      assertThat(sessions.usage()).isEqualTo(new PgSessions.Usage(1, 1, 2));
    }
  }

  @Test
  void failedWorkClosesSession() throws SQLException {
    try (PgSessions sessions = new PgSessions(2)) {
      PostgresTarget target = server.target("pg", databases.get(0), Duration.ofSeconds(5));
      int first = sessions.withConnection(target, databases.get(0), WAIT, PgSessionsIT::backendPid);

      assertThatThrownBy(
              () ->
                  sessions.withConnection(
                      target,
                      databases.get(0),
                      WAIT,
                      connection -> execute(connection, "SELECT * FROM missing_table")))
          .isInstanceOf(SQLException.class);
      int afterFailure =
          sessions.withConnection(target, databases.get(0), WAIT, PgSessionsIT::backendPid);

      assertThat(afterFailure).isNotEqualTo(first);
      assertThat(sessions.usage().open()).isEqualTo(1);
    }
  }

  @Test
  void evictsDatabaseReleasedLast() throws SQLException {
    try (PgSessions sessions = new PgSessions(2)) {
      for (String database : databases.subList(0, 3)) {
        PostgresTarget target = server.target("pg", database, Duration.ofSeconds(5));
        sessions.withConnection(target, database, WAIT, PgSessionsIT::backendPid);
      }

      assertThat(sessions.usage()).isEqualTo(new PgSessions.Usage(2, 2, 2));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(server.agentSessions(databases.get(1))).isZero());
      assertThat(server.agentSessions(databases.get(0))).isEqualTo(1);
      assertThat(server.agentSessions(databases.get(2))).isEqualTo(1);
    }
  }

  @Test
  void cyclicScrapesReuseAllButOneConnection() throws SQLException {
    // Five databases scraped in a fixed order under a cap of three, as tenant scrapes run every
    // interval.
    int cap = 3;
    try (PgSessions sessions = new PgSessions(cap)) {
      Map<String, Integer> lastPid = new HashMap<>();
      int reconnects = 0;
      for (int round = 0; round < 4; round++) {
        for (String database : databases) {
          PostgresTarget target = server.target("pg", database, Duration.ofSeconds(5));
          int pid = sessions.withConnection(target, database, WAIT, PgSessionsIT::backendPid);
          if (round > 0 && !Integer.valueOf(pid).equals(lastPid.get(database))) {
            reconnects++;
          }
          lastPid.put(database, pid);
        }
      }

      // Rounds 1 to 3 reconnect 2, 2 and 3 times; closing the least recently used connection
      // would reconnect 5 times a round.
      assertThat(reconnects).isEqualTo(7);
      assertThat(sessions.usage().open()).isEqualTo(cap);
    }
  }

  @Test
  void capHoldsWithMoreDatabasesThanPermits() throws Exception {
    int cap = 2;
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    AtomicInteger maxOnServer = new AtomicInteger();
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService callers = Executors.newFixedThreadPool(databases.size() + 1);
    try (PgSessions sessions = new PgSessions(cap)) {
      Future<?> watcher = callers.submit(() -> watchServer(maxOnServer, done));
      List<Future<Integer>> calls = new ArrayList<>();
      for (int round = 0; round < 2; round++) {
        for (String database : databases) {
          PostgresTarget target = server.target("pg", database, Duration.ofSeconds(5));
          calls.add(
              callers.submit(
                  () ->
                      sessions.withConnection(
                          target,
                          database,
                          Duration.ofSeconds(30),
                          connection -> {
                            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                            execute(connection, "SELECT pg_sleep(0.2)");
                            running.decrementAndGet();
                            return backendPid(connection);
                          })));
        }
      }
      for (Future<Integer> call : calls) {
        call.get(60, TimeUnit.SECONDS);
      }
      done.set(true);
      watcher.get(10, TimeUnit.SECONDS);

      assertThat(maxRunning.get()).isEqualTo(cap);
      // A backend whose session was just closed for another database stays in pg_stat_activity
      // until it has processed the terminate message, so the server can briefly list one more.
      assertThat(maxOnServer.get()).isBetween(1, cap + 1);
      assertThat(sessions.usage().open()).isLessThanOrEqualTo(cap);
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void waitForPermitEndsAtDeadline() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    ExecutorService holder = Executors.newSingleThreadExecutor();
    try (PgSessions sessions = new PgSessions(1)) {
      PostgresTarget first = server.target("pg", databases.get(0), Duration.ofSeconds(5));
      PostgresTarget second = server.target("pg2", databases.get(1), Duration.ofSeconds(5));
      Future<Integer> held =
          holder.submit(
              () ->
                  sessions.withConnection(
                      first,
                      databases.get(0),
                      WAIT,
                      connection -> {
                        holding.countDown();
                        try {
                          finish.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException interrupted) {
                          Thread.currentThread().interrupt();
                        }
                        return 1;
                      }));
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

      assertThatThrownBy(
              () ->
                  sessions.withConnection(
                      second, databases.get(1), Duration.ofMillis(200), PgSessionsIT::backendPid))
          .isInstanceOf(SQLTransientConnectionException.class)
          .hasMessage(
              "no PostgreSQL connection free for target pg2 database "
                  + databases.get(1)
                  + " within PT0.2S: all 1 connections of the agent are in use;"
                  + " raise the connection cap or lengthen the scrape intervals");
      finish.countDown();
      assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    } finally {
      finish.countDown();
      holder.shutdownNow();
    }
  }

  @Test
  void waitingCallerGetsFreedPermit() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    ExecutorService holder = Executors.newSingleThreadExecutor();
    try (PgSessions sessions = new PgSessions(1)) {
      PostgresTarget first = server.target("pg", databases.get(0), Duration.ofSeconds(5));
      PostgresTarget second = server.target("pg2", databases.get(1), Duration.ofSeconds(5));
      Future<Integer> held =
          holder.submit(
              () ->
                  sessions.withConnection(
                      first,
                      databases.get(0),
                      WAIT,
                      connection -> {
                        holding.countDown();
                        execute(connection, "SELECT pg_sleep(0.3)");
                        return 1;
                      }));
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

      int pid = sessions.withConnection(second, databases.get(1), WAIT, PgSessionsIT::backendPid);

      assertThat(pid).isPositive();
      assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(sessions.usage()).isEqualTo(new PgSessions.Usage(1, 1, 1));
    } finally {
      holder.shutdownNow();
    }
  }

  private static Void watchServer(AtomicInteger maxOnServer, AtomicBoolean done)
      throws SQLException, InterruptedException {
    while (!done.get()) {
      int total = 0;
      for (String database : databases) {
        total += server.agentSessions(database);
      }
      maxOnServer.accumulateAndGet(total, Math::max);
      Thread.sleep(20);
    }
    return null;
  }

  private static String show(Connection connection, String setting) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SHOW " + setting)) {
      row.next();
      return row.getString(1);
    }
  }

  private static Integer execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
      return 0;
    }
  }

  private static int backendPid(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
      row.next();
      return row.getInt(1);
    }
  }
}
