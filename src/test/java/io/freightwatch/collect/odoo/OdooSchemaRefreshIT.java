package io.freightwatch.collect.odoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.freightwatch.config.OdooSignals;
import io.freightwatch.notify.TestClock;
import io.freightwatch.store.Sample;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The modules, schema probes and reference rows a tenant's collector caches: read again after the
 * refresh interval, and at once or at the next scrape after a statement hit a dropped table.
 */
class OdooSchemaRefreshIT {

  private static final Duration JUST_BEFORE_REFRESH =
      OdooQueueCollector.SCHEMA_REFRESH.minusSeconds(1);

  @RegisterExtension
  static final TenantScrapes scrapes = new TenantScrapes();

  @Test
  void operationTypesRereadAfterRefresh() throws Exception {
    String database = scrapes.server.createOdooDatabase("schema_refresh_types");
    new OdooFixture(scrapes.server, database)
        .module("base", "installed", "17.0.1.3")
        .module("stock", "installed", "17.0.1.1")
        .stockWarehouse();
    TestClock clock = new TestClock(Instant.parse("2026-03-03T10:00:00Z"));
    OdooQueueCollector collector = scrapes.collector(database, OdooSignals.DEFAULT, clock);
    StatementCounter counter = new StatementCounter();
    String dropship = "{picking_type=\"dropship\",warehouse=\"WH\"}";

    List<Sample> first = scrapes.scrapeCounted(collector, database, counter);
    scrapes.server.execute(
        database,
        "INSERT INTO stock_picking_type (name, sequence_code, code, warehouse_id, active,"
            + " company_id, reservation_method, create_backorder) VALUES"
            + " ('{\"en_US\": \"Dropship\"}', 'DS', 'dropship', 1, true, 1, 'at_confirm', 'ask')");
    clock.advance(JUST_BEFORE_REFRESH);
    counter.clear();
    List<Sample> cached = scrapes.scrapeCounted(collector, database, counter);
    List<String> cachedStatements = counter.statements();
    clock.advance(Duration.ofSeconds(1));
    counter.clear();
    List<Sample> refreshed = scrapes.scrapeCounted(collector, database, counter);

    assertThat(readyLate(first)).containsEntry("{picking_type=\"outgoing\",warehouse=\"WH\"}", 0.0)
        .doesNotContainKey(dropship);
    assertThat(readyLate(cached)).doesNotContainKey(dropship);
    assertThat(cachedStatements).noneMatch(sql -> sql.contains("FROM stock_picking_type pt"));
    assertThat(cachedStatements).noneMatch(sql -> sql.contains("ir_module_module"));
    assertThat(readyLate(refreshed)).containsEntry(dropship, 0.0);
    assertThat(counter.statements()).anyMatch(sql -> sql.contains("ir_module_module"));
  }

  @Test
  void operationTypeOfNewPickingRereadAtOnce() throws Exception {
    String database = scrapes.server.createOdooDatabase("schema_refresh_new_type");
    OdooFixture fixture =
        new OdooFixture(scrapes.server, database)
            .module("base", "installed", "17.0.1.3")
            .module("stock", "installed", "17.0.1.1")
            .stockWarehouse();
    TestClock clock = new TestClock(Instant.parse("2026-03-03T10:00:00Z"));
    OdooQueueCollector collector = scrapes.collector(database, OdooSignals.DEFAULT, clock);
    StatementCounter counter = new StatementCounter();
    LocalDateTime now = fixture.serverUtcNow();

    scrapes.scrapeCounted(collector, database, counter);
    scrapes.server.execute(
        database,
        "INSERT INTO stock_picking_type (name, sequence_code, code, warehouse_id, active,"
            + " company_id, reservation_method, create_backorder) VALUES"
            + " ('{\"en_US\": \"Dropship\"}', 'DS', 'dropship', 1, true, 1, 'at_confirm', 'ask')");
    fixture.picking("dropship", "assigned", now.minusHours(1), null);
    List<Sample> samples = scrapes.scrapeCounted(collector, database, counter);

    assertThat(TenantScrapes.values(samples, PickingSection.PICKINGS))
        .containsEntry("{picking_type=\"dropship\",state=\"assigned\",warehouse=\"WH\"}", 1.0)
        .containsEntry("{picking_type=\"dropship\",state=\"draft\",warehouse=\"WH\"}", 0.0);
  }

