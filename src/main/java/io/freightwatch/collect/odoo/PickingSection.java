package io.freightwatch.collect.odoo;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

  // The active operation types, whose series are emitted at 0 when they have no open transfer.
  // Read again when the collector refreshes the schema, or when an open transfer has a type not in
  // the list. Types still not listed after a fresh read, such as archived ones, are remembered, so
  // they do not cause a read at every scrape.
  private final Set<OperationType> unlistedTypes = new HashSet<>();
  private Set<OperationType> operationTypes;

  @Override
  public boolean appliesTo(InstalledModules modules) {
    return modules.isInstalled("stock");
  }

  @Override
  public void forgetSchema() {
    operationTypes = null;
    unlistedTypes.clear();
  }

  @Override
  public void read(Connection connection, Labels tenantLabels, List<Sample> out)
      throws SQLException {
    List<OpenPickings> open = readOpenPickings(connection);
    boolean listed = operationTypes != null;
    if (listed) {
      for (OpenPickings row : open) {
        listed &= operationTypes.contains(row.type()) || unlistedTypes.contains(row.type());
      }
    }
    if (!listed) {
      operationTypes = readOperationTypes(connection);
      for (OpenPickings row : open) {
        if (!operationTypes.contains(row.type())) {
          unlistedTypes.add(row.type());
        }
      }
    }
    Map<Labels, Long> pickings = new TreeMap<>();
    Map<Labels, Long> readyLate = new TreeMap<>();
    Map<Labels, Long> pastDeadline = new TreeMap<>();
    for (OperationType type : operationTypes) {
      Labels labels = type.labels(tenantLabels);
      OPEN_STATES.forEach(state -> pickings.put(labels.with("state", state), 0L));
      readyLate.put(labels, 0L);
      if (type.isOutgoing()) {
        pastDeadline.put(labels.without("picking_type"), 0L);
      }
    }
    for (OpenPickings row : open) {
      Labels labels = row.type().labels(tenantLabels);
      pickings.merge(labels.with("state", row.state()), row.pickings(), Long::sum);
      readyLate.merge(labels, row.readyLate(), Long::sum);
      if (row.type().isOutgoing()) {
        pastDeadline.merge(labels.without("picking_type"), row.pastDeadline(), Long::sum);
      }
    }
    pickings.forEach((labels, count) -> out.add(Sample.gauge(PICKINGS,
        "Open transfers per warehouse, operation type code and state", count, labels)));
    readyLate.forEach((labels, count) -> out.add(Sample.gauge(READY_LATE,
        "Transfers ready (assigned) whose scheduled date has passed, in UTC", count, labels)));
    pastDeadline.forEach((labels, count) -> out.add(Sample.gauge(PAST_DEADLINE,
        "Open outgoing deliveries whose promised deadline has passed, in UTC", count, labels)));
  }

  private static Set<OperationType> readOperationTypes(Connection connection)
      throws SQLException {
    Set<OperationType> types = new HashSet<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(OPERATION_TYPES_SQL)) {
      while (rows.next()) {
        types.add(new OperationType(rows.getString("warehouse"), rows.getString("picking_type")));
      }
    }
    return types;
  }

  private static List<OpenPickings> readOpenPickings(Connection connection) throws SQLException {
    List<OpenPickings> open = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(OPEN_PICKINGS_SQL)) {
      while (rows.next()) {
        open.add(
            new OpenPickings(
                new OperationType(rows.getString("warehouse"), rows.getString("picking_type")),
                rows.getString("state"),
                rows.getLong("pickings"),
                rows.getLong("ready_late"),
                rows.getLong("past_deadline")));
      }
    }
    return open;
  }

  /** A warehouse code and an operation type code, as the labels of the picking series show them. */
  private record OperationType(String warehouse, String pickingType) {

    Labels labels(Labels tenantLabels) {
      return tenantLabels.with("warehouse", warehouse).with("picking_type", pickingType);
    }

    boolean isOutgoing() {
      return pickingType.equals("outgoing");
    }
  }

  /** One row of the open pickings query. */
  private record OpenPickings(
      OperationType type, String state, long pickings, long readyLate, long pastDeadline) {}
}
