package io.freightwatch.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Odoo tenant databases hosted on one PostgreSQL server.
 *
 * @param server the {@link PostgresTarget} whose server, role and password are used
 * @param tenants tenants listed explicitly; may be empty when discovery is on
 * @param discovery how to find more tenant databases on the server, if at all
 * @param interval time between scrapes of each tenant
 * @param signals crons, custom queries and other business signals read from each tenant
 * @param queue channel capacities and dead-job thresholds of the tenants' job runner
 */
public record OdooTarget(
    PostgresTarget server,
    List<Tenant> tenants,
    Optional<Discovery> discovery,
    Duration interval,
    OdooSignals signals,
    OdooQueueSettings queue) {

  public OdooTarget {
    Objects.requireNonNull(server, "server");
    tenants = List.copyOf(tenants);
    Objects.requireNonNull(discovery, "discovery");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(signals, "signals");
    Objects.requireNonNull(queue, "queue");
  }

  /** Creates a target with the default business signals and job runner settings. */
  public OdooTarget(
      PostgresTarget server, List<Tenant> tenants, Optional<Discovery> discovery, Duration interval) {
    this(server, tenants, discovery, interval, OdooSignals.DEFAULT, OdooQueueSettings.DEFAULTS);
  }

  /** Creates a target with these business signals and the default job runner settings. */
  public OdooTarget(PostgresTarget server, List<Tenant> tenants, Optional<Discovery> discovery,
      Duration interval, OdooSignals signals) {
    this(server, tenants, discovery, interval, signals, OdooQueueSettings.DEFAULTS);
  }

  /** Creates a target with these job runner settings and the default business signals. */
  public OdooTarget(PostgresTarget server, List<Tenant> tenants, Optional<Discovery> discovery,
      Duration interval, OdooQueueSettings queue) {
    this(server, tenants, discovery, interval, OdooSignals.DEFAULT, queue);
  }

  /**
   * One tenant.
   *
   * @param name value of the {@code tenant} label
   * @param database database name on the server
   */
  public record Tenant(String name, String database) {
    public Tenant {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(database, "database");
    }
  }

  /**
   * Auto-discovery of Odoo databases: every database whose name matches {@code include} and not
   * {@code exclude} and that holds an {@code ir_module_module} table is a tenant.
   *
   * @param include databases to consider
   * @param exclude databases to skip even when included
   * @param tenantName how to derive the tenant name: the named group {@code tenant} of this
   *     pattern applied to the database name, or the whole name when the group does not match
   * @param refresh time between two listings of the server's databases
   */
  public record Discovery(Pattern include, Pattern exclude, Pattern tenantName, Duration refresh) {
    public Discovery {
      Objects.requireNonNull(include, "include");
      Objects.requireNonNull(exclude, "exclude");
      Objects.requireNonNull(tenantName, "tenantName");
      Objects.requireNonNull(refresh, "refresh");
    }

    /** Returns the tenant name for {@code database}. */
    public String tenantFor(String database) {
      var matcher = tenantName.matcher(database);
      if (matcher.matches()) {
        try {
          String group = matcher.group("tenant");
          if (group != null && !group.isEmpty()) {
            return group;
          }
        } catch (IllegalArgumentException noSuchGroup) {
          return database;
        }
      }
      return database;
    }
  }
}
