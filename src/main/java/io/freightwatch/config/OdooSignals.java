package io.freightwatch.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Business signals read from every tenant of an Odoo target besides the job queue.
 *
 * @param cronMaxSeries maximum number of {@code ir_cron} series per tenant; the most overdue crons are kept
 * @param customQueries user-defined read-only queries, each giving one labelled gauge
 */
public record OdooSignals(int cronMaxSeries, List<CustomQuery> customQueries) {

  /** Default of {@code cron_max_series}: more crons than a typical Odoo database has active. */
  public static final int DEFAULT_CRON_MAX_SERIES = 100;

  /** Signals with the defaults and no custom queries. */
  public static final OdooSignals DEFAULT = new OdooSignals(DEFAULT_CRON_MAX_SERIES, List.of());

  public OdooSignals {
    if (cronMaxSeries < 1) {
      throw new IllegalArgumentException(
          "cronMaxSeries: got " + cronMaxSeries + "; expected at least 1");
    }
    customQueries = List.copyOf(customQueries);
  }

  /**
   * One custom query, validated at start-up.
   *
   * @param name value of the {@code query} label of its status series
   * @param metric gauge name, under {@link #METRIC_PREFIX}
   * @param help text of the gauge's {@code # HELP} line
   * @param sql a single SELECT or WITH statement, without a trailing semicolon
   * @param valueColumn result column holding the gauge value
   * @param labelColumns result columns that become labels of the same name
   * @param maxRows maximum number of rows the query may return; more is reported as an error
   * @param statementTimeout {@code statement_timeout} of the query's transaction
   * @param keyPath configuration key path of the query, e.g. {@code
   *     targets.odoo[0].custom_queries[1]}, for error messages
   */
  public record CustomQuery(
      String name,
      String metric,
      String help,
      String sql,
      String valueColumn,
      List<String> labelColumns,
      int maxRows,
      Duration statementTimeout,
      String keyPath) {

    /** Prefix of every custom gauge, which keeps them apart from the agent's own signals. */
    public static final String METRIC_PREFIX = "freightwatch_custom_";

    public static final int DEFAULT_MAX_ROWS = 100;

    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(2);

    public CustomQuery {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(metric, "metric");
      Objects.requireNonNull(help, "help");
      Objects.requireNonNull(sql, "sql");
      Objects.requireNonNull(valueColumn, "valueColumn");
      labelColumns = List.copyOf(labelColumns);
      Objects.requireNonNull(statementTimeout, "statementTimeout");
      Objects.requireNonNull(keyPath, "keyPath");
      if (maxRows < 1) {
        throw new IllegalArgumentException("maxRows: got " + maxRows + "; expected at least 1");
      }
    }
  }
}
