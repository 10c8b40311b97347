package io.freightwatch.collect.odoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.config.OdooSignals;
import io.freightwatch.config.OdooSignals.CustomQuery;
import io.freightwatch.store.Sample;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Custom queries against a tenant built from the Odoo 17 reference schema. */
class CustomQuerySectionIT {

  private static final String LABELS_WAITING =
      "SELECT coalesce(p.carrier_id::text, 'none') AS carrier, count(*) AS pickings"
          + " FROM stock_picking p WHERE p.state = 'assigned' AND p.carrier_tracking_ref IS NULL"
          + " GROUP BY 1";

  @RegisterExtension
  static final TenantScrapes scrapes = new TenantScrapes();

  @Test
  void emitsLabelledGaugePerRow() throws Exception {
    String database = scrapes.server.createOdooDatabase("business_custom_rows");
    OdooFixture fixture = tenant(database);
    addWaitingPickings(fixture);
    CustomQuery query = query("waiting_label", LABELS_WAITING, "pickings", List.of("carrier"));

    List<Sample> samples = scrape(database, query);

    assertThat(TenantScrapes.values(samples, "freightwatch_custom_waiting_label"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("{carrier=\"1\"}", 2.0, "{carrier=\"none\"}", 1.0));
    assertThat(TenantScrapes.values(samples, CustomQuerySection.UP))
        .containsExactlyEntriesOf(Map.of("{query=\"waiting_label\"}", 1.0));
    assertThat(samples)
        .filteredOn(s -> s.name().equals("freightwatch_custom_waiting_label"))
        .allMatch(s -> s.help().equals("help of waiting_label"));
  }

  @Test
  void failingQueryKeepsOtherSignals() throws Exception {
    String database = scrapes.server.createOdooDatabase("business_custom_fail");
    OdooFixture fixture = tenant(database);
    addWaitingPickings(fixture);
    CustomQuery broken = query("broken", "SELECT count(*) AS n FROM sale_order", "n", List.of());
    CustomQuery good = query("waiting_label", LABELS_WAITING, "pickings", List.of("carrier"));

    List<Sample> samples = scrape(database, broken, good);

    assertThat(TenantScrapes.values(samples, CustomQuerySection.UP))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("{query=\"broken\"}", 0.0, "{query=\"waiting_label\"}", 1.0));
    assertThat(TenantScrapes.values(samples, "freightwatch_custom_waiting_label")).hasSize(2);
    assertThat(TenantScrapes.values(samples, PickingSection.PICKINGS)).isNotEmpty();
  }

