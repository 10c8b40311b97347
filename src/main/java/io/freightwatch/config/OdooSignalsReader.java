package io.freightwatch.config;

import io.freightwatch.config.OdooSignals.CustomQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the business signal keys of a {@code targets.odoo[]} entry, {@code cron_max_series} and
 * {@code custom_queries}, which {@link TargetsReader} allows there. Every problem is recorded on
 * its node with the fix.
 */
final class OdooSignalsReader {

  private static final Pattern QUERY_NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern METRIC_NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> RESERVED_LABELS = Set.of("tenant", "cluster", "query");

  /** Labels that Prometheus gives a meaning in histograms and summaries; a gauge may not carry them. */
  private static final Set<String> TYPE_LABELS = Set.of("le", "quantile");
  private static final int MAX_ROWS_LIMIT = 10_000;
  private static final Duration MAX_STATEMENT_TIMEOUT = Duration.ofMinutes(1);

  private OdooSignalsReader() {}

  /**
   * Reads the keys of one {@code targets.odoo[]} entry.
   *
   * @param server the target's PostgreSQL server, when it names a known one
   */
  /**
   * Reads the business signal settings of one Odoo target.
   *
   * @param scrapeTimeout {@code agent.scrape_timeout}; the custom queries of a tenant run one after
   *     the other inside its scrape, so their timeouts together must leave room for the rest
   */
  static OdooSignals read(YamlNode target, Optional<PostgresTarget> server,
      Duration scrapeTimeout) {
    int cronMaxSeries = target.integer("cron_max_series", OdooSignals.DEFAULT_CRON_MAX_SERIES, 1,
        10_000);
    List<CustomQuery> queries = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> metrics = new HashSet<>();
    for (YamlNode item : target.list("custom_queries")) {
      CustomQuery query = readQuery(item, server);
      if (query == null) {
        continue;
      }
      if (!names.add(query.name())) {
        item.get("name").orElse(item).problem("query \"" + query.name()
            + "\" is listed twice; names must be unique within the target");
      } else if (!metrics.add(query.metric())) {
        item.problem("metric " + query.metric() + " is produced by another query of this"
            + " target; give each query its own metric");
      } else {
        queries.add(query);
      }
    }
    Duration total = queries.stream().map(CustomQuery::statementTimeout)
        .reduce(Duration.ZERO, Duration::plus);
    if (total.compareTo(scrapeTimeout.dividedBy(2)) > 0) {
      target.get("custom_queries").ifPresent(node -> node.problem("the statement_timeout values"
          + " add up to " + Durations.format(total) + "; keep them within half of"
          + " agent.scrape_timeout (" + Durations.format(scrapeTimeout.dividedBy(2)) + "), since"
          + " the queries run one after the other inside the tenant's scrape"));
    }
    return new OdooSignals(cronMaxSeries, queries);
  }

  /** Returns the query, or null after recording a problem that leaves it unusable. */
  private static CustomQuery readQuery(YamlNode item, Optional<PostgresTarget> server) {
    item.allowOnly("name", "metric", "help", "sql", "value", "labels", "max_rows",
        "statement_timeout");
    String name = item.requiredString("name", "orders_waiting_for_label");
    String sqlText = item.requiredString("sql", "\"SELECT count(*) AS orders FROM sale_order\"");
    String value = item.requiredString("value", "orders");
    String help = item.string("help").orElse("Custom query " + name + " of the tenant.");
    int maxRows = item.integer("max_rows", CustomQuery.DEFAULT_MAX_ROWS, 1, MAX_ROWS_LIMIT);
    Duration timeout =
        item.positiveDuration("statement_timeout", CustomQuery.DEFAULT_STATEMENT_TIMEOUT);
    boolean valid = checkName(item, name) & checkTimeout(item, timeout, server);
    String metric = readMetric(item, name);
    String sql = checkSql(item, sqlText);
    List<String> labels = readLabels(item, value);
    valid &= !metric.isEmpty() && !sql.isEmpty() && labels != null && !value.isEmpty();
    if (!valid) {
      return null;
    }
    return new CustomQuery(name, metric, help, sql, value, labels, maxRows, timeout,
        item.path());
  }

