package io.freightwatch.collect.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads {@code pg_stat_statements} with the column names of the installed extension, which change
 * between versions: {@code total_time} became {@code total_exec_time} in 1.8 (PostgreSQL 13),
 * {@code toplevel} and the {@code pg_stat_statements_info} view came in 1.9 (14), and {@code
 * stats_since} in 1.11 (17). The extension's version can lag the server's after an upgrade, so the
 * columns are probed from the catalog instead of deduced from {@code server_version_num}.
 *
 * <p>Numbers are read through {@code pg_stat_statements(false)}, which skips the query texts.
 * Texts are read only for the statements that are reported, in a second statement.
 */
final class StatementStatsQuery {

  static final String PROBE_SQL =
      """
      SELECT n.nspname,
             e.extversion,
             (SELECT array_agg(a.attname::text)
              FROM pg_attribute AS a
              WHERE a.attrelid = format('%I.pg_stat_statements', n.nspname)::regclass
                AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
             to_regclass(format('%I.pg_stat_statements_info', n.nspname)) IS NOT NULL AS has_info
      FROM pg_extension AS e
      JOIN pg_namespace AS n ON n.oid = e.extnamespace
      WHERE e.extname = 'pg_stat_statements'
      """;

  private StatementStatsQuery() {}

  /** Returns the installed extension's layout, or empty when it is not installed here. */
  static Optional<Layout> probe(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(PROBE_SQL)) {
      if (!row.next()) {
        return Optional.empty();
      }
      Set<String> columns = new HashSet<>();
      java.sql.Array array = row.getArray("columns");
      if (array != null) {
        for (Object column : (Object[]) array.getArray()) {
          columns.add((String) column);
        }
      }
      return Optional.of(
          new Layout(
              row.getString("nspname"),
              row.getString("extversion"),
              columns.contains("total_exec_time") ? "total_exec_time" : "total_time",
              columns.contains("max_exec_time") ? "max_exec_time" : "max_time",
              columns.contains("toplevel"),
              columns.contains("stats_since"),
              row.getBoolean("has_info")));
    }
  }

  /** Reads every entry with a query id, and the info view when the extension has it. */
  static StatementSnapshot read(Connection connection, Layout layout) throws SQLException {
    List<StatementRow> rows = new ArrayList<>();
    java.time.Instant observedAt;
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(layout.numbersSql())) {
      observedAt = null;
      while (row.next()) {
        if (observedAt == null) {
          observedAt = row.getObject("observed_at", OffsetDateTime.class).toInstant();
        }
        long queryId = row.getLong("queryid");
        if (row.wasNull()) {
          continue;
        }
        OffsetDateTime since = row.getObject("stats_since", OffsetDateTime.class);
        String database = row.getString("datname");
        rows.add(
            new StatementRow(
                new StatementRow.Key(
                    row.getLong("userid"), row.getLong("dbid"), row.getBoolean("toplevel"),
                    queryId),
                database == null ? "" : database,
                row.getLong("calls"),
                row.getDouble("total_ms"),
                row.getDouble("max_ms"),
                row.getLong("rows"),
                row.getLong("shared_blks_read"),
                Optional.ofNullable(since).map(OffsetDateTime::toInstant)));
      }
    }
    if (observedAt == null) {
      observedAt = serverNow(connection);
    }
    OptionalLong deallocations = OptionalLong.empty();
    Optional<java.time.Instant> statsReset = Optional.empty();
    if (layout.hasInfo()) {
      try (Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery(layout.infoSql())) {
        if (row.next()) {
          deallocations = OptionalLong.of(row.getLong("dealloc"));
          statsReset =
              Optional.ofNullable(row.getObject("stats_reset", OffsetDateTime.class))
                  .map(OffsetDateTime::toInstant);
        }
      }
    }
    return new StatementSnapshot(observedAt, rows, deallocations, statsReset);
  }

  /** Returns the raw text of each requested (dbid, queryid), where the entry still exists. */
  static Map<TextKey, String> texts(Connection connection, Layout layout, Set<TextKey> wanted)
      throws SQLException {
    Map<TextKey, String> texts = new HashMap<>();
    if (wanted.isEmpty()) {
      return texts;
    }
    Long[] queryIds = wanted.stream().map(TextKey::queryId).distinct().toArray(Long[]::new);
    try (PreparedStatement statement = connection.prepareStatement(layout.textSql())) {
      statement.setArray(1, connection.createArrayOf("bigint", queryIds));
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          TextKey key = new TextKey(row.getLong("dbid"), row.getLong("queryid"));
          if (wanted.contains(key) && row.getString("query") != null) {
            texts.putIfAbsent(key, row.getString("query"));
          }
        }
      }
    }
    return texts;
  }

  private static java.time.Instant serverNow(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT now()")) {
      row.next();
      return row.getObject(1, OffsetDateTime.class).toInstant();
    }
  }

  /** Identity of a statement's text. */
  record TextKey(long dbId, long queryId) {}

  /**
   * Schema and columns of the installed extension.
   *
   * @param schema schema the extension was created in
   * @param totalColumn {@code total_exec_time} or {@code total_time}
   * @param maxColumn {@code max_exec_time} or {@code max_time}
   */
  record Layout(
      String schema,
      String version,
      String totalColumn,
      String maxColumn,
      boolean hasTopLevel,
      boolean hasStatsSince,
      boolean hasInfo) {

    String numbersSql() {
      return "SELECT s.userid, s.dbid, "
          + (hasTopLevel ? "s.toplevel" : "true AS toplevel")
          + ", s.queryid, s.calls, s."
          + totalColumn
          + " AS total_ms, s."
          + maxColumn
          + " AS max_ms, s.rows, s.shared_blks_read, "
          + (hasStatsSince ? "s.stats_since" : "NULL::timestamptz AS stats_since")
          + ", d.datname, now() AS observed_at FROM "
          + quote(schema)
          + ".pg_stat_statements(false) AS s LEFT JOIN pg_database AS d ON d.oid = s.dbid";
    }

    String infoSql() {
      return "SELECT dealloc, stats_reset FROM " + quote(schema) + ".pg_stat_statements_info";
    }

    String textSql() {
      return "SELECT s.dbid, s.queryid, s.query FROM "
          + quote(schema)
          + ".pg_stat_statements(true) AS s WHERE s.queryid = ANY(?)";
    }

    private static String quote(String identifier) {
      return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
  }
}
