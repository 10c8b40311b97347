package io.freightwatch.collect.odoo;

import io.freightwatch.collect.ScrapeContext;
import io.freightwatch.collect.postgres.PgScrapeFailures;
import io.freightwatch.collect.postgres.PgSessions;
import io.freightwatch.config.OdooTarget;
import io.freightwatch.config.PostgresTarget;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the Odoo tenant databases of one {@link OdooTarget}: its explicit tenants, always, plus
 * every database of the server that allows connections, is not a template, matches the discovery
 * patterns and has a {@code public.ir_module_module} table.
 *
 * <p>A database is opened once, when it first appears. Later discoveries list the databases again
 * but return a tenant found earlier without connecting to it, with the version read back then.
 *
 * <p>The include and exclude patterns must match the whole database name. A discovered database
 * that cannot be read is skipped with a warning, while an explicit tenant that cannot be read is
 * still returned, with an empty version and no modules, so that its scrapes report the failure.
 */
public final class OdooTenantDiscovery {

  private static final String DATABASES_SQL =
      """
      SELECT datname, datallowconn
      FROM pg_database
      WHERE NOT datistemplate
      ORDER BY datname
      """;

  private static final Logger LOG = LoggerFactory.getLogger(OdooTenantDiscovery.class);

  private final OdooTarget target;
  private final PgSessions sessions;
  private final Predicate<String> ownsTenant;
  // Databases already reported as unreadable, so a refresh repeats the warning at DEBUG only.
  private final Set<String> reportedFailures = ConcurrentHashMap.newKeySet();
  // Databases found to be Odoo tenants by an earlier discovery, by database name.
  private final Map<String, OdooTenant> confirmed = new ConcurrentHashMap<>();

  /**
   * @param target the server, its explicit tenants and its discovery patterns
   * @param sessions the agent's shared sessions
   */
  public OdooTenantDiscovery(OdooTarget target, PgSessions sessions) {
    this(target, sessions, tenant -> true);
  }

  /**
   * Creates a discovery that returns only the tenants {@code ownsTenant} accepts by tenant name,
   * such as those of this agent's shard. Other databases are not opened at all.
   */
  public OdooTenantDiscovery(
      OdooTarget target, PgSessions sessions, Predicate<String> ownsTenant) {
    this.target = Objects.requireNonNull(target, "target");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.ownsTenant = Objects.requireNonNull(ownsTenant, "ownsTenant");
  }

  /**
   * Lists the tenants on the worker pool, sorted by tenant name. The future fails when the server's
   * database list cannot be read or no connection permit was free in time, and callers then keep
   * their previous list.
   */
  public Future<List<OdooTenant>> discover(ScrapeContext context) {
    Duration permitWait = context.timeout().dividedBy(2);
    PostgresTarget server = target.server();
    return context
        .blocking(() -> candidates(permitWait))
        .compose(candidates -> resolve(candidates, context, permitWait))
        .timeout(context.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .recover(
            failure ->
                Future.failedFuture(
                    PgScrapeFailures.describe(
                        server, server.database(), context.timeout(), failure)));
  }

  /**
   * Turns the candidates of this shard into tenants. Each new database is read in its own task on
   * the worker pool, one after another, so no worker thread is held for the whole discovery.
   */
  private Future<List<OdooTenant>> resolve(
      Map<String, String> candidates, ScrapeContext context, Duration permitWait) {
    confirmed.keySet().retainAll(candidates.keySet());
    // NOTE: new databases are read one after another, so the first discovery on a server with
    // hundreds of tenants takes seconds, and on a busy 2-core machine 500 took over 20 s. Reading
    // them in parallel, up to the connection cap, would shorten this.
    List<OdooTenant> tenants = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, String> candidate : candidates.entrySet()) {
      if (!ownsTenant.test(candidate.getValue())) {
        continue;
      }
      String database = candidate.getKey();
      OdooTenant known = confirmed.get(database);
      if (known != null && known.name().equals(candidate.getValue())) {
        // Already seen with Odoo's tables: its collector reads the modules at every scrape, so
        // opening it again here would only add a connection per tenant and refresh.
        tenants.add(known);
        continue;
      }
      chain =
          chain.compose(
              done ->
                  context
                      .blocking(() -> readTenant(candidate.getValue(), database, permitWait))
                      .map(
                          tenant -> {
                            tenant.ifPresent(tenants::add);
                            return null;
                          }));
    }
    return chain.map(
        done -> {
          tenants.sort(Comparator.comparing(OdooTenant::name));
          return List.copyOf(tenants);
        });
  }

