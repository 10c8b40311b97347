package io.freightwatch.collect.postgres;

import io.freightwatch.collect.Collector;
import io.freightwatch.collect.ScrapeContext;
import io.freightwatch.collect.TargetId;
import io.freightwatch.config.PostgresTarget;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Scrapes one PostgreSQL server: its role and replication lag, seen from the primary through {@code
 * pg_stat_replication} and from a replica through its receive and replay positions, replication
 * slots, connections, long transactions and lock waits, per-database activity and sizes, WAL
 * archiving and the top statements of {@code pg_stat_statements}. See {@link ServerScrape}.
 *
 * <p>The role is read again at every scrape, because a replica can be promoted at any time. Series
 * carry the labels {@code cluster} and {@code instance}; lag series add {@code observed_from}
 * ({@code primary} or {@code replica}) and, on the primary, {@code standby}. The role needs {@code
 * pg_monitor} to see {@code pg_stat_replication} and {@code pg_stat_wal_receiver} in full; without
 * it the standby count and receiver state are omitted, not reported as zero.
 */
public final class PostgresCollector implements Collector {

  private final PostgresTarget target;
  private final PgSessions sessions;
  private final TargetId id;
  private final ServerScrape server;

  /**
   * @param target the server to scrape, through its maintenance database
   * @param sessions the agent's shared sessions; this collector does not close them
   */
  public PostgresCollector(PostgresTarget target, PgSessions sessions) {
    this.target = Objects.requireNonNull(target, "target");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.id = new TargetId("postgres", target.name());
    this.server =
        new ServerScrape(target, Labels.of("cluster", target.cluster(), "instance", target.name()));
  }

  @Override
  public TargetId target() {
    return id;
  }

  @Override
  public Duration interval() {
    return target.interval();
  }

  /**
   * Reads the server on the worker pool. Waiting for a connection permit may take up to half the
   * scrape timeout, which leaves the other half for the queries.
   */
  @Override
  public Future<List<Sample>> scrape(ScrapeContext context) {
    Duration permitWait = context.timeout().dividedBy(2);
    return context
        .blocking(
            () -> sessions.withConnection(target, target.database(), permitWait, server::run))
        .recover(
            failure ->
                Future.failedFuture(
                    PgScrapeFailures.describe(
                        target, target.database(), context.timeout(), failure)));
  }

}
