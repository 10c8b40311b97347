package io.freightwatch.collect.odoo;

import io.freightwatch.collect.Collector;
import io.freightwatch.collect.ScrapeContext;
import io.freightwatch.collect.TargetId;
import io.freightwatch.collect.postgres.PgScrapeFailures;
import io.freightwatch.collect.postgres.PgSessions;
import io.freightwatch.config.OdooTarget;
import io.freightwatch.config.PostgresTarget;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Scrapes one Odoo tenant database: its version and watched modules, then each {@link
 * TenantSection} whose modules are installed (the job queue, scheduled actions, outgoing mail, EDI
 * exchanges, pickings, custom signals), all over one connection.
 *
 * <p>The modules, and what the sections cache about the schema and reference rows, change only when
 * a module is installed or upgraded or the configuration changes. They are read at the first
 * scrape and again once {@link #SCHEMA_REFRESH} has passed since the last read. They are also read
 * again when a statement fails with SQLSTATE 42P01 (undefined table) or 42703 (undefined column),
 * which is how a dropped table or column shows. A scrape that used the cached schema then reads
 * the schema and every section once more. A scrape that had just read it fails and leaves the
 * next scrape to read it again. So an installed module shows within one refresh interval, an
 * uninstalled module whose tables a section reads shows at the scrape that misses them, and a
 * steady scrape sends only the sections' data queries.
 *
 * <p>Every series carries the labels {@code tenant} and {@code cluster}. A tenant without any of
 * the watched modules emits only {@code freightwatch_odoo_tenant_info} and {@code
 * freightwatch_odoo_module_installed}. The sessions are read-only and the queries are plain
 * SELECTs, which take no row locks, so the job runner and crons never wait for the agent.
 */
public final class OdooQueueCollector implements Collector {

  static final String TENANT_INFO = "freightwatch_odoo_tenant_info";
  static final String MODULE_INSTALLED = "freightwatch_odoo_module_installed";

  /** SQLSTATE {@code invalid_catalog_name}: the database does not exist. */
  static final String DATABASE_MISSING_STATE = "3D000";

  /** Maximum age of the cached modules and schema before a scrape reads them again. */
  static final Duration SCHEMA_REFRESH = Duration.ofMinutes(5);

  /** SQLSTATEs undefined_table and undefined_column, which mean the cached schema is out of date. */
  static final Set<String> SCHEMA_CHANGED_STATES = Set.of("42P01", "42703");

  private final PostgresTarget server;
  private final OdooTarget.Tenant tenant;
  private final PgSessions sessions;
  private final Duration interval;
  private final TargetId id;
  private final Labels tenantLabels;
  private final Labels healthLabels;
  private final Runnable onDatabaseMissing;
  private final Clock clock;
  private final Duration schemaRefresh;
  // Guards the sections' state and the cached modules: a scrape that overran its timeout may still
  // be reading when the next one starts, and the next one then waits for it on its worker thread.
  private final List<TenantSection> sections;
  private InstalledModules modules;
  private Instant modulesReadAt = Instant.MIN;
  private boolean schemaChanged;

  /** Creates a collector with every section the target configures. */
  public OdooQueueCollector(OdooTarget target, OdooTarget.Tenant tenant, PgSessions sessions) {
    this(target, tenant, sessions, () -> {});
  }

  /**
   * Creates a collector with every section the target configures.
   *
   * @param onDatabaseMissing run on the scrape's context when a scrape fails because the tenant
   *     database does not exist (SQLSTATE 3D000), for example to discover the tenants again
   */
  public OdooQueueCollector(
      OdooTarget target, OdooTarget.Tenant tenant, PgSessions sessions,
      Runnable onDatabaseMissing) {
    this(target.server(), tenant, sessions, target.interval(), TenantSections.create(target),
        onDatabaseMissing);
  }

  /** Creates a collector that reads only the job queue at the server's interval. */
  public OdooQueueCollector(PostgresTarget server, OdooTarget.Tenant tenant, PgSessions sessions) {
    this(server, tenant, sessions, server.interval());
  }

  /**
   * Creates a collector that reads only the job queue.
   *
   * @param server the PostgreSQL server of the tenant; its role and password are used
   * @param tenant the tenant's name and database
   * @param sessions the agent's shared sessions; this collector does not close them
   * @param interval time between scrapes, usually {@link OdooTarget#interval()}
   */
  public OdooQueueCollector(
      PostgresTarget server, OdooTarget.Tenant tenant, PgSessions sessions, Duration interval) {
    this(server, tenant, sessions, interval, List.of(new QueueSection()), () -> {});
  }

  OdooQueueCollector(
      PostgresTarget server,
      OdooTarget.Tenant tenant,
      PgSessions sessions,
      Duration interval,
      List<TenantSection> sections,
      Runnable onDatabaseMissing) {
    this(server, tenant, sessions, interval, sections, onDatabaseMissing, Clock.systemUTC(),
        SCHEMA_REFRESH);
  }

  OdooQueueCollector(
      PostgresTarget server,
      OdooTarget.Tenant tenant,
      PgSessions sessions,
      Duration interval,
      List<TenantSection> sections,
      Runnable onDatabaseMissing,
      Clock clock,
      Duration schemaRefresh) {
    this.server = Objects.requireNonNull(server, "server");
    this.tenant = Objects.requireNonNull(tenant, "tenant");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.sections = List.copyOf(sections);
    this.id = new TargetId("odoo", tenant.name());
    this.tenantLabels = Labels.of("tenant", tenant.name(), "cluster", server.cluster());
    this.healthLabels = Labels.of("tenant", tenant.name(), "database", tenant.database());
    this.onDatabaseMissing = Objects.requireNonNull(onDatabaseMissing, "onDatabaseMissing");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.schemaRefresh = Objects.requireNonNull(schemaRefresh, "schemaRefresh");
  }

  /** Returns a collector like this one that reads the clock and refreshes its schema as given. */
  static OdooQueueCollector withSchemaRefresh(
      OdooTarget target, OdooTarget.Tenant tenant, PgSessions sessions, Clock clock,
      Duration schemaRefresh) {
    return new OdooQueueCollector(target.server(), tenant, sessions, target.interval(),
        TenantSections.create(target), () -> {}, clock, schemaRefresh);
  }

  @Override
  public TargetId target() {
    return id;
  }

  @Override
  public Labels healthLabels() {
    return healthLabels;
  }

  @Override
  public Duration interval() {
    return interval;
  }

  /**
   * Reads the tenant on the worker pool: the modules, then every section that applies. Waiting for
   * a connection permit may take up to half the scrape timeout.
   */
  @Override
  public Future<List<Sample>> scrape(ScrapeContext context) {
    Duration permitWait = context.timeout().dividedBy(2);
    return context
        .blocking(
            () ->
                sessions.withConnection(server, tenant.database(), permitWait, this::read))
        .recover(
            failure -> {
              if (isDatabaseMissing(failure)) {
                onDatabaseMissing.run();
              }
              return Future.failedFuture(
                  PgScrapeFailures.describe(server, tenant.database(), context.timeout(), failure));
            });
  }

  /** Returns true when {@code failure} or one of its causes is SQLSTATE 3D000. */
  static boolean isDatabaseMissing(Throwable failure) {
    return hasSqlState(failure, Set.of(DATABASE_MISSING_STATE));
  }

  /** Returns true when {@code failure} or one of its causes has one of {@code states}. */
  static boolean hasSqlState(Throwable failure, Set<String> states) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql && states.contains(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  List<Sample> read(Connection connection) throws SQLException {
    synchronized (sections) {
      boolean cached = modules != null && !isSchemaDue();
      try {
        return readSections(connection);
      } catch (SQLException e) {
        if (!hasSqlState(e, SCHEMA_CHANGED_STATES)) {
          throw e;
        }
        schemaChanged = true;
        if (!cached) {
          throw e;
        }
        // A module uninstall or upgrade drops tables and columns that the cached schema still
        // lists. Reading the schema and the sections again at once keeps that from failing the
        // scrape. The sections' cumulative state makes the second pass count nothing twice.
        try {
          return readSections(connection);
        } catch (SQLException again) {
          schemaChanged |= hasSqlState(again, SCHEMA_CHANGED_STATES);
          throw again;
        }
      }
    }
  }

  private List<Sample> readSections(Connection connection) throws SQLException {
    InstalledModules current = modules(connection);
    List<Sample> samples = new ArrayList<>();
    addModules(current, samples);
    for (TenantSection section : sections) {
      if (section.appliesTo(current)) {
        section.read(connection, tenantLabels, samples);
      }
    }
    return samples;
  }

  private boolean isSchemaDue() {
    return modules == null || schemaChanged
        || !clock.instant().isBefore(modulesReadAt.plus(schemaRefresh));
  }

  /** Returns the cached modules, first reading them again when they are due or out of date. */
  private InstalledModules modules(Connection connection) throws SQLException {
    if (isSchemaDue()) {
      Instant now = clock.instant();
      modules = null;
      sections.forEach(TenantSection::forgetSchema);
      modules = InstalledModules.read(connection);
      modulesReadAt = now;
      schemaChanged = false;
    }
    return modules;
  }

  private void addModules(InstalledModules modules, List<Sample> out) {
    out.add(
        Sample.gauge(
            TENANT_INFO,
            "Always 1; the labels give the tenant's database and installed Odoo base version",
            1,
            tenantLabels
                .with("database", tenant.database())
                .with("version", modules.baseVersion())));
    for (String module : InstalledModules.WATCHED) {
      out.add(
          Sample.gauge(
              MODULE_INSTALLED,
              "1 when the Odoo module is installed in the tenant database",
              modules.isInstalled(module) ? 1 : 0,
              tenantLabels.with("module", module)));
    }
  }
}