  /** Reads one new database; empty when it is no Odoo tenant and not explicit. */
  private Optional<OdooTenant> readTenant(String tenantName, String database, Duration permitWait)
      throws SQLException {
    boolean explicit = isExplicit(database);
    Optional<InstalledModules> modules = readModules(database, explicit, permitWait);
    if (modules.isPresent()) {
      InstalledModules found = modules.get();
      OdooTenant tenant =
          new OdooTenant(tenantName, database, found.baseVersion(), found.installed());
      confirmed.put(database, tenant);
      return Optional.of(tenant);
    }
    if (explicit) {
      return Optional.of(new OdooTenant(tenantName, database, "", Set.of()));
    }
    return Optional.empty();
  }

  /** Returns database name to tenant name, explicit tenants first. */
  private Map<String, String> candidates(Duration permitWait) throws SQLException {
    Map<String, String> candidates = new LinkedHashMap<>();
    Set<String> tenantNames = new HashSet<>();
    for (OdooTarget.Tenant tenant : target.tenants()) {
      candidates.put(tenant.database(), tenant.name());
      tenantNames.add(tenant.name());
    }
    if (target.discovery().isEmpty()) {
      return candidates;
    }
    OdooTarget.Discovery discovery = target.discovery().get();
    for (String database : listDatabases(permitWait)) {
      if (candidates.containsKey(database)
          || !discovery.include().matcher(database).matches()
          || discovery.exclude().matcher(database).matches()) {
        continue;
      }
      String tenantName = discovery.tenantFor(database);
      if (!tenantNames.add(tenantName)) {
        LOG.warn(
            "odoo discovery skipped database with a duplicate tenant name; server={} database={}"
                + " tenant={}",
            target.server().name(),
            database,
            tenantName);
        continue;
      }
      candidates.put(database, tenantName);
    }
    return candidates;
  }

  private List<String> listDatabases(Duration permitWait) throws SQLException {
    PostgresTarget server = target.server();
    return sessions.withConnection(
        server,
        server.database(),
        permitWait,
        connection -> {
          List<String> names = new ArrayList<>();
          try (Statement statement = connection.createStatement();
              ResultSet row = statement.executeQuery(DATABASES_SQL)) {
            while (row.next()) {
              // A database closed to connections (ALTER DATABASE ... ALLOW_CONNECTIONS false,
              // as during maintenance) still exists. A tenant found earlier stays, so that its
              // scrapes fail and alert. A new one cannot be opened to check for Odoo tables.
              String name = row.getString(1);
              if (row.getBoolean(2) || confirmed.containsKey(name)) {
                names.add(name);
              }
            }
          }
          return names;
        });
  }

  /**
   * Returns the modules, or empty for a database without Odoo's tables or one that failed.
   *
   * @throws SQLTransientConnectionException when no connection permit was free in time
   */
  private Optional<InstalledModules> readModules(
      String database, boolean explicit, Duration permitWait) throws SQLException {
    try {
      Optional<InstalledModules> modules =
          sessions.withConnection(
              target.server(), database, permitWait, OdooTenantDiscovery::readIfOdoo);
      reportedFailures.remove(database);
      return modules;
    } catch (SQLTransientConnectionException noPermit) {
      // Every connection of the agent is busy, which is unrelated to this database. So the
      // whole discovery fails and the caller keeps its previous tenant list.
      throw noPermit;
    } catch (SQLException failure) {
      boolean firstReport = reportedFailures.add(database);
      String outcome = explicit ? "kept explicit tenant without modules" : "skipped database";
      String format = "odoo discovery {}; server={} database={} error={}";
      if (firstReport) {
        LOG.warn(format, outcome, target.server().name(), database, failure.getMessage());
      } else {
        LOG.debug(format, outcome, target.server().name(), database, failure.getMessage());
      }
      return Optional.empty();
    }
  }

  private static Optional<InstalledModules> readIfOdoo(Connection connection) throws SQLException {
    if (!InstalledModules.hasModuleTable(connection)) {
      return Optional.empty();
    }
    return Optional.of(InstalledModules.read(connection));
  }

  private boolean isExplicit(String database) {
    return target.tenants().stream().anyMatch(tenant -> tenant.database().equals(database));
  }
}
