package io.freightwatch.collect.odoo;

import io.freightwatch.config.OdooSignals.CustomQuery;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user's custom queries of one tenant, each giving one labelled gauge, plus {@value #UP} per
 * query.
 *
 * <p>Each query runs in its own read-only transaction with {@code SET LOCAL statement_timeout}, and
 * the driver fetches at most {@code max_rows + 1} rows. A query can fail, time out, return too many
 * rows, lack a configured column or return a value that is not a number. Its status is then 0 and
 * none of its rows are emitted, while the other queries and sections go on. Only a failure to roll the
 * transaction back, which means the connection is gone, fails the tenant's scrape. A failure is
 * logged when the query's state changes, not at every scrape.
 */
final class CustomQuerySection implements TenantSection {

  static final String UP = "freightwatch_odoo_custom_query_up";

  private static final Logger LOG = LoggerFactory.getLogger(CustomQuerySection.class);
  // One statement makes the transaction read-only and sets its timeout. Setting
  // transaction_read_only to on is allowed at any point of a transaction, like SET TRANSACTION READ
  // ONLY, and nothing in the transaction can turn it off again after this first query.
  private static final String TRANSACTION_SETTINGS_SQL =
      "SELECT set_config('transaction_read_only', 'on', true),"
          + " set_config('statement_timeout', ?, true)";

  private final List<CustomQuery> queries;
  // The latest error per query name; an empty string after a success.
  private final Map<String, String> lastErrors = new HashMap<>();

  CustomQuerySection(List<CustomQuery> queries) {
    this.queries = List.copyOf(queries);
  }

  @Override
  public boolean appliesTo(InstalledModules modules) {
    return !queries.isEmpty();
  }

  @Override
  public void read(Connection connection, Labels tenantLabels, List<Sample> out)
      throws SQLException {
    for (CustomQuery query : queries) {
      List<Sample> rows = new ArrayList<>();
      Optional<String> error = run(connection, query, tenantLabels, rows);
      if (error.isEmpty()) {
        out.addAll(rows);
      }
      out.add(
          Sample.gauge(
              UP,
              "1 when the custom query's latest run succeeded, 0 when it failed",
              error.isEmpty() ? 1 : 0,
              tenantLabels.with("query", query.name())));
      logStateChange(tenantLabels.get("tenant"), query, error.orElse(""));
    }
  }

  /**
   * Runs {@code query} and appends its samples to {@code out}; returns the error, if any.
   *
   * @throws SQLException when the transaction cannot be rolled back, so the connection is unusable
   */
  private static Optional<String> run(
      Connection connection, CustomQuery query, Labels tenantLabels, List<Sample> out)
      throws SQLException {
    connection.setAutoCommit(false);
    try {
      execute(connection, query, tenantLabels, out);
      return Optional.empty();
    } catch (SQLException e) {
      return Optional.of(
          "query failed: " + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")");
    } catch (InvalidResultException e) {
      return Optional.of(e.getMessage());
    } finally {
      connection.rollback();
      connection.setAutoCommit(true);
    }
  }

  private static void execute(
      Connection connection, CustomQuery query, Labels tenantLabels, List<Sample> out)
      throws SQLException, InvalidResultException {
    try (PreparedStatement settings = connection.prepareStatement(TRANSACTION_SETTINGS_SQL)) {
      settings.setString(1, query.statementTimeout().toMillis() + "ms");
      settings.execute();
    }
    try (Statement statement = connection.createStatement()) {
      statement.setMaxRows(query.maxRows() + 1);
      try (ResultSet rows = statement.executeQuery(query.sql())) {
        checkColumns(query, rows.getMetaData());
        readRows(query, rows, tenantLabels, out);
      }
    }
  }

  private static void checkColumns(CustomQuery query, ResultSetMetaData metadata)
      throws SQLException, InvalidResultException {
    Set<String> columns = new LinkedHashSet<>();
    for (int i = 1; i <= metadata.getColumnCount(); i++) {
      columns.add(metadata.getColumnLabel(i));
    }
    if (!columns.contains(query.valueColumn())) {
      throw new InvalidResultException(missingColumn(query, "value", query.valueColumn(),
          columns));
    }
    for (String label : query.labelColumns()) {
      if (!columns.contains(label)) {
        throw new InvalidResultException(missingColumn(query, "labels", label, columns));
      }
    }
  }

  private static String missingColumn(
      CustomQuery query, String key, String column, Set<String> columns) {
    return query.keyPath() + "." + key + ": column \"" + column
        + "\" is not in the query's result, which has the columns " + columns
        + "; name it in the SELECT list (e.g. ... AS " + column + ") or fix " + key;
  }

  private static void readRows(
      CustomQuery query, ResultSet rows, Labels tenantLabels, List<Sample> out)
      throws SQLException, InvalidResultException {
    Set<Labels> seen = new HashSet<>();
    int row = 0;
    while (rows.next()) {
      row++;
      if (row > query.maxRows()) {
        throw new InvalidResultException("returned more than " + query.maxRows() + " rows; add"
            + " a LIMIT or a GROUP BY to the query, or raise " + query.keyPath() + ".max_rows");
      }
      Labels labels = tenantLabels;
      for (String label : query.labelColumns()) {
        String text = rows.getString(label);
        labels = labels.with(label, text == null ? "" : text);
      }
      if (!seen.add(labels)) {
        throw new InvalidResultException("returned two rows with the labels " + labels
            + "; group by every label column so that each row is its own series");
      }
      Optional<Double> value = number(rows.getObject(query.valueColumn()), query, row);
      if (value.isPresent()) {
        out.add(Sample.gauge(query.metric(), query.help(), value.get(), labels));
      }
    }
  }

  /** Returns the value of a row; empty for NULL, which is skipped. */
  private static Optional<Double> number(Object value, CustomQuery query, int row)
      throws InvalidResultException {
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof Number number) {
      return Optional.of(number.doubleValue());
    }
    if (value instanceof Boolean bool) {
      return Optional.of(bool ? 1.0 : 0.0);
    }
    throw new InvalidResultException("row " + row + ": column \"" + query.valueColumn()
        + "\" contains " + value.getClass().getSimpleName() + " \"" + abbreviate(value.toString())
        + "\", not a number; cast it in the query, e.g. count(*)::float8");
  }

  /** Returns the error of the latest run of the query, empty after a success. */
  String lastError(String query) {
    return lastErrors.getOrDefault(query, "");
  }

  private void logStateChange(String tenant, CustomQuery query, String error) {
    String previous = lastErrors.put(query.name(), error);
    boolean wasFailing = previous != null && !previous.isEmpty();
    if (!error.isEmpty() && !wasFailing) {
      LOG.warn("custom query failed; tenant={} query={} error=\"{}\"", tenant, query.name(),
          error);
    } else if (error.isEmpty() && wasFailing) {
      LOG.info("custom query recovered; tenant={} query={}", tenant, query.name());
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }

  /** A result that does not fit the query's configuration. */
  private static final class InvalidResultException extends Exception {
    InvalidResultException(String message) {
      super(message);
    }
  }
}
