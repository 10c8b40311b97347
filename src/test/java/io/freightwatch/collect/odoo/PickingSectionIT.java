package io.freightwatch.collect.odoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.config.OdooSignals;
import io.freightwatch.store.Sample;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The picking section against stock tables built from the Odoo 17 reference schema: warehouse WH
 * with receipts, deliveries and pick operations, and a company-level operation type without one.
 */
class PickingSectionIT {

  @RegisterExtension
  static final TenantScrapes scrapes = new TenantScrapes();

  @Test
  void countsOpenPickingsPerTypeAndState() throws Exception {
    String database = scrapes.server.createOdooDatabase("business_pickings");
    OdooFixture fixture = stockTenant(database);
    LocalDateTime now = fixture.serverUtcNow();
    fixture.picking("outgoing", "assigned", now.minusHours(1), null);
    fixture.picking("outgoing", "assigned", now.plusHours(1), null);
    fixture.picking("outgoing", "confirmed", now.minusHours(3), null);
    fixture.picking("outgoing", "done", now.minusHours(3), null);
    fixture.picking("incoming", "assigned", now.minusHours(5), null);
    fixture.picking("incoming", "cancel", now.minusHours(5), null);
    fixture.picking("internal", "x_quality_hold", now.minusHours(5), null);
    fixture.picking("mrp_operation", "draft", now.plusDays(1), null);

    List<Sample> samples = scrapes.scrape(scrapes.collector(database, OdooSignals.DEFAULT));

    Map<String, Double> pickings = TenantScrapes.values(samples, PickingSection.PICKINGS);
    assertThat(pickings)
        .containsEntry(series("WH", "outgoing", "assigned"), 2.0)
        .containsEntry(series("WH", "outgoing", "confirmed"), 1.0)
        .containsEntry(series("WH", "outgoing", "draft"), 0.0)
        .containsEntry(series("WH", "incoming", "assigned"), 1.0)
        .containsEntry(series("WH", "internal", "x_quality_hold"), 1.0)
        .containsEntry(series("none", "mrp_operation", "draft"), 1.0)
        .hasSize(4 * 4 + 1);
    assertThat(pickings.keySet()).noneMatch(key -> key.contains("done") || key.contains("cancel"));
    assertThat(TenantScrapes.values(samples, PickingSection.READY_LATE))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "{picking_type=\"incoming\",warehouse=\"WH\"}", 1.0,
                "{picking_type=\"internal\",warehouse=\"WH\"}", 0.0,
                "{picking_type=\"outgoing\",warehouse=\"WH\"}", 1.0,
                "{picking_type=\"mrp_operation\",warehouse=\"none\"}", 0.0));
  }

  @Test
  void deliveriesPastDeadlineSkipReceiptsAndDone() throws Exception {
    String database = scrapes.server.createOdooDatabase("business_deadline");
    OdooFixture fixture = stockTenant(database);
    LocalDateTime now = fixture.serverUtcNow();
    fixture.picking("outgoing", "assigned", now.plusHours(1), now.minusMinutes(30));
    fixture.picking("outgoing", "waiting", now.minusHours(2), now.minusHours(1));
    fixture.picking("outgoing", "confirmed", now.minusHours(2), now.plusHours(4));
    fixture.picking("outgoing", "done", now.minusHours(2), now.minusHours(1));
    fixture.picking("incoming", "assigned", now.minusHours(2), now.minusHours(1));

    List<Sample> samples = scrapes.scrape(scrapes.collector(database, OdooSignals.DEFAULT));

    assertThat(TenantScrapes.values(samples, PickingSection.PAST_DEADLINE))
        .containsExactlyEntriesOf(Map.of("{warehouse=\"WH\"}", 2.0));
  }

  @Test
  void openPickingQueryUsesStateIndex() throws Exception {
    String database = scrapes.server.createOdooDatabase("business_picking_plan");
    OdooFixture fixture = stockTenant(database);
    LocalDateTime now = fixture.serverUtcNow();
    fixture.sql(
        "INSERT INTO stock_picking (name, move_type, state, scheduled_date, location_id,"
            + " location_dest_id, picking_type_id, company_id)"
            + " SELECT 'WH/OUT/' || g, 'direct', CASE WHEN g % 10 = 0 THEN 'cancel' ELSE 'done'"
            + " END, ?, 8, 5, 2, 1 FROM generate_series(1, 50000) AS g",
        now.minusDays(30));
    for (int i = 0; i < 20; i++) {
      fixture.picking("outgoing", "assigned", now, null);
    }
    fixture.sql("ANALYZE stock_picking");

    String plan = explain(database, PickingSection.OPEN_PICKINGS_SQL);

    assertThat(plan).contains("stock_picking__state_index").doesNotContain("Seq Scan on"
        + " stock_picking p");
  }

  private static String explain(String database, String sql) throws Exception {
    StringBuilder plan = new StringBuilder();
    try (Connection admin = scrapes.server.admin(database);
        Statement statement = admin.createStatement();
        ResultSet rows = statement.executeQuery("EXPLAIN " + sql)) {
      while (rows.next()) {
        plan.append(rows.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }

  private static String series(String warehouse, String type, String state) {
    return "{picking_type=\"" + type + "\",state=\"" + state + "\",warehouse=\"" + warehouse
        + "\"}";
  }

  private static OdooFixture stockTenant(String database) throws Exception {
    return new OdooFixture(scrapes.server, database)
        .module("base", "installed", "17.0.1.3")
        .module("stock", "installed", "17.0.1.1")
        .stockWarehouse();
  }
}
