package io.freightwatch.collect.odoo;

import io.freightwatch.config.OdooTarget;
import java.util.Objects;
import java.util.Set;

/**
 * One Odoo tenant database found by {@link OdooTenantDiscovery}.
 *
 * @param name value of the {@code tenant} label
 * @param database database name on the server
 * @param baseVersion installed version of Odoo's {@code base} module, such as {@code 17.0.1.3};
 *     empty when unknown, for example for an explicit tenant that could not be read
 * @param installedModules which of {@code queue_job}, {@code stock}, {@code stock_delivery}, {@code
 *     delivery}, {@code mail} and {@code edi_oca} are installed
 */
public record OdooTenant(
    String name, String database, String baseVersion, Set<String> installedModules) {

  public OdooTenant {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(baseVersion, "baseVersion");
    installedModules = Set.copyOf(installedModules);
  }

  public boolean isInstalled(String module) {
    return installedModules.contains(module);
  }

  /** Returns the tenant in the form {@link OdooQueueCollector} takes. */
  public OdooTarget.Tenant tenant() {
    return new OdooTarget.Tenant(name, database);
  }
}
