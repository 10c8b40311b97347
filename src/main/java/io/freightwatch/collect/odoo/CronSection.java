package io.freightwatch.collect.odoo;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How late Odoo's active scheduled actions ({@code ir_cron}) are, and on Odoo 18 how often each
 * failed in a row.
 *
 * <p>Odoo stores {@code nextcall} and {@code ir_cron_trigger.call_at} as naive UTC, so the SQL
 * compares them with {@code now() AT TIME ZONE 'UTC'}: neither the session's TimeZone nor the JVM's
 * zone enters the result. A cron is due at its {@code nextcall} or at its earliest pending trigger,
 * whichever comes first. On Odoo 16 and 17 a cron with {@code numbercall = 0} has finished its runs
 * and is never due. The columns are read from {@code information_schema} at the first scrape and
 * again whenever the collector refreshes the tenant's schema. A tenant whose {@code ir_cron} the agent cannot
 * read gives no cron series and one warning, and the rest of its scrape goes on.
 */
final class CronSection implements TenantSection {

  static final String OVERDUE = "freightwatch_odoo_cron_overdue_seconds";
  static final String MAX_OVERDUE = "freightwatch_odoo_cron_max_overdue_seconds";
  static final String FAILURES = "freightwatch_odoo_cron_consecutive_failures";
  static final String FIRST_FAILURE_AGE = "freightwatch_odoo_cron_first_failure_age_seconds";

  /** Cron names longer than this are cut, so that one odd name cannot bloat every sample. */
  static final int MAX_NAME_LENGTH = 120;

  private static final Logger LOG = LoggerFactory.getLogger(CronSection.class);

  private final int maxSeries;
  private String sql;
  private boolean hasFailureColumns;

  /**
   * @param maxSeries maximum number of per-cron series per scrape; the most overdue crons are kept
   */
  CronSection(int maxSeries) {
    if (maxSeries < 1) {
      throw new IllegalArgumentException("maxSeries: got " + maxSeries + "; expected at least 1");
    }
    this.maxSeries = maxSeries;
  }

  @Override
  public boolean appliesTo(InstalledModules modules) {
    // ir_cron belongs to the base module, which every Odoo database has.
    return true;
  }

  @Override
  public void forgetSchema() {
    sql = null;
  }

  @Override
  public void read(Connection connection, Labels tenantLabels, List<Sample> out)
      throws SQLException {
    if (sql == null) {
      detectSchema(connection, tenantLabels.get("tenant"));
    }
    if (sql.isEmpty()) {
      return;
    }
    double maxOverdue = 0;
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setInt(1, maxSeries);
      try (ResultSet rows = statement.executeQuery()) {
        boolean first = true;
        while (rows.next()) {
          double overdue = rows.getDouble("overdue_seconds");
          if (first) {
            maxOverdue = overdue;
            first = false;
          }
          addCron(rows, overdue, tenantLabels.with("cron", rows.getString("cron")), out);
        }
      }
    }
    out.add(
        Sample.gauge(
            MAX_OVERDUE,
            "Seconds the most overdue active scheduled action is past its due time, in UTC",
            maxOverdue,
            tenantLabels));
  }

  private void addCron(ResultSet row, double overdue, Labels cron, List<Sample> out)
      throws SQLException {
    out.add(
        Sample.gauge(
            OVERDUE,
            "Seconds an active scheduled action is past its nextcall or earliest trigger, in UTC",
            overdue,
            cron));
    if (!hasFailureColumns) {
      return;
    }
    out.add(
        Sample.gauge(
            FAILURES,
            "Runs of the scheduled action that failed in a row (ir_cron.failure_count, Odoo 18)",
            row.getLong("failures"),
            cron));
    double firstFailureAge = row.getDouble("first_failure_age_seconds");
    if (!row.wasNull()) {
      out.add(
          Sample.gauge(
              FIRST_FAILURE_AGE,
              "Seconds since the first failure of the scheduled action's current failure streak",
              firstFailureAge,
              cron));
    }
  }

  private void detectSchema(Connection connection, String tenant) throws SQLException {
    Set<String> cronColumns = readableColumns(connection, "ir_cron");
    if (!cronColumns.contains("nextcall")) {
      // Checked only when the collector reads the schema, not at every scrape.
      LOG.warn("ir_cron has no nextcall column, cron signals off; tenant={}", tenant);
      sql = "";
      return;
    }
    boolean hasTriggers = readableColumns(connection, "ir_cron_trigger").contains("call_at");
    hasFailureColumns =
        cronColumns.contains("failure_count") && cronColumns.contains("first_failure_date");
    sql = buildSql(hasTriggers, cronColumns.contains("numbercall"), hasFailureColumns);
  }

  /**
   * Returns the columns of {@code table}, empty when it does not exist. information_schema hides a
   * table the role cannot read, so an existing table without visible columns fails the scrape with
   * the same message as a query on it would, instead of quietly turning the signals off.
   */
  private static Set<String> readableColumns(Connection connection, String table)
      throws SQLException {
    Set<String> columns = TableColumns.of(connection, table);
    if (columns.isEmpty() && exists(connection, table)) {
      throw new SQLException("permission denied for table " + table + "; grant the agent's role"
          + " SELECT on it", "42501");
    }
    return columns;
  }

  private static boolean exists(Connection connection, String table) throws SQLException {
    try (var statement = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      statement.setString(1, "public." + table);
      try (var row = statement.executeQuery()) {
        return row.next() && row.getBoolean(1);
      }
    }
  }

  static String buildSql(boolean hasTriggers, boolean hasNumbercall, boolean hasFailures) {
    String dueAt = hasTriggers ? "least(c.nextcall, t.first_call_at)" : "c.nextcall";
    String triggers =
        hasTriggers
            ? "  LEFT JOIN LATERAL (SELECT min(call_at) AS first_call_at FROM ir_cron_trigger"
                + " WHERE cron_id = c.id) t ON true\n"
            : "";
    String finished = hasNumbercall ? "    AND coalesce(c.numbercall, -1) <> 0\n" : "";
    String failureColumns =
        hasFailures ? ", coalesce(c.failure_count, 0) AS failure_count, c.first_failure_date" : "";
    String failureResults =
        hasFailures
            ? ",\n       max(failure_count) AS failures,\n"
                + "       extract(epoch FROM max(now_utc) - min(first_failure_date)"
                + " FILTER (WHERE failure_count > 0))::float8 AS first_failure_age_seconds"
            : "";
    return "WITH clock AS (SELECT now() AT TIME ZONE 'UTC' AS now_utc),\n"
        + "due AS (\n"
        + "  SELECT coalesce(nullif(left(c.cron_name, "
        + MAX_NAME_LENGTH
        + "), ''), 'ir_cron ' || c.id) AS cron,\n"
        + "         "
        + dueAt
        + " AS due_at"
        + failureColumns
        + "\n"
        + "  FROM ir_cron c\n"
        + triggers
        + "  WHERE c.active\n"
        + finished
        + ")\n"
        + "SELECT cron,\n"
        + "       greatest(0, extract(epoch FROM max(now_utc - due_at)))::float8"
        + " AS overdue_seconds"
        + failureResults
        + "\n"
        + "FROM due CROSS JOIN clock\n"
        + "GROUP BY cron\n"
        + "ORDER BY overdue_seconds DESC, cron\n"
        + "LIMIT ?";
  }
}
