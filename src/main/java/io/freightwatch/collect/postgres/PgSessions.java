package io.freightwatch.collect.postgres;

import io.freightwatch.config.PostgresTarget;
import io.vertx.core.Context;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-only JDBC sessions to the PostgreSQL servers of every target, under one cap on open
 * connections shared by all targets and databases.
 *
 * <p>Each session is opened with {@code ApplicationName=freightwatch} and autocommit, and then set
 * to {@code default_transaction_read_only=on}, the target's {@code statement_timeout}, a {@code
 * lock_timeout} of at most one second and {@code TimeZone=UTC}. Connect, login and socket timeouts
 * bound every network call of the driver.
 *
 * <p>A connection holds a permit while it is open, idle or in use. Idle connections are kept for
 * reuse by the same target and database, checked with {@link Connection#isValid} before use, and
 * closed after the idle timeout or after any error. When the cap is reached and another database
 * needs a connection, the idle connection released last is closed to free its permit. Targets are
 * scraped in a fixed cycle, so the database used last is the one needed again last. With more
 * databases than the cap, most idle connections are then reused every cycle. Closing the least
 * recently used one instead would reconnect to every database. When no connection is idle, the
 * caller waits for a permit up to its own deadline. So many tenant databases never hold more
 * connections than the cap.
 *
 * <p>Thread safety: every method may be called from any thread. Connecting and querying block, so
 * {@link #withConnection} rejects calls from a Vert.x event-loop thread: call it inside {@code
 * ScrapeContext.blocking}.
 */
public final class PgSessions implements AutoCloseable {

  public static final int DEFAULT_MAX_CONNECTIONS = 8;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(2);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Value of {@code application_name}, which identifies the agent in {@code pg_stat_activity}. */
  public static final String APPLICATION_NAME = "freightwatch";

  // A plain SELECT waits for a lock only behind DDL, such as an Odoo module upgrade altering a
  // table. Failing within a second names that cause instead of running into statement_timeout.
  private static final Duration MAX_LOCK_TIMEOUT = Duration.ofSeconds(1);

  private static final String SESSION_SETTINGS =
      "SELECT set_config('default_transaction_read_only', 'on', false),"
          + " set_config('statement_timeout', ?, false),"
          + " set_config('lock_timeout', ?, false),"
          + " set_config('TimeZone', 'UTC', false)";

  private static final String MIN_SERVER_VERSION = "10";

  private static final Logger LOG = LoggerFactory.getLogger(PgSessions.class);

  private final int maxConnections;
  private final Duration idleTimeout;
  private final Duration connectTimeout;
  private final Driver driver = new Driver();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition permitFreed = lock.newCondition();

  // Guarded by lock. Idle sessions are ordered by the time they were released, oldest first.
  private final ArrayDeque<IdleSession> idle = new ArrayDeque<>();
  private int open;
  private boolean closed;

  /** Creates sessions with {@link #DEFAULT_MAX_CONNECTIONS} and the default timeouts. */
  public PgSessions() {
    this(DEFAULT_MAX_CONNECTIONS);
  }

  /** Creates sessions capped at {@code maxConnections}, with the default timeouts. */
  public PgSessions(int maxConnections) {
    this(maxConnections, DEFAULT_IDLE_TIMEOUT, DEFAULT_CONNECT_TIMEOUT);
  }

  /**
   * @param maxConnections most connections open at once over all targets and databases, at least 1
   * @param idleTimeout how long an unused connection is kept for reuse
   * @param connectTimeout limit of the TCP connect, rounded up to whole seconds as the driver takes
   *     them. Each read of the login exchange is bounded by the statement timeout plus this.
   */
  public PgSessions(int maxConnections, Duration idleTimeout, Duration connectTimeout) {
    if (maxConnections < 1) {
      throw new IllegalArgumentException(
          "maxConnections: got " + maxConnections + "; expected at least 1");
    }
    this.maxConnections = maxConnections;
    this.idleTimeout = requirePositive(idleTimeout, "idleTimeout");
    this.connectTimeout = requirePositive(connectTimeout, "connectTimeout");
  }

  /**
   * Runs {@code work} on a session to {@code database} of {@code target} and returns its result.
   * The session goes back to the idle set when {@code work} succeeds and is closed when it throws.
   *
   * @param maxWait how long to wait for a permit when all connections are in use
   * @throws SQLTransientConnectionException when no permit was freed within {@code maxWait}
   * @throws SQLException when connecting or {@code work} failed
   * @throws IllegalStateException when called on an event-loop thread or after {@link #close()}
   */
  public <T> T withConnection(
      PostgresTarget target, String database, Duration maxWait, SqlWork<T> work)
      throws SQLException {
    Objects.requireNonNull(work, "work");
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException(
          "PgSessions.withConnection blocks and was called on an event-loop thread;"
              + " run it inside ScrapeContext.blocking");
    }
    SessionKey key = new SessionKey(target, database);
    Connection connection = obtain(key, System.nanoTime() + maxWait.toNanos(), maxWait);
    boolean succeeded = false;
    try {
      T result = work.run(connection);
      succeeded = true;
      return result;
    } finally {
      if (succeeded) {
        release(key, connection);
      } else {
        discard(key, connection);
      }
    }
  }

  /** Returns the current number of open and idle connections. */
  public Usage usage() {
    lock.lock();
    try {
      return new Usage(open, idle.size(), maxConnections);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Closes the idle connections now and the ones in use when their work ends. Later calls to {@link
   * #withConnection} fail with {@link IllegalStateException}.
   */
  @Override
  public void close() {
    List<Connection> toClose = new ArrayList<>();
    lock.lock();
    try {
      closed = true;
      for (IdleSession session : idle) {
        toClose.add(session.connection());
      }
      open -= idle.size();
      idle.clear();
      permitFreed.signalAll();
    } finally {
      lock.unlock();
    }
    toClose.forEach(PgSessions::closeQuietly);
  }

  private Connection obtain(SessionKey key, long deadlineNanos, Duration maxWait)
      throws SQLException {
    while (true) {
      Lease lease = acquire(key, deadlineNanos, maxWait);
      if (lease.reused() == null) {
        return openNew(key);
      }
      if (isUsable(lease.reused())) {
        return lease.reused();
      }
      LOG.debug("postgres session failed validation; target={} database={}", key.name(), key.db());
      discard(key, lease.reused());
    }
  }

  /** Takes an idle session of {@code key} or a permit for a new one, waiting up to the deadline. */
  private Lease acquire(SessionKey key, long deadlineNanos, Duration maxWait) throws SQLException {
    List<Connection> toClose = new ArrayList<>();
    lock.lock();
    try {
      while (true) {
        if (closed) {
          throw new IllegalStateException("PgSessions is closed; no new sessions are opened");
        }
        removeExpired(toClose);
        IdleSession reusable = takeIdle(key);
        if (reusable != null) {
          return new Lease(reusable.connection());
        }
        if (open < maxConnections) {
          open++;
          return new Lease(null);
        }
        IdleSession mostRecent = idle.pollLast();
        if (mostRecent != null) {
          // The permit of the evicted connection passes to the new one, so open stays the same.
          toClose.add(mostRecent.connection());
          LOG.debug(
              "postgres session evicted; target={} database={} for_database={}",
              mostRecent.key().name(),
              mostRecent.key().db(),
              key.db());
          return new Lease(null);
        }
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
          throw new SQLTransientConnectionException(
              "no PostgreSQL connection free for target "
                  + key.name()
                  + " database "
                  + key.db()
                  + " within "
                  + maxWait
                  + ": all "
                  + maxConnections
                  + " connections of the agent are in use; raise the connection cap or"
                  + " lengthen the scrape intervals",
              "08001");
        }
        try {
          permitFreed.awaitNanos(remaining);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new SQLTransientConnectionException(
              "interrupted while waiting for a PostgreSQL connection for target " + key.name(),
              "08001",
              interrupted);
        }
      }
    } finally {
      lock.unlock();
      toClose.forEach(PgSessions::closeQuietly);
    }
  }

  private IdleSession takeIdle(SessionKey key) {
    Iterator<IdleSession> newestFirst = idle.descendingIterator();
    while (newestFirst.hasNext()) {
      IdleSession session = newestFirst.next();
      if (session.key().equals(key)) {
        newestFirst.remove();
        return session;
      }
    }
    return null;
  }

  // NOTE: idle connections expire only when some caller uses the sessions. After the last scrape
  // they stay open until close(), and a timer calling removeExpired would fix this.
  private void removeExpired(List<Connection> toClose) {
    long now = System.nanoTime();
    while (!idle.isEmpty() && now - idle.peekFirst().idleSinceNanos() > idleTimeout.toNanos()) {
      toClose.add(idle.pollFirst().connection());
      open--;
    }
  }

  private Connection openNew(SessionKey key) throws SQLException {
    PostgresTarget target = key.target();
    Connection connection = null;
    try {
      connection = driver.connect(target.jdbcUrl(key.db()), connectionProperties(target));
      if (connection == null) {
        throw new SQLException("the PostgreSQL driver rejected the URL of target " + key.name());
      }
      connection.setAutoCommit(true);
      applySessionSettings(connection, target);
      LOG.debug("postgres session opened; target={} database={}", key.name(), key.db());
      return connection;
    } catch (SQLException | RuntimeException failure) {
      if (connection != null) {
        closeQuietly(connection);
      }
      freePermit();
      throw failure;
    }
  }

  private Properties connectionProperties(PostgresTarget target) {
    Properties properties = new Properties();
    properties.setProperty("user", target.user());
    if (!target.password().isEmpty()) {
      properties.setProperty("password", target.password().reveal());
    }
    properties.setProperty("ApplicationName", APPLICATION_NAME);
    properties.setProperty("connectTimeout", Long.toString(wholeSeconds(connectTimeout)));
    // A positive loginTimeout makes pgjdbc start one thread per connection attempt and wait for
    // it. With more tenant databases than the cap every scrape reconnects, so that thread was a
    // cost of every scrape. Without it, connectTimeout bounds the TCP connect and socketTimeout
    // bounds each read of the TLS and login exchange.
    properties.setProperty("loginTimeout", "0");
    // The socket timeout only catches a server or network that stopped responding. It is longer
    // than statement_timeout, which ends slow queries with a clear error first.
    Duration socketTimeout = target.statementTimeout().plus(connectTimeout);
    properties.setProperty("socketTimeout", Long.toString(wholeSeconds(socketTimeout)));
    properties.setProperty("tcpKeepAlive", "true");
    // Sends application_name and extra_float_digits in the startup packet instead of two SET
    // statements after login. Every server the collectors support is 10 or newer.
    properties.setProperty("assumeMinServerVersion", MIN_SERVER_VERSION);
    return properties;
  }

  // Set with one statement after login rather than through the startup "options" parameter:
  // an "options" entry in the target's URL would replace that parameter and silently drop the
  // read-only setting.
  private static void applySessionSettings(Connection connection, PostgresTarget target)
      throws SQLException {
    Duration lockTimeout =
        target.statementTimeout().compareTo(MAX_LOCK_TIMEOUT) < 0
            ? target.statementTimeout()
            : MAX_LOCK_TIMEOUT;
    try (PreparedStatement statement = connection.prepareStatement(SESSION_SETTINGS)) {
      statement.setString(1, target.statementTimeout().toMillis() + "ms");
      statement.setString(2, lockTimeout.toMillis() + "ms");
      statement.execute();
    }
  }

  private boolean isUsable(Connection connection) {
    try {
      return connection.isValid((int) wholeSeconds(connectTimeout));
    } catch (SQLException invalid) {
      return false;
    }
  }

  private void release(SessionKey key, Connection connection) {
    lock.lock();
    try {
      if (!closed) {
        idle.addLast(new IdleSession(key, connection, System.nanoTime()));
        permitFreed.signalAll();
        return;
      }
    } finally {
      lock.unlock();
    }
    closeQuietly(connection);
    freePermit();
  }

  private void discard(SessionKey key, Connection connection) {
    LOG.debug(
        "postgres session closed after an error; target={} database={}", key.name(), key.db());
    closeQuietly(connection);
    freePermit();
  }

  private void freePermit() {
    lock.lock();
    try {
      open--;
      permitFreed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException failure) {
      LOG.debug("postgres session close failed; error={}", failure.getMessage());
    }
  }

  private static long wholeSeconds(Duration duration) {
    return Math.max(1, (duration.toMillis() + 999) / 1000);
  }

  private static Duration requirePositive(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(
          name + ": got " + duration + "; expected a positive duration");
    }
    return duration;
  }

  /** JDBC work run on a session; it must not change autocommit or session settings. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Snapshot of the connection count.
   *
   * @param open connections open now, idle or in use
   * @param idle open connections waiting for reuse
   * @param maxConnections the cap
   */
  public record Usage(int open, int idle, int maxConnections) {}

  private record SessionKey(PostgresTarget target, String db) {
    SessionKey {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(db, "database");
    }

    String name() {
      return target.name();
    }
  }

  private record IdleSession(SessionKey key, Connection connection, long idleSinceNanos) {}

  /** A reused idle connection, or null when the caller holds a permit to open a new one. */
  private record Lease(Connection reused) {}
}
