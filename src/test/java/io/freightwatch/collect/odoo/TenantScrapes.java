package io.freightwatch.collect.odoo;

import io.freightwatch.collect.postgres.PgSessions;
import io.freightwatch.collect.postgres.ScrapeHarness;
import io.freightwatch.collect.postgres.TestPostgres;
import io.freightwatch.config.OdooSignals;
import io.freightwatch.config.OdooTarget;
import io.freightwatch.config.PostgresTarget;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Scrapes test tenants the way the agent does, with every section registered for an Odoo target,
 * and picks values out of the samples. A test class registers one as a static extension field:
 * it connects before the class's tests (or skips them without a server) and drops the databases
 * it created after them.
 */
final class TenantScrapes implements BeforeAllCallback, AfterAllCallback {

  static final Labels ACME = Labels.of("tenant", "acme", "cluster", "test-cluster");

  TestPostgres server;
  private ScrapeHarness harness;
  private PgSessions sessions;

  @Override
  public void beforeAll(ExtensionContext context) {
    server = TestPostgres.connectOrSkip();
    harness = new ScrapeHarness(Duration.ofSeconds(10));
    sessions = new PgSessions(2);
  }

  /** Returns a collector for tenant acme in {@code database}, with {@code signals}. */
  OdooQueueCollector collector(String database, OdooSignals signals) {
    OdooTarget target =
        new OdooTarget(
            target(),
            List.of(),
            Optional.empty(),
            Duration.ofSeconds(15),
            signals);
    return new OdooQueueCollector(target, new OdooTarget.Tenant("acme", database), sessions);
  }

  /**
   * Returns a collector for tenant acme in {@code database} that refreshes its cached modules and
   * schema after {@link OdooQueueCollector#SCHEMA_REFRESH} of {@code clock}.
   */
  OdooQueueCollector collector(String database, OdooSignals signals, Clock clock) {
    OdooTarget target =
        new OdooTarget(target(), List.of(), Optional.empty(), Duration.ofSeconds(15), signals);
    return OdooQueueCollector.withSchemaRefresh(target, new OdooTarget.Tenant("acme", database),
        sessions, clock, OdooQueueCollector.SCHEMA_REFRESH);
  }

  List<Sample> scrape(OdooQueueCollector collector) {
    return harness.scrape(collector);
  }

  /**
   * Scrapes {@code collector} on the calling thread over a pooled connection of {@code database},
   * recording the statements in {@code counter}.
   */
  List<Sample> scrapeCounted(
      OdooQueueCollector collector, String database, StatementCounter counter)
      throws SQLException {
    return sessions.withConnection(
        target(), database, Duration.ofSeconds(5), c -> collector.read(counter.wrap(c)));
  }

  private PostgresTarget target() {
    return server.target("test-pg", "postgres", Duration.ofSeconds(5));
  }

  /** Returns the values of {@code name} by their labels without tenant and cluster. */
  static Map<String, Double> values(List<Sample> samples, String name) {
    Map<String, Double> values = new TreeMap<>();
    for (Sample sample : samples) {
      if (sample.name().equals(name)) {
        if (!sample.labels().get("tenant").equals("acme")
            || !sample.labels().get("cluster").equals("test-cluster")) {
          throw new AssertionError("sample without tenant and cluster labels: " + sample);
        }
        values.put(sample.labels().without("tenant").without("cluster").toString(),
            sample.value());
      }
    }
    return values;
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (server == null) {
      return;
    }
    sessions.close();
    harness.close();
    server.close();
  }
}
