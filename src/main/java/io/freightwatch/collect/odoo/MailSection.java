package io.freightwatch.collect.odoo;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outgoing mail queue of Odoo's {@code mail} module: {@code mail_mail} rows per state, the
 * mails due for sending, and how long the oldest of those has waited, in UTC.
 *
 * <p>Sent mails with {@code auto_delete} are deleted right after sending, so the table stays small
 * on a healthy tenant and the count of {@code sent} rows does not measure throughput.
 */
final class MailSection implements TenantSection {

  static final String MESSAGES = "freightwatch_odoo_mail_messages";
  static final String OUTGOING_DUE = "freightwatch_odoo_mail_outgoing_due";
  static final String OLDEST_DUE_AGE = "freightwatch_odoo_mail_oldest_outgoing_age_seconds";

  /** States Odoo 16 to 18 define; each is emitted, at 0 when absent, so growth rules see it. */
  static final List<String> STATES = List.of("outgoing", "sent", "received", "exception", "cancel");

  // NOTE: mail_mail has no index on state, so this is a sequential scan of the table. It stays
  // cheap while auto_delete removes sent mails; a partial index on state = 'outgoing' would keep
  // it cheap on tenants that keep every sent mail.
  private static final String STATES_SQL =
      """
      SELECT coalesce(state, 'none') AS state, count(*) AS mails,
             count(*) FILTER (WHERE state = 'outgoing'
                 AND (scheduled_date IS NULL OR scheduled_date <= now() AT TIME ZONE 'UTC'))
                 AS due,
             extract(epoch FROM (now() AT TIME ZONE 'UTC')
                 - min(greatest(create_date, scheduled_date)) FILTER (WHERE state = 'outgoing'
                 AND (scheduled_date IS NULL OR scheduled_date <= now() AT TIME ZONE 'UTC')))::float8
                 AS oldest_due_age_seconds
      FROM mail_mail
      GROUP BY 1
      """;

  @Override
  public boolean appliesTo(InstalledModules modules) {
    return modules.isInstalled("mail");
  }

  @Override
  public void read(Connection connection, Labels tenantLabels, List<Sample> out)
      throws SQLException {
    Map<String, Long> byState = new TreeMap<>();
    STATES.forEach(state -> byState.put(state, 0L));
    long due = 0;
    Double oldestDueAge = null;
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(STATES_SQL)) {
      while (rows.next()) {
        byState.put(rows.getString("state"), rows.getLong("mails"));
        due += rows.getLong("due");
        double age = rows.getDouble("oldest_due_age_seconds");
        if (!rows.wasNull()) {
          oldestDueAge = Math.max(age, 0);
        }
      }
    }
    byState.forEach(
        (state, mails) ->
            out.add(
                Sample.gauge(
                    MESSAGES,
                    "Mails in mail_mail per state (outgoing, sent, received, exception, cancel)",
                    mails,
                    tenantLabels.with("state", state))));
    out.add(
        Sample.gauge(
            OUTGOING_DUE,
            "Outgoing mails whose scheduled date has passed, waiting for the mail queue cron",
            due,
            tenantLabels));
    if (oldestDueAge != null) {
      out.add(
          Sample.gauge(
              OLDEST_DUE_AGE,
              "Seconds the oldest due outgoing mail has waited since it was queued or scheduled",
              oldestDueAge,
              tenantLabels));
    }
  }
}
