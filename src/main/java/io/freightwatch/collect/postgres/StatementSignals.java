package io.freightwatch.collect.postgres;

import io.freightwatch.collect.postgres.StatementDeltas.StatementDelta;
import io.freightwatch.collect.postgres.StatementDeltas.StatementInterval;
import io.freightwatch.collect.postgres.StatementStatsQuery.TextKey;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples of the statements that spent the most execution time in the interval, per database and
 * query id, with their text after {@link SqlLiterals#redact}. Also the interval's quality: its
 * covered length, whether a reset made it partial, and the entries evicted or left unknown.
 */
final class StatementSignals {

  static final String CALLS = "freightwatch_postgres_statement_interval_calls";
  static final String EXEC_SECONDS = "freightwatch_postgres_statement_interval_exec_seconds";
  static final String MEAN_SECONDS = "freightwatch_postgres_statement_interval_mean_seconds";
  static final String MAX_SECONDS = "freightwatch_postgres_statement_max_seconds";
  static final String ROWS = "freightwatch_postgres_statement_interval_rows";
  static final String INFO = "freightwatch_postgres_statement_info";
  static final String AVAILABLE = "freightwatch_postgres_statements_available";
  static final String COVERED = "freightwatch_postgres_statements_interval_covered_seconds";
  static final String PARTIAL = "freightwatch_postgres_statements_interval_partial";
  static final String EVICTED = "freightwatch_postgres_statements_interval_evicted_entries";
  static final String UNKNOWN = "freightwatch_postgres_statements_interval_unknown_entries";

  /** Maximum number of cached statement texts; past it the cache starts over. */
  static final int MAX_CACHED_TEXTS = 2_000;

  private final Map<TextKey, String> redactedTexts = new LinkedHashMap<>();

  /** Returns the statements whose text is not cached yet, out of the {@code top} reported ones. */
  java.util.Set<TextKey> missingTexts(StatementInterval interval, int top) {
    java.util.Set<TextKey> missing = new java.util.HashSet<>();
    for (StatementDelta statement : reported(interval, top)) {
      TextKey key = new TextKey(statement.dbId(), statement.queryId());
      if (!redactedTexts.containsKey(key)) {
        missing.add(key);
      }
    }
    return missing;
  }

  /** Redacts and caches raw texts read for {@link #missingTexts}. */
  void addTexts(Map<TextKey, String> rawTexts) {
    if (redactedTexts.size() + rawTexts.size() > MAX_CACHED_TEXTS) {
      redactedTexts.clear();
    }
    rawTexts.forEach((key, text) -> redactedTexts.put(key, SqlLiterals.redact(text)));
  }

  void addSamples(Labels server, StatementInterval interval, int top, List<Sample> out) {
    out.add(Sample.gauge(COVERED,
        "Seconds of the last interval that the statement numbers cover; shorter than the"
            + " statements_interval after a reset",
        interval.covered().toMillis() / 1000.0, server));
    out.add(Sample.gauge(PARTIAL,
        "1 when pg_stat_statements was reset inside the last interval", interval.isPartial() ? 1 : 0,
        server));
    interval.evictedEntries().ifPresent(evicted -> out.add(Sample.gauge(EVICTED,
        "Entries evicted in the last interval because pg_stat_statements.max was reached",
        evicted, server)));
    out.add(Sample.gauge(UNKNOWN,
        "Entries whose last interval could not be computed, after an eviction or a decrease",
        interval.unknownEntries(), server));
    for (StatementDelta statement : reported(interval, top)) {
      Labels labels = server.with("database", statement.database())
          .with("queryid", Long.toString(statement.queryId()));
      out.add(Sample.gauge(CALLS, "Calls of the statement in the last interval",
          statement.calls(), labels));
      out.add(Sample.gauge(EXEC_SECONDS, "Execution time the statement spent in the last interval",
          statement.execMillis() / 1000, labels));
      statement.meanExecMillis().ifPresent(mean -> out.add(Sample.gauge(MEAN_SECONDS,
          "Mean execution time per call in the last interval", mean / 1000, labels)));
      out.add(Sample.gauge(MAX_SECONDS,
          "Longest execution since the entry was created or its min/max values were reset",
          statement.maxExecMillis() / 1000, labels));
      out.add(Sample.gauge(ROWS, "Rows returned or affected in the last interval",
          statement.rows(), labels));
      String text = redactedTexts.get(new TextKey(statement.dbId(), statement.queryId()));
      if (text != null) {
        out.add(Sample.gauge(INFO, "Always 1; the query label is the text with literals as ?", 1,
            labels.with("query", text)));
      }
    }
  }

  private static List<StatementDelta> reported(StatementInterval interval, int top) {
    return interval.statements().stream()
        .filter(statement -> statement.calls() > 0 || statement.execMillis() > 0)
        .limit(top)
        .toList();
  }
}
