package io.freightwatch.lab;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Odoo 17 tenant databases on the lab's primary, one per tenant, with the tables the agent reads
 * and the rows a freshly installed Odoo 17 with queue_job, stock, stock_delivery, mail and edi_oca
 * would have.
 *
 * <p>Databases are named {@code odoo_acme}, {@code odoo_globex}, {@code odoo_initech}, then {@code
 * odoo_tenant04}, {@code odoo_tenant05} and so on; the tenant name is the part after {@code odoo_}.
 * An existing tenant database that already has its seed rows is kept as it is.
 */
public final class OdooTenants {

  /** Prefix of every tenant database name. */
  public static final String DATABASE_PREFIX = "odoo_";

  /** Version of the {@code base} module, as {@code ir_module_module.latest_version} stores it. */
  public static final String BASE_VERSION = "17.0.1.3";

  /** Channels seeded in {@code queue_job_channel}, parents before children. */
  public static final List<String> CHANNELS =
      List.of(
          "root",
          "root.carrier",
          "root.edi",
          "root.edi.order_import",
          "root.edi.export",
          "root.mail");

  private static final Logger LOG = LoggerFactory.getLogger(OdooTenants.class);
  private static final List<String> FIRST_NAMES = List.of("acme", "globex", "initech");
  private static final String SCHEMA_RESOURCE = "/lab/odoo17-tenant.sql";

  private final List<Tenant> tenants;

  private OdooTenants(List<Tenant> tenants) {
    this.tenants = List.copyOf(tenants);
  }

  /**
   * Creates {@code count} tenant databases on the primary of {@code postgres}, or keeps those that
   * exist with their seed rows, and grants SELECT on their tables to {@value
   * LabPostgres#MONITOR_ROLE}.
   *
   * @throws IllegalArgumentException when {@code count} is below 1 or above 99
   * @throws IllegalStateException when a statement fails
   */
  public static OdooTenants create(LabPostgres postgres, int count) {
    if (count < 1 || count > 99) {
      throw new IllegalArgumentException("tenants: got " + count + "; expected 1 to 99");
    }
    List<Tenant> tenants = new ArrayList<>();
    for (int index = 0; index < count; index++) {
      Tenant tenant = Tenant.of(tenantName(index));
      try {
        createOne(postgres, tenant);
      } catch (SQLException | IOException e) {
        throw new IllegalStateException(
            "creating tenant database " + tenant.database() + " failed", e);
      }
      tenants.add(tenant);
    }
    return new OdooTenants(tenants);
  }

  /**
   * Returns the name of the tenant at {@code index} (0-based): acme, globex, initech, tenant04...
   */
  public static String tenantName(int index) {
    return index < FIRST_NAMES.size()
        ? FIRST_NAMES.get(index)
        : String.format("tenant%02d", index + 1);
  }

  public List<Tenant> all() {
    return tenants;
  }

  /** Returns the tenant called {@code name}. */
  public Tenant get(String name) {
    return tenants.stream()
        .filter(tenant -> tenant.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "tenant: got " + name + "; expected one of " + names()));
  }

  public List<String> names() {
    return tenants.stream().map(Tenant::name).toList();
  }

  private static void createOne(LabPostgres postgres, Tenant tenant)
      throws SQLException, IOException {
    try (Connection admin = postgres.connectPrimary("postgres")) {
      if (exists(admin, tenant.database())) {
        if (isSeeded(postgres, tenant)) {
          LOG.info("event=tenant_reused database={}", tenant.database());
          grantSelect(postgres, tenant);
          return;
        }
        try (Statement statement = admin.createStatement()) {
          statement.execute("DROP DATABASE " + tenant.database() + " WITH (FORCE)");
        }
      }
      try (Statement statement = admin.createStatement()) {
        statement.execute(
            "CREATE DATABASE "
                + tenant.database()
                + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
      }
    }
    try (Connection connection = postgres.connectPrimary(tenant.database())) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.execute(schemaSql());
      }
      TenantSeed.insert(connection, tenant);
      connection.commit();
    }
    grantSelect(postgres, tenant);
    LOG.info("event=tenant_created database={}", tenant.database());
  }

  private static boolean exists(Connection admin, String database) throws SQLException {
    try (PreparedStatement query =
        admin.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      query.setString(1, database);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next();
      }
    }
  }

  private static boolean isSeeded(LabPostgres postgres, Tenant tenant) {
    try (Connection connection = postgres.connectPrimary(tenant.database());
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT to_regclass('public.queue_job') IS NOT NULL"
                    + " AND EXISTS (SELECT FROM ir_module_module WHERE name = 'base')"
                    + " AND EXISTS (SELECT FROM queue_job_channel WHERE complete_name = 'root')")) {
      return rows.next() && rows.getBoolean(1);
    } catch (SQLException e) {
      // Missing tables or a half-created database: it is dropped and created again.
      return false;
    }
  }

  private static void grantSelect(LabPostgres postgres, Tenant tenant) throws SQLException {
    try (Connection connection = postgres.connectPrimary(tenant.database());
        Statement statement = connection.createStatement()) {
      statement.execute(
          "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + LabPostgres.MONITOR_ROLE);
    }
  }

  private static String schemaSql() throws IOException {
    try (InputStream in = OdooTenants.class.getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IOException("resource " + SCHEMA_RESOURCE + " not found on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * One tenant.
   *
   * @param name value of the {@code tenant} label, e.g. {@code acme}
   * @param database database name, e.g. {@code odoo_acme}
   */
  public record Tenant(String name, String database) {

    public Tenant {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(database, "database");
    }

    static Tenant of(String name) {
      return new Tenant(name, DATABASE_PREFIX + name);
    }

    /** Returns the Traefik service of the tenant's web clients, e.g. odoo-acme-web@kubernetes. */
    public String webService() {
      return "odoo-" + name + "-web@kubernetes";
    }

    /** Returns the Traefik service of the tenant's handheld barcode scanners. */
    public String handheldService() {
      return "odoo-" + name + "-handheld@kubernetes";
    }

    /** Returns the Traefik service of the tenant's long-polling websocket connections. */
    public String websocketService() {
      return "odoo-" + name + "-websocket@kubernetes";
    }
  }
}
