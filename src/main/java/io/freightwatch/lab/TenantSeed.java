package io.freightwatch.lab;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Seed rows of a new Odoo 17 tenant database: modules, the warehouse and its operation types, job
 * channels, crons and the EDI backend. Values follow what Odoo 17 and the OCA modules write; every
 * datetime is naive UTC.
 */
final class TenantSeed {

  /** Location ids of a fresh Odoo 17 database: Partners/Vendors, Partners/Customers, WH/Stock. */
  static final int VENDORS_LOCATION = 4;

  static final int CUSTOMERS_LOCATION = 5;
  static final int STOCK_LOCATION = 8;

  /** Picking type codes seeded for the warehouse, with their sequence codes and names. */
  static final String RECEIPT = "incoming";

  static final String DELIVERY = "outgoing";
  static final String PICK = "internal";

  private static final String NOW_UTC = "date_trunc('second', now() AT TIME ZONE 'UTC')";

  /** name, state, latest_version (null when never installed), summary. */
  private static final List<String[]> MODULES =
      List.of(
          new String[] {"base", "installed", OdooTenants.BASE_VERSION, "Base"},
          new String[] {"web", "installed", "17.0.1.0", "Web"},
          new String[] {"mail", "installed", "17.0.1.15", "Discuss"},
          new String[] {"product", "installed", "17.0.1.2", "Products & Pricelists"},
          new String[] {"stock", "installed", "17.0.1.1", "Inventory"},
          new String[] {"sale", "installed", "17.0.1.2", "Sales"},
          new String[] {"sale_stock", "installed", "17.0.1.0", "Sales and Warehouse Management"},
          new String[] {"delivery", "installed", "17.0.1.0", "Delivery Costs"},
          new String[] {"stock_delivery", "installed", "17.0.1.0", "Delivery - Stock"},
          new String[] {"queue_job", "installed", "17.0.1.0.5", "Job Queue"},
          new String[] {"component", "installed", "17.0.1.0.0", "Components"},
          new String[] {"component_event", "installed", "17.0.1.0.0", "Components - Events"},
          new String[] {"base_edi", "installed", "17.0.1.0.0", "Base EDI"},
          new String[] {"base_sparse_field", "installed", "17.0.1.0", "Sparse Fields"},
          new String[] {"edi_oca", "installed", "17.0.1.1.2", "EDI"},
          new String[] {"mrp", "uninstalled", null, "Manufacturing"},
          new String[] {"point_of_sale", "uninstalled", null, "Point of Sale"},
          new String[] {"website", "uninstalled", null, "Website"},
          new String[] {"hr", "uninstalled", null, "Employees"});

  /** cron_name, active, interval_number, interval_type. */
  private static final List<Object[]> CRONS =
      List.of(
          new Object[] {"Mail: Email Queue Manager", true, 1, "minutes"},
          new Object[] {"Procurement: run scheduler", true, 1, "days"},
          new Object[] {"EDI exchange: check output to send", true, 1, "hours"},
          new Object[] {"EDI exchange: check input to receive", true, 1, "hours"},
          new Object[] {"AutoVacuum Job Queue", true, 1, "days"},
          new Object[] {"Stock: archive expired lots (disabled)", false, 1, "days"});

  private TenantSeed() {}

  static void insert(Connection connection, OdooTenants.Tenant tenant) throws SQLException {
    insertModules(connection);
    int warehouse = insertWarehouse(connection, tenant);
    insertPickingTypes(connection, warehouse);
    insertChannels(connection);
    insertCrons(connection);
    insertEdi(connection, tenant);
  }