  @Test
  void timeoutEndsOnlyThatQuery() throws Exception {
    String database = scrapes.server.createOdooDatabase("business_custom_timeout");
    tenant(database);
    CustomQuery slow =
        new CustomQuery("slow", "freightwatch_custom_slow", "slow", "SELECT pg_sleep(3) AS n",
            "n", List.of(), 10, Duration.ofMillis(300), "targets.odoo[0].custom_queries[0]");
    CustomQuery quick = query("quick", "SELECT 7 AS n", "n", List.of());

    List<Sample> samples = scrape(database, slow, quick);

    assertThat(TenantScrapes.values(samples, CustomQuerySection.UP))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("{query=\"quick\"}", 1.0, "{query=\"slow\"}", 0.0));
    assertThat(TenantScrapes.values(samples, "freightwatch_custom_quick"))
        .containsExactlyEntriesOf(Map.of("{}", 7.0));
  }

  @Test
  void reportsMoreRowsThanLimit() throws Exception {
    String database = scrapes.server.createOdooDatabase("business_custom_limit");
    tenant(database);
    CustomQuery many =
        new CustomQuery("many", "freightwatch_custom_many", "many",
            "SELECT g::text AS id, g AS n FROM generate_series(1, 1000000) g", "n",
            List.of("id"), 5, Duration.ofSeconds(2), "targets.odoo[0].custom_queries[0]");

    String error = errorOf(database, many);

    assertThat(error)
        .isEqualTo(
            "returned more than 5 rows; add a LIMIT or a GROUP BY to the query, or raise"
                + " targets.odoo[0].custom_queries[0].max_rows");
  }

  @Test
  void namesMissingLabelColumnAndKey() throws Exception {
    String database = scrapes.server.createOdooDatabase("business_custom_column");
    tenant(database);
    CustomQuery query = query("no_carrier", "SELECT 1 AS pickings", "pickings",
        List.of("carrier"));

    String error = errorOf(database, query);

    assertThat(error)
        .isEqualTo(
            "targets.odoo[0].custom_queries[0].labels: column \"carrier\" is not in the query's"
                + " result, which has the columns [pickings]; name it in the SELECT list (e.g."
                + " ... AS carrier) or fix labels");
  }

  @Test
  void writeInQueryIsRejected() throws Exception {
    String database = scrapes.server.createOdooDatabase("business_custom_write");
    OdooFixture fixture = tenant(database);
    addWaitingPickings(fixture);
    CustomQuery write =
        query("write", "WITH d AS (DELETE FROM stock_picking RETURNING 1) SELECT count(*) AS n"
            + " FROM d", "n", List.of());

    String error = errorOf(database, write);

    assertThat(error).contains("read-only transaction").contains("SQLSTATE 25006");
    assertThat(TenantScrapes.values(
            scrapes.scrape(scrapes.collector(database, OdooSignals.DEFAULT)),
            PickingSection.PICKINGS))
        .containsEntry("{picking_type=\"outgoing\",state=\"assigned\",warehouse=\"WH\"}", 3.0);
  }

  @Test
  void rejectsDuplicateLabelSets() throws Exception {
    String database = scrapes.server.createOdooDatabase("business_custom_duplicate");
    tenant(database);
    CustomQuery query =
        query("twice", "SELECT 'a' AS carrier, 1 AS n UNION ALL SELECT 'a', 2", "n",
            List.of("carrier"));

    String error = errorOf(database, query);

    assertThat(error)
        .startsWith("returned two rows with the labels {carrier=\"a\",cluster=\"test-cluster\"");
  }

  /** Runs the section on a session of the agent's settings and returns the error it reported. */
  private static String errorOf(String database, CustomQuery query) throws SQLException {
    List<String> errors = new ArrayList<>();
    CustomQuerySection section = new CustomQuerySection(List.of(query));
    try (Connection connection = scrapes.server.admin(database)) {
      connection.createStatement().execute("SET default_transaction_read_only = on");
      List<Sample> samples = new ArrayList<>();
      section.read(connection, TenantScrapes.ACME, samples);
      assertThat(samples).singleElement().satisfies(s -> assertThat(s.value()).isZero());
      assertThat(connection.getAutoCommit()).isTrue();
      errors.add(section.lastError(query.name()));
    }
    return errors.get(0);
  }

  private static List<Sample> scrape(String database, CustomQuery... queries) {
    return scrapes.scrape(scrapes.collector(database, new OdooSignals(100, List.of(queries))));
  }

  private static CustomQuery query(String name, String sql, String value, List<String> labels) {
    return new CustomQuery(name, "freightwatch_custom_" + name, "help of " + name, sql, value,
        labels, 100, Duration.ofSeconds(2), "targets.odoo[0].custom_queries[0]");
  }

  private static void addWaitingPickings(OdooFixture fixture) throws Exception {
    LocalDateTime now = fixture.serverUtcNow();
    fixture.picking("outgoing", "assigned", now, null);
    fixture.picking("outgoing", "assigned", now, null);
    fixture.picking("outgoing", "assigned", now, null);
    fixture.sql("UPDATE stock_picking SET carrier_id = 1 WHERE id IN (SELECT min(id) FROM"
        + " stock_picking UNION SELECT max(id) FROM stock_picking)");
  }

  private static OdooFixture tenant(String database) throws Exception {
    return new OdooFixture(scrapes.server, database)
        .module("base", "installed", "17.0.1.3")
        .module("stock", "installed", "17.0.1.1")
        .stockWarehouse();
  }
}
