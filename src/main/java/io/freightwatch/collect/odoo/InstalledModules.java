package io.freightwatch.collect.odoo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The installed version of Odoo's {@code base} module and which of the watched modules are
 * installed in one tenant database, read from {@code ir_module_module}.
 *
 * @param baseVersion {@code latest_version} of {@code base}, which is the version installed in the
 *     database (for example {@code 17.0.1.3}); empty when the row or the value is missing
 * @param installed the watched modules in state {@code installed}, {@code to upgrade} or {@code to
 *     remove}, which all still have their tables and code loaded
 */
record InstalledModules(String baseVersion, Set<String> installed) {

  /** Modules whose presence changes what the agent can read from a tenant. */
  static final List<String> WATCHED =
      List.of("queue_job", "stock", "stock_delivery", "delivery", "mail", "edi_oca");

  static final String QUEUE_JOB = "queue_job";

  private static final String MODULES_SQL =
      """
      SELECT name, state, latest_version
      FROM ir_module_module
      WHERE name IN ('base', 'queue_job', 'stock', 'stock_delivery', 'delivery', 'mail', 'edi_oca')
      """;

  private static final String HAS_MODULE_TABLE_SQL =
      "SELECT to_regclass('public.ir_module_module') IS NOT NULL";

  private static final Set<String> INSTALLED_STATES =
      Set.of("installed", "to upgrade", "to remove");

  InstalledModules {
    Objects.requireNonNull(baseVersion, "baseVersion");
    installed = Set.copyOf(installed);
  }

  boolean isInstalled(String module) {
    return installed.contains(module);
  }

  /** Returns true when the database has Odoo's module table, which every Odoo database has. */
  static boolean hasModuleTable(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(HAS_MODULE_TABLE_SQL)) {
      return row.next() && row.getBoolean(1);
    }
  }

  /** Reads the modules; fails when the database has no {@code ir_module_module} table. */
  static InstalledModules read(Connection connection) throws SQLException {
    String baseVersion = "";
    Set<String> installed = new TreeSet<>();
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(MODULES_SQL)) {
      while (row.next()) {
        String name = row.getString("name");
        if (name.equals("base")) {
          baseVersion = Objects.requireNonNullElse(row.getString("latest_version"), "");
        } else if (INSTALLED_STATES.contains(row.getString("state"))) {
          installed.add(name);
        }
      }
    }
    return new InstalledModules(baseVersion, installed);
  }
}
