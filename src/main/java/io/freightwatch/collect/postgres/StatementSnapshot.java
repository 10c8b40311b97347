package io.freightwatch.collect.postgres;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One reading of {@code pg_stat_statements} and {@code pg_stat_statements_info}.
 *
 * @param observedAt the server's {@code now()} when the rows were read
 * @param rows every entry with a query id
 * @param deallocations {@code pg_stat_statements_info.dealloc} (14+): entries evicted so far
 * @param statsReset {@code pg_stat_statements_info.stats_reset} (14+): the last full reset
 */
record StatementSnapshot(
    Instant observedAt,
    List<StatementRow> rows,
    OptionalLong deallocations,
    Optional<Instant> statsReset) {

  StatementSnapshot {
    Objects.requireNonNull(observedAt, "observedAt");
    rows = List.copyOf(rows);
    Objects.requireNonNull(deallocations, "deallocations");
    Objects.requireNonNull(statsReset, "statsReset");
  }
}
