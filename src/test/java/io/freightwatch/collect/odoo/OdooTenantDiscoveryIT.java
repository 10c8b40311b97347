package io.freightwatch.collect.odoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.groups.Tuple.tuple;

import io.freightwatch.collect.postgres.PgSessions;
import io.freightwatch.collect.postgres.ScrapeHarness;
import io.freightwatch.collect.postgres.TestPostgres;
import io.freightwatch.config.OdooTarget;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Discovery over databases named {@code fw_odoo_<run>_*}, where {@code <run>} keeps this run apart
 * from other databases on the shared test server.
 */
class OdooTenantDiscoveryIT {

  private static TestPostgres server;
  private static ScrapeHarness harness;
  private static String prefix;
  private static String explicitDatabase;
  private static String plainExplicitDatabase;

  @BeforeAll
  static void createDatabases() throws Exception {
    server = TestPostgres.connectOrSkip();
    harness = new ScrapeHarness(Duration.ofSeconds(20));
    prefix = "fw_odoo_" + TestPostgres.uniqueSuffix() + "_";

    new OdooFixture(server, server.createNamedOdooDatabase(prefix + "acme"))
        .module("base", "installed", "17.0.1.3")
        .module("queue_job", "installed", "17.0.1.0.5")
        .module("stock", "installed", "17.0.1.1")
        .module("stock_delivery", "to upgrade", "17.0.1.0")
        .module("mail", "uninstalled", "17.0.1.15")
        .module("edi_oca", "to install", null);
    new OdooFixture(server, server.createNamedOdooDatabase(prefix + "globex"))
        .module("base", "installed", "16.0.1.3")
        .module("delivery", "installed", "16.0.1.0");
    new OdooFixture(server, server.createNamedOdooDatabase(prefix + "template"))
        .module("base", "installed", "17.0.1.3");
    server.createNamedDatabase(prefix + "plain");
    String frozen = server.createNamedOdooDatabase(prefix + "frozen");
    new OdooFixture(server, frozen).module("base", "installed", "17.0.1.3");
    new OdooFixture(server, "postgres").sql("ALTER DATABASE " + frozen + " IS_TEMPLATE true");
    String closed = server.createNamedOdooDatabase(prefix + "closed");
    new OdooFixture(server, closed).module("base", "installed", "17.0.1.3");
    new OdooFixture(server, "postgres")
        .sql("ALTER DATABASE " + closed + " ALLOW_CONNECTIONS false");
    explicitDatabase = server.createOdooDatabase("explicit");
    new OdooFixture(server, explicitDatabase)
        .module("base", "installed", "18.0.1.3")
        .module("mail", "installed", "18.0.1.0");
    plainExplicitDatabase = server.createDatabase("explicit_plain");
  }