  @Test
  void ediBackendOfNewRecordNamedAtOnce() throws Exception {
    String database = scrapes.server.createOdooDatabase("schema_refresh_edi_backend");
    OdooFixture fixture =
        new OdooFixture(scrapes.server, database)
            .module("base", "installed", "17.0.1.3")
            .module("edi_oca", "installed", "17.0.1.1.2")
            .ediBackends();
    TestClock clock = new TestClock(Instant.parse("2026-03-03T10:00:00Z"));
    OdooQueueCollector collector = scrapes.collector(database, OdooSignals.DEFAULT, clock);
    StatementCounter counter = new StatementCounter();

    scrapes.scrapeCounted(collector, database, counter);
    fixture.sql("INSERT INTO edi_backend (id, name, backend_type_id, active) VALUES"
        + " (3, 'Carrier portal', 1, true)");
    fixture.sql("INSERT INTO edi_exchange_type (id, backend_id, backend_type_id, name, code,"
        + " direction, active) VALUES (3, 3, 1, 'Tracking', 'tracking_import', 'input', true)");
    fixture.exchange(1, 3, 3, "input_received", fixture.serverUtcNow());
    List<Sample> samples = scrapes.scrapeCounted(collector, database, counter);

    assertThat(TenantScrapes.values(samples, EdiSection.EXCHANGES))
        .containsEntry("{backend=\"Carrier portal\",exchange_type=\"tracking_import\"}", 1.0)
        .doesNotContainKey("{backend=\"backend 3\",exchange_type=\"type 3\"}");
  }

  @Test
  void installedModuleShowsAfterRefresh() throws Exception {
    String database = scrapes.server.createOdooDatabase("schema_refresh_module");
    OdooFixture fixture =
        new OdooFixture(scrapes.server, database).module("base", "installed", "17.0.1.3");
    TestClock clock = new TestClock(Instant.parse("2026-03-03T10:00:00Z"));
    OdooQueueCollector collector = scrapes.collector(database, OdooSignals.DEFAULT, clock);
    StatementCounter counter = new StatementCounter();

    List<Sample> before = scrapes.scrapeCounted(collector, database, counter);
    fixture.module("mail", "installed", "17.0.1.15");
    clock.advance(JUST_BEFORE_REFRESH);
    List<Sample> cached = scrapes.scrapeCounted(collector, database, counter);
    clock.advance(Duration.ofSeconds(1));
    List<Sample> refreshed = scrapes.scrapeCounted(collector, database, counter);

    assertThat(mailInstalled(before)).isEqualTo(0.0);
    assertThat(mailInstalled(cached)).isEqualTo(0.0);
    assertThat(TenantScrapes.values(cached, MailSection.OUTGOING_DUE)).isEmpty();
    assertThat(mailInstalled(refreshed)).isEqualTo(1.0);
    assertThat(TenantScrapes.values(refreshed, MailSection.OUTGOING_DUE))
        .containsExactly(Map.entry("{}", 0.0));
  }

  @Test
  void droppedTableRereadAtOnce() throws Exception {
    String database = scrapes.server.createOdooDatabase("schema_refresh_dropped");
    OdooFixture fixture =
        new OdooFixture(scrapes.server, database)
            .module("base", "installed", "17.0.1.3")
            .module("queue_job", "installed", "17.0.1.1.0");
    fixture.job("root", "started", fixture.serverUtcNow().minusHours(3),
        fixture.serverUtcNow().minusHours(3), null, 0);
    TestClock clock = new TestClock(Instant.parse("2026-03-03T10:00:00Z"));
    OdooQueueCollector collector = scrapes.collector(database, OdooSignals.DEFAULT, clock);
    StatementCounter counter = new StatementCounter();

    List<Sample> withLockTable = scrapes.scrapeCounted(collector, database, counter);
    scrapes.server.execute(database, "DROP TABLE queue_job_lock");
    counter.clear();
    List<Sample> reread = scrapes.scrapeCounted(collector, database, counter);

    assertThat(suspectLocks(withLockTable)).containsExactly("missing");
    assertThat(counter.statements()).anyMatch(sql -> sql.contains("ir_module_module"));
    assertThat(counter.statements()).anyMatch(sql -> sql.contains("to_regclass('queue_job_lock')"));
    assertThat(suspectLocks(reread)).containsExactly("no_lock_table");
  }