  private static void insertModules(Connection connection) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO ir_module_module (name, state, latest_version, shortdesc, author,"
                + " license, application, auto_install, demo, create_uid, create_date, write_uid,"
                + " write_date) VALUES (?, ?, ?, jsonb_build_object('en_US', ?::text), ?, ?,"
                + " false, false, false, 1, "
                + NOW_UTC
                + ", 1, "
                + NOW_UTC
                + ")")) {
      for (String[] module : MODULES) {
        insert.setString(1, module[0]);
        insert.setString(2, module[1]);
        insert.setString(3, module[2]);
        insert.setString(4, module[3]);
        boolean oca = module[2] != null && module[2].split("\\.").length == 5;
        insert.setString(5, oca ? "Odoo Community Association (OCA)" : "Odoo S.A.");
        insert.setString(6, oca ? "AGPL-3" : "LGPL-3");
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static int insertWarehouse(Connection connection, OdooTenants.Tenant tenant)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO stock_warehouse (name, active, company_id, view_location_id,"
                + " lot_stock_id, code, reception_steps, delivery_steps, sequence, create_uid,"
                + " create_date, write_uid, write_date) VALUES (?, true, 1, 7, ?, 'WH',"
                + " 'one_step', 'ship_only', 10, 1, "
                + NOW_UTC
                + ", 1, "
                + NOW_UTC
                + ") RETURNING id")) {
      insert.setString(1, capitalize(tenant.name()) + " Main Warehouse");
      insert.setInt(2, STOCK_LOCATION);
      try (var rows = insert.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  private static void insertPickingTypes(Connection connection, int warehouse) throws SQLException {
    // code, sequence code, English name, source location, destination location
    Object[][] types = {
      {RECEIPT, "IN", "Receipts", VENDORS_LOCATION, STOCK_LOCATION},
      {DELIVERY, "OUT", "Delivery Orders", STOCK_LOCATION, CUSTOMERS_LOCATION},
      {PICK, "PICK", "Pick", STOCK_LOCATION, STOCK_LOCATION},
    };
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO stock_picking_type (name, sequence, sequence_code,"
                + " default_location_src_id, default_location_dest_id, code, warehouse_id,"
                + " active, company_id, reservation_method, create_backorder, create_uid,"
                + " create_date, write_uid, write_date) VALUES (jsonb_build_object('en_US',"
                + " ?::text), ?, ?, ?, ?, ?, ?, true, 1, 'at_confirm', 'ask', 1, "
                + NOW_UTC
                + ", 1, "
                + NOW_UTC
                + ")")) {
      int sequence = 1;
      for (Object[] type : types) {
        insert.setString(1, (String) type[2]);
        insert.setInt(2, sequence++);
        insert.setString(3, (String) type[1]);
        insert.setInt(4, (Integer) type[3]);
        insert.setInt(5, (Integer) type[4]);
        insert.setString(6, (String) type[0]);
        insert.setInt(7, warehouse);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static void insertChannels(Connection connection) throws SQLException {
    Map<String, Integer> ids = new HashMap<>();
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO queue_job_channel (name, complete_name, parent_id, removal_interval,"
                + " create_uid, create_date, write_uid, write_date) VALUES (?, ?, ?, 30, 1, "
                + NOW_UTC
                + ", 1, "
                + NOW_UTC
                + ") RETURNING id")) {
      for (String channel : OdooTenants.CHANNELS) {
        int dot = channel.lastIndexOf('.');
        insert.setString(1, channel.substring(dot + 1));
        insert.setString(2, channel);
        if (dot < 0) {
          insert.setNull(3, java.sql.Types.INTEGER);
        } else {
          insert.setInt(3, ids.get(channel.substring(0, dot)));
        }
        try (var rows = insert.executeQuery()) {
          rows.next();
          ids.put(channel, rows.getInt(1));
        }
      }
    }
  }

  private static void insertCrons(Connection connection) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO ir_cron (ir_actions_server_id, cron_name, user_id, active,"
                + " interval_number, interval_type, numbercall, doall, nextcall, lastcall,"
                + " priority, create_uid, create_date, write_uid, write_date) VALUES (?, ?, 1, ?,"
                + " ?, ?, -1, false, "
                + NOW_UTC
                + " + make_interval(mins => ?), NULL, 5, 1, "
                + NOW_UTC
                + ", 1, "
                + NOW_UTC
                + ")")) {
      int action = 100;
      for (Object[] cron : CRONS) {
        insert.setInt(1, action++);
        insert.setString(2, (String) cron[0]);
        insert.setBoolean(3, (Boolean) cron[1]);
        insert.setInt(4, (Integer) cron[2]);
        insert.setString(5, (String) cron[3]);
        insert.setInt(6, "minutes".equals(cron[3]) ? 1 : 30);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static void insertEdi(Connection connection, OdooTenants.Tenant tenant)
      throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "INSERT INTO edi_backend (name, backend_type_id, active, create_uid, create_date,"
              + " write_uid, write_date) VALUES ('"
              + capitalize(tenant.name())
              + " retail partners', 1, true, 1, "
              + NOW_UTC
              + ", 1, "
              + NOW_UTC
              + ")");
      statement.execute(
          "INSERT INTO edi_exchange_type (active, backend_id, backend_type_id, name, code,"
              + " direction, create_uid, create_date, write_uid, write_date) VALUES"
              + " (true, 1, 1, 'Sales order import', '"
              + LogisticsWorkload.ORDER_IMPORT_TYPE
              + "', 'input', 1, "
              + NOW_UTC
              + ", 1, "
              + NOW_UTC
              + "), (true, 1, 1, 'Dispatch advice export', '"
              + LogisticsWorkload.DISPATCH_EXPORT_TYPE
              + "', 'output', 1, "
              + NOW_UTC
              + ", 1, "
              + NOW_UTC
              + ")");
    }
  }

  private static String capitalize(String name) {
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }
}
