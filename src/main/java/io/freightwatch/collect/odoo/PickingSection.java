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
 * The open warehouse backlog of Odoo's {@code stock} module: transfers ({@code stock_picking}) per
 * warehouse, operation type code and state, the ready ones past their scheduled date, and the
 * outgoing deliveries past their promised deadline.
 *
 * <p>Done and cancelled transfers are most of the table and are never read: the state predicate is
 * three ranges around {@code cancel} and {@code done}, which the index on {@code state} serves, and
 * which still includes states that custom modules add. The warehouse is the {@code code} of the
 * operation type's warehouse, {@code none} for operation types without one; all dates are naive UTC.
 */
final class PickingSection implements TenantSection {

  static final String PICKINGS = "freightwatch_odoo_pickings";
  static final String READY_LATE = "freightwatch_odoo_pickings_ready_late";
  static final String PAST_DEADLINE = "freightwatch_odoo_deliveries_past_deadline";

  /** Open states of Odoo 16 to 18; each is emitted for every operation type, at 0 when empty. */
  static final List<String> OPEN_STATES = List.of("draft", "waiting", "confirmed", "assigned");

  private static final String OPERATION_TYPES_SQL =
      """
      SELECT DISTINCT coalesce(w.code, 'none') AS warehouse, pt.code AS picking_type
      FROM stock_picking_type pt
      LEFT JOIN stock_warehouse w ON w.id = pt.warehouse_id
      WHERE pt.active IS NOT false
      """;

  static final String OPEN_PICKINGS_SQL =
      """
      SELECT coalesce(w.code, 'none') AS warehouse, pt.code AS picking_type, p.state,
             count(*) AS pickings,
             count(*) FILTER (WHERE p.state = 'assigned'
                 AND p.scheduled_date < now() AT TIME ZONE 'UTC') AS ready_late,
             count(*) FILTER (WHERE pt.code = 'outgoing'
                 AND p.date_deadline < now() AT TIME ZONE 'UTC') AS past_deadline
      FROM stock_picking p
      JOIN stock_picking_type pt ON pt.id = p.picking_type_id
      LEFT JOIN stock_warehouse w ON w.id = pt.warehouse_id
      WHERE (p.state < 'cancel' OR (p.state > 'cancel' AND p.state < 'done') OR p.state > 'done')
      GROUP BY 1, 2, 3
      """;

  @Override
  public boolean appliesTo(InstalledModules modules) {
    return modules.isInstalled("stock");
  }

  @Override
  public void read(Connection connection, Labels tenantLabels, List<Sample> out)
      throws SQLException {
    Map<Labels, Long> pickings = new TreeMap<>();
    Map<Labels, Long> readyLate = new TreeMap<>();
    Map<Labels, Long> pastDeadline = new TreeMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(OPERATION_TYPES_SQL)) {
      while (rows.next()) {
        Labels type = typeLabels(tenantLabels, rows);
        OPEN_STATES.forEach(state -> pickings.put(type.with("state", state), 0L));
        readyLate.put(type, 0L);
        if (rows.getString("picking_type").equals("outgoing")) {
          pastDeadline.put(type.without("picking_type"), 0L);
        }
      }
    }
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(OPEN_PICKINGS_SQL)) {
      while (rows.next()) {
        Labels type = typeLabels(tenantLabels, rows);
        pickings.merge(type.with("state", rows.getString("state")), rows.getLong("pickings"),
            Long::sum);
        readyLate.merge(type, rows.getLong("ready_late"), Long::sum);
        if (rows.getString("picking_type").equals("outgoing")) {
          pastDeadline.merge(type.without("picking_type"), rows.getLong("past_deadline"),
              Long::sum);
        }
      }
    }
    pickings.forEach((labels, count) -> out.add(Sample.gauge(PICKINGS,
        "Open transfers per warehouse, operation type code and state", count, labels)));
    readyLate.forEach((labels, count) -> out.add(Sample.gauge(READY_LATE,
        "Transfers ready (assigned) whose scheduled date has passed, in UTC", count, labels)));
    pastDeadline.forEach((labels, count) -> out.add(Sample.gauge(PAST_DEADLINE,
        "Open outgoing deliveries whose promised deadline has passed, in UTC", count, labels)));
  }

  private static Labels typeLabels(Labels tenantLabels, ResultSet row) throws SQLException {
    return tenantLabels
        .with("warehouse", row.getString("warehouse"))
        .with("picking_type", row.getString("picking_type"));
  }
}