  @Test
  void missingTableRereadsNextScrape() throws Exception {
    String database = scrapes.server.createOdooDatabase("schema_refresh_missing");
    new OdooFixture(scrapes.server, database)
        .module("base", "installed", "17.0.1.3")
        .module("mail", "installed", "17.0.1.15")
        .sql("DROP TABLE mail_mail");
    TestClock clock = new TestClock(Instant.parse("2026-03-03T10:00:00Z"));
    OdooQueueCollector collector = scrapes.collector(database, OdooSignals.DEFAULT, clock);
    StatementCounter counter = new StatementCounter();

    assertThatThrownBy(() -> scrapes.scrapeCounted(collector, database, counter))
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42P01"));
    List<String> first = counter.statements();
    counter.clear();
    assertThatThrownBy(() -> scrapes.scrapeCounted(collector, database, counter))
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42P01"));

    assertThat(first).filteredOn(sql -> sql.contains("ir_module_module")).hasSize(1);
    assertThat(first).filteredOn(sql -> sql.contains("FROM mail_mail")).hasSize(1);
    assertThat(counter.statements()).filteredOn(sql -> sql.contains("ir_module_module"))
        .hasSize(1);
  }

  @Test
  void addedTableShowsAfterRefresh() throws Exception {
    String database = scrapes.server.createOdooDatabase("schema_refresh_added");
    OdooFixture fixture =
        new OdooFixture(scrapes.server, database)
            .module("base", "installed", "17.0.1.3")
            .module("queue_job", "installed", "17.0.1.1.0");
    fixture.sql("ALTER TABLE queue_job_lock RENAME TO queue_job_lock_later");
    fixture.job("root", "started", fixture.serverUtcNow().minusHours(3),
        fixture.serverUtcNow().minusHours(3), null, 0);
    TestClock clock = new TestClock(Instant.parse("2026-03-03T10:00:00Z"));
    OdooQueueCollector collector = scrapes.collector(database, OdooSignals.DEFAULT, clock);
    StatementCounter counter = new StatementCounter();

    List<Sample> withoutLockTable = scrapes.scrapeCounted(collector, database, counter);
    fixture.sql("ALTER TABLE queue_job_lock_later RENAME TO queue_job_lock");
    clock.advance(JUST_BEFORE_REFRESH);
    List<Sample> cached = scrapes.scrapeCounted(collector, database, counter);
    clock.advance(Duration.ofSeconds(1));
    List<Sample> refreshed = scrapes.scrapeCounted(collector, database, counter);

    assertThat(suspectLocks(withoutLockTable)).containsExactly("no_lock_table");
    assertThat(suspectLocks(cached)).containsExactly("no_lock_table");
    assertThat(suspectLocks(refreshed)).containsExactly("missing");
  }

  private static Map<String, Double> readyLate(List<Sample> samples) {
    return TenantScrapes.values(samples, PickingSection.READY_LATE);
  }

  private static double mailInstalled(List<Sample> samples) {
    return TenantScrapes.values(samples, OdooQueueCollector.MODULE_INSTALLED)
        .get("{module=\"mail\"}");
  }

  private static List<String> suspectLocks(List<Sample> samples) {
    return samples.stream()
        .filter(sample -> sample.name().equals(DeadJobSignals.SUSPECT_AGE))
        .map(sample -> sample.labels().get("lock"))
        .toList();
  }
}
