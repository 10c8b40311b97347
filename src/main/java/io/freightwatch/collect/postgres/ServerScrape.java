package io.freightwatch.collect.postgres;

import io.freightwatch.config.PostgresTarget;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL server's scrape on one session: the role and replication lag first, then the
 * other query families, one statement each (two for pg_stat_statements). A failure of the role
 * query fails the scrape. Any other family that fails, for example pg_stat_statements that is not
 * installed or a view the role may not read, is reported as {@value #QUERY_UP} 0 with one log line
 * per change of its error, and the other families still report.
 *
 * <p>Holds the state that turns cumulative counters into intervals. Runs on the worker pool; calls
 * are serialized by the lock, because a scrape that outlived its timeout may still be running when
 * the next one starts.
 */
final class ServerScrape {

  static final String QUERY_UP = "freightwatch_postgres_query_up";

  /** Time after which the pg_stat_statements columns are probed again, in case of an upgrade. */
  static final Duration PROBE_AGAIN_AFTER = Duration.ofMinutes(10);

  private static final Logger LOG = LoggerFactory.getLogger(ServerScrape.class);

  private final PostgresTarget target;
  private final Labels server;
  private final ReplicationSignals replication = new ReplicationSignals();
  private final DatabaseSignals databases = new DatabaseSignals();
  private final StatementDeltas statementDeltas = new StatementDeltas();
  private final StatementSignals statements = new StatementSignals();
  private final Map<String, String> lastErrors = new HashMap<>();
  private RecoveryStatus previousStatus;
  private Instant lastSizesAt = Instant.MIN;
  private Optional<StatementStatsQuery.Layout> layout = Optional.empty();
  private Instant probedAt = Instant.MIN;
  private Instant statementsReadAt;
  private List<Sample> lastStatementSamples = List.of();

  ServerScrape(PostgresTarget target, Labels server) {
    this.target = target;
    this.server = server;
  }

  synchronized List<Sample> run(Connection connection) throws SQLException {
    RecoveryStatus status = RecoveryStatusQuery.read(connection);
    List<StandbyRow> standbys = status.inRecovery() ? List.of() : StandbyQuery.read(connection);
    List<Sample> out =
        new ArrayList<>(ReplicationLag.samples(server, status, standbys, previousStatus));
    previousStatus = status;

    optional("replication_slots", out, () -> {
      List<ReplicationSlotsQuery.Slot> slots = ReplicationSlotsQuery.read(connection);
      if (status.inRecovery()) {
        replication.replicaSamples(server, slots, out);
      } else {
        replication.primarySamples(server, standbys, slots, out);
      }
    });
    optional("activity", out,
        () -> ActivitySignals.addSamples(server, ActivityQuery.read(connection), out));
    optional("databases", out, () -> readDatabases(connection, status.observedAt(), out));
    optional("archiver", out, () -> ArchiverQuery.addSamples(
        server, ArchiverQuery.read(connection), status.inRecovery(), out));
    optional("statements", out, () -> readStatements(connection, status.observedAt(), out));
    return out;
  }

  private void readDatabases(Connection connection, Instant now, List<Sample> out)
      throws SQLException {
    boolean sizesDue = !now.isBefore(lastSizesAt.plus(target.sizeInterval()));
    List<DatabaseStatsQuery.DatabaseRow> rows = DatabaseStatsQuery.read(connection, sizesDue);
    OptionalLong walBytes = OptionalLong.empty();
    if (sizesDue) {
      lastSizesAt = now;
      try {
        walBytes = OptionalLong.of(DatabaseStatsQuery.walBytes(connection));
      } catch (SQLException denied) {
        logChange("wal_size", denied);
      }
    }
    databases.addSamples(server, rows, walBytes, target.volumeSizeBytes(), out);
  }

  /**
   * Adds the top statements. pg_stat_statements is read only once per statements interval: its
   * reading is the costliest statement of a scrape on a busy server, and the scrapes between two
   * readings repeat the latest numbers, which cover the whole interval between the readings.
   */
  private void readStatements(Connection connection, Instant now, List<Sample> out)
      throws SQLException {
    // Half a scrape interval early, so that scrapes a little early do not push the reading to the
    // scrape after.
    Duration due = target.statementsInterval().minus(target.interval().dividedBy(2));
    if (statementsReadAt != null && now.isBefore(statementsReadAt.plus(due))) {
      out.addAll(lastStatementSamples);
      return;
    }
    int start = out.size();
    readStatementsNow(connection, now, out);
    statementsReadAt = now;
    lastStatementSamples = List.copyOf(out.subList(start, out.size()));
  }

  private void readStatementsNow(Connection connection, Instant now, List<Sample> out)
      throws SQLException {
    if (layout.isEmpty() || !now.isBefore(probedAt.plus(PROBE_AGAIN_AFTER))) {
      layout = StatementStatsQuery.probe(connection);
      probedAt = now;
    }
    if (layout.isEmpty()) {
      out.add(Sample.gauge(StatementSignals.AVAILABLE,
          "1 when pg_stat_statements can be read in the target's database", 0, server));
      return;
    }
    StatementSnapshot snapshot;
    try {
      snapshot = StatementStatsQuery.read(connection, layout.get());
    } catch (SQLException changed) {
      // The extension may have been updated or dropped since the probe: probe again next time.
      probedAt = Instant.MIN;
      throw changed;
    }
    out.add(Sample.gauge(StatementSignals.AVAILABLE,
        "1 when pg_stat_statements can be read in the target's database", 1, server));
    Optional<StatementDeltas.StatementInterval> interval = statementDeltas.update(snapshot);
    if (interval.isEmpty()) {
      return;
    }
    Set<StatementStatsQuery.TextKey> missing =
        statements.missingTexts(interval.get(), target.statementsTop());
    statements.addTexts(StatementStatsQuery.texts(connection, layout.get(), missing));
    statements.addSamples(server, interval.get(), target.statementsTop(), out);
  }

  private void optional(String query, List<Sample> out, QueryFamily family) {
    Labels labels = server.with("query", query);
    try {
      family.run();
      out.add(Sample.gauge(QUERY_UP, "1 when the query family succeeded in the latest scrape", 1,
          labels));
      if (lastErrors.remove(query) != null) {
        LOG.info("postgres query recovered target={} query={}", target.name(), query);
      }
    } catch (SQLException | RuntimeException failure) {
      out.add(Sample.gauge(QUERY_UP, "1 when the query family succeeded in the latest scrape", 0,
          labels));
      logChange(query, failure);
    }
  }

  private void logChange(String query, Exception failure) {
    String message = String.valueOf(failure.getMessage());
    if (!message.equals(lastErrors.put(query, message))) {
      LOG.warn("postgres query failed target={} query={} error=\"{}\"", target.name(), query,
          message);
    }
  }

  @FunctionalInterface
  private interface QueryFamily {
    void run() throws SQLException;
  }
}