  @AfterAll
  static void dropDatabases() throws Exception {
    if (harness != null) {
      harness.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void findsIncludedOdooDatabases() {
    List<OdooTenant> tenants = discover(List.of(), discovery());

    assertThat(tenants)
        .containsExactly(
            new OdooTenant(
                "acme",
                prefix + "acme",
                "17.0.1.3",
                Set.of("queue_job", "stock", "stock_delivery")),
            new OdooTenant("globex", prefix + "globex", "16.0.1.3", Set.of("delivery")));
  }

  @Test
  void explicitTenantsAreAlwaysIncluded() {
    List<OdooTarget.Tenant> explicit =
        List.of(
            new OdooTarget.Tenant("initech", explicitDatabase),
            new OdooTarget.Tenant("umbrella", plainExplicitDatabase));

    List<OdooTenant> tenants = discover(explicit, discovery());

    assertThat(tenants)
        .extracting(OdooTenant::name)
        .containsExactly("acme", "globex", "initech", "umbrella");
    assertThat(tenants.get(2))
        .isEqualTo(new OdooTenant("initech", explicitDatabase, "18.0.1.3", Set.of("mail")));
    assertThat(tenants.get(3))
        .isEqualTo(new OdooTenant("umbrella", plainExplicitDatabase, "", Set.of()));
  }

  @Test
  void explicitNameWinsOverDiscovered() {
    List<OdooTarget.Tenant> explicit = List.of(new OdooTarget.Tenant("acme-eu", prefix + "acme"));

    List<OdooTenant> tenants = discover(explicit, discovery());

    assertThat(tenants)
        .extracting(OdooTenant::name, OdooTenant::database)
        .containsExactly(tuple("acme-eu", prefix + "acme"), tuple("globex", prefix + "globex"));
  }

  @Test
  void withoutDiscoveryOnlyExplicitTenants() {
    List<OdooTenant> tenants =
        discover(List.of(new OdooTarget.Tenant("initech", explicitDatabase)), null);

    assertThat(tenants).extracting(OdooTenant::name).containsExactly("initech");
  }

  @Test
  void sessionsStayWithinCap() {
    try (PgSessions sessions = new PgSessions(1)) {
      OdooTarget target = target(List.of(), discovery());

      List<OdooTenant> tenants =
          harness.await(
              () -> new OdooTenantDiscovery(target, sessions).discover(harness.context()));

      assertThat(tenants).hasSize(2);
      assertThat(sessions.usage().open()).isEqualTo(1);
    }
  }

  @Test
  void busySessionsFailDiscovery() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    ExecutorService holder = Executors.newSingleThreadExecutor();
    try (PgSessions sessions = new PgSessions(1);
        ScrapeHarness shortScrapes = new ScrapeHarness(Duration.ofSeconds(1))) {
      OdooTarget target = target(List.of(new OdooTarget.Tenant("initech", explicitDatabase)), null);
      holder.submit(
          () ->
              sessions.withConnection(
                  target.server(),
                  "postgres",
                  Duration.ofSeconds(5),
                  connection -> {
                    holding.countDown();
                    try {
                      return finish.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException interrupted) {
                      Thread.currentThread().interrupt();
                      return false;
                    }
                  }));
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

      Throwable failure =
          catchThrowable(
              () ->
                  shortScrapes.await(
                      () ->
                          new OdooTenantDiscovery(target, sessions)
                              .discover(shortScrapes.context())));

      assertThat(failure).isInstanceOf(ScrapeHarness.ScrapeFailed.class);
      assertThat(failure.getCause())
          .isInstanceOf(SQLException.class)
          .hasMessageContaining(
              "no PostgreSQL connection free for target test-pg database " + explicitDatabase);
    } finally {
      finish.countDown();
      holder.shutdown();
    }
  }

  @Test
  void refreshKeepsKnownTenantWithoutReopening() throws Exception {
    String database = server.createOdooDatabase("cached");
    new OdooFixture(server, database).module("base", "installed", "17.0.1.3");
    OdooTarget.Discovery onlyThis = new OdooTarget.Discovery(
        Pattern.compile(Pattern.quote(database)), Pattern.compile("(?!)"),
        Pattern.compile("(?<tenant>.+)"), Duration.ofMinutes(5));
    OdooTarget target = target(List.of(), onlyThis);
    try (PgSessions sessions = new PgSessions(2)) {
      OdooTenantDiscovery discovery = new OdooTenantDiscovery(target, sessions);
      List<OdooTenant> first = harness.await(() -> discovery.discover(harness.context()));
      // Without its module table the database is no Odoo tenant for a discovery that opens it.
      new OdooFixture(server, database).sql("DROP TABLE ir_module_module CASCADE");

      List<OdooTenant> refreshed = harness.await(() -> discovery.discover(harness.context()));
      List<OdooTenant> fresh = harness.await(
          () -> new OdooTenantDiscovery(target, sessions).discover(harness.context()));

      OdooTenant expected = new OdooTenant(database, database, "17.0.1.3", Set.of());
      assertThat(first).containsExactly(expected);
      assertThat(refreshed).containsExactly(expected);
      assertThat(fresh).isEmpty();
    }
  }

  @Test
  void keepsKnownTenantClosedToConnections() throws Exception {
    String known = server.createOdooDatabase("closed");
    new OdooFixture(server, known).module("base", "installed", "17.0.1.3");
    String closedNew = server.createOdooDatabase("closednew");
    new OdooFixture(server, closedNew).module("base", "installed", "17.0.1.3");
    OdooTarget.Discovery onlyThese = new OdooTarget.Discovery(
        Pattern.compile(Pattern.quote(known) + "|" + Pattern.quote(closedNew)),
        Pattern.compile("(?!)"), Pattern.compile("(?<tenant>.+)"), Duration.ofMinutes(5));
    OdooTarget target = target(List.of(), onlyThese);
    try (PgSessions sessions = new PgSessions(2)) {
      setAllowConnections(closedNew, false);
      OdooTenantDiscovery discovery = new OdooTenantDiscovery(target, sessions);
      List<OdooTenant> first = harness.await(() -> discovery.discover(harness.context()));

      setAllowConnections(known, false);
      List<OdooTenant> refreshed = harness.await(() -> discovery.discover(harness.context()));
      List<OdooTenant> fresh = harness.await(
          () -> new OdooTenantDiscovery(target, sessions).discover(harness.context()));

      // A new database closed to connections cannot be opened to look for Odoo tables.
      assertThat(first).extracting(OdooTenant::database).containsExactly(known);
      // A tenant found earlier stays while its database exists, so its scrapes fail and alert.
      assertThat(refreshed).extracting(OdooTenant::database).containsExactly(known);
      assertThat(fresh).isEmpty();
    } finally {
      setAllowConnections(known, true);
      setAllowConnections(closedNew, true);
    }
  }

  private static void setAllowConnections(String database, boolean allowed) throws Exception {
    server.execute("postgres",
        "ALTER DATABASE \"" + database + "\" ALLOW_CONNECTIONS " + allowed);
  }

  private static OdooTarget.Discovery discovery() {
    String quoted = Pattern.quote(prefix);
    return new OdooTarget.Discovery(
        Pattern.compile(quoted + ".*"),
        Pattern.compile(quoted + "template"),
        Pattern.compile(quoted + "(?<tenant>.+)"),
        Duration.ofMinutes(5));
  }

  private static List<OdooTenant> discover(
      List<OdooTarget.Tenant> explicit, OdooTarget.Discovery discovery) {
    try (PgSessions sessions = new PgSessions(4)) {
      OdooTarget target = target(explicit, discovery);
      return harness.await(
          () -> new OdooTenantDiscovery(target, sessions).discover(harness.context()));
    }
  }

  private static OdooTarget target(
      List<OdooTarget.Tenant> explicit, OdooTarget.Discovery discovery) {
    return new OdooTarget(
        server.target("test-pg", "postgres", Duration.ofSeconds(5)),
        explicit,
        Optional.ofNullable(discovery),
        Duration.ofSeconds(15));
  }
}
