package io.freightwatch.collect.odoo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import java.util.TreeSet;

/**
 * Column names of a table as the session's queries see it, read from {@code
 * information_schema.columns}, so that a section can adapt its SQL to the Odoo version without
 * failing on a column the version lacks. The table is the one an unqualified name resolves to
 * through the search_path, the same one the section's queries read.
 */
final class TableColumns {

  private static final String COLUMNS_SQL =
      """
      SELECT column_name
      FROM information_schema.columns
      WHERE table_name = ?
        AND format('%I.%I', table_schema, table_name)::regclass = to_regclass(quote_ident(?))
      """;

  private TableColumns() {}

  /** Returns the columns of {@code table}; empty when the table does not exist or is hidden. */
  static Set<String> of(Connection connection, String table) throws SQLException {
    Set<String> columns = new TreeSet<>();
    try (PreparedStatement statement = connection.prepareStatement(COLUMNS_SQL)) {
      statement.setString(1, table);
      statement.setString(2, table);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          columns.add(rows.getString(1));
        }
      }
    }
    return columns;
  }
}