  private static boolean checkName(YamlNode item, String name) {
    if (!name.isEmpty() && !QUERY_NAME.matcher(name).matches()) {
      item.get("name").orElse(item).problem("got \"" + name + "\"; expected lower-case letters,"
          + " digits and _ starting with a letter, e.g. orders_waiting_for_label");
      return false;
    }
    return !name.isEmpty();
  }

  private static boolean checkTimeout(
      YamlNode item, Duration timeout, Optional<PostgresTarget> server) {
    YamlNode node = item.get("statement_timeout").orElse(item);
    if (timeout.compareTo(MAX_STATEMENT_TIMEOUT) > 0) {
      node.problem("got " + timeout.toMillis() + "ms; expected at most 1m, because the query"
          + " runs inside the tenant's scrape");
      return false;
    }
    // The agent's socket timeout follows the server's statement_timeout; a longer query would
    // lose the connection instead of ending with a clear timeout error.
    if (server.isPresent() && timeout.compareTo(server.get().statementTimeout()) > 0) {
      node.problem("got " + timeout.toMillis() + "ms; expected at most the statement_timeout of"
          + " targets.postgres \"" + server.get().name() + "\" ("
          + server.get().statementTimeout().toMillis() + "ms); raise that or lower this");
      return false;
    }
    return true;
  }

  /** Returns the gauge name: {@code metric} when set, else the prefix plus the query name. */
  private static String readMetric(YamlNode item, String name) {
    var metric = item.get("metric");
    if (metric.isEmpty()) {
      return name.isEmpty() ? "" : CustomQuery.METRIC_PREFIX + name;
    }
    String text = metric.get().asString().orElse("");
    String suffix = text.startsWith(CustomQuery.METRIC_PREFIX)
        ? text.substring(CustomQuery.METRIC_PREFIX.length()) : "";
    if (!METRIC_NAME.matcher(suffix).matches()) {
      metric.get().problem("got \"" + text + "\"; expected a metric name starting with "
          + CustomQuery.METRIC_PREFIX + " followed by lower-case letters, digits and _, e.g. "
          + CustomQuery.METRIC_PREFIX + "orders_waiting_for_label");
      return "";
    }
    return text;
  }

  private static String checkSql(YamlNode item, String sql) {
    if (sql.isEmpty()) {
      return "";
    }
    try {
      return SingleStatement.check(sql);
    } catch (IllegalArgumentException e) {
      item.get("sql").orElse(item).problem("the query " + e.getMessage());
      return "";
    }
  }

  /** Returns the label columns, or null after recording a problem. */
  private static List<String> readLabels(YamlNode item, String valueColumn) {
    List<String> labels = new ArrayList<>();
    boolean valid = true;
    for (YamlNode label : item.list("labels")) {
      String column = label.asString().orElse("");
      if (!LABEL_NAME.matcher(column).matches() || column.startsWith("__")) {
        label.problem("got \"" + column + "\"; expected a column name usable as a label:"
            + " letters, digits and _, not starting with a digit or __");
        valid = false;
      } else if (RESERVED_LABELS.contains(column)) {
        label.problem("got \"" + column + "\"; the agent sets the labels tenant, cluster and"
            + " query itself; rename the column in the query, e.g. " + column + " AS "
            + column + "_name");
        valid = false;
      } else if (TYPE_LABELS.contains(column)) {
        label.problem("got \"" + column + "\"; Prometheus reserves " + column + " for histograms"
            + " and summaries, and promtool rejects a gauge that carries it; rename the column in"
            + " the query, e.g. " + column + " AS " + column + "_bound");
        valid = false;
      } else if (column.equals(valueColumn)) {
        label.problem("got \"" + column + "\", which is also the value column; a column is"
            + " either the value or a label");
        valid = false;
      } else if (labels.contains(column)) {
        label.problem("got \"" + column + "\" twice; list each label column once");
        valid = false;
      } else {
        labels.add(column);
      }
    }
    return valid ? labels : null;
  }
}
