package io.freightwatch.collect.odoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.config.OdooSignals;
import io.freightwatch.store.MetricType;
import io.freightwatch.store.Sample;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The EDI section against edi_oca tables built from the Odoo 17 reference schema. */
class EdiSectionIT {

  private static final String DHL_DESADV =
      "{backend=\"DHL EDI\",exchange_type=\"desadv_export\"}";
  private static final String DHL_ORDERS = "{backend=\"DHL EDI\",exchange_type=\"orders_import\"}";
  private static final String RETAIL_ORDERS =
      "{backend=\"Retail partners\",exchange_type=\"orders_import\"}";

  @RegisterExtension
  static final TenantScrapes scrapes = new TenantScrapes();

  @Test
  void countersStartAtZeroAndCountNewOnly() throws Exception {
    String database = scrapes.server.createOdooDatabase("business_edi_counts");
    OdooFixture fixture = ediTenant(database);
    LocalDateTime now = fixture.serverUtcNow();
    fixture.exchange(1, 1, 1, "output_sent", now.minusDays(3));
    fixture.exchange(2, 1, 1, "output_error_on_send", now.minusDays(2));
    fixture.exchange(3, 2, 2, "input_processed_error", now.minusMinutes(1));
    fixture.exchange(4, 1, 1, "output_pending", now.minusMinutes(1));
    OdooQueueCollector collector = scrapes.collector(database, OdooSignals.DEFAULT);

    List<Sample> first = scrapes.scrape(collector);
    fixture.exchange(5, 2, 2, "input_received", now);
    fixture.exchange(6, 2, 2, "input_receive_error", now);
    fixture.exchange(7, 1, 1, "output_pending", now);
    fixture.sql(
        "UPDATE edi_exchange_record SET edi_exchange_state = 'output_error_on_send',"
            + " write_date = ? WHERE id = 4",
        now.plusSeconds(1));
    List<Sample> second = scrapes.scrape(collector);
    List<Sample> third = scrapes.scrape(collector);

    Map<String, Double> zeros = Map.of(DHL_DESADV, 0.0, DHL_ORDERS, 0.0, RETAIL_ORDERS, 0.0);
    assertThat(TenantScrapes.values(first, EdiSection.EXCHANGES))
        .containsExactlyInAnyOrderEntriesOf(zeros);
    assertThat(TenantScrapes.values(first, EdiSection.ERRORS))
        .containsExactlyInAnyOrderEntriesOf(zeros);
    assertThat(TenantScrapes.values(first, EdiSection.IN_ERROR))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(DHL_DESADV, 1.0, DHL_ORDERS, 0.0, RETAIL_ORDERS, 1.0));
    Map<String, Double> created = Map.of(DHL_DESADV, 1.0, DHL_ORDERS, 0.0, RETAIL_ORDERS, 2.0);
    Map<String, Double> failed = Map.of(DHL_DESADV, 1.0, DHL_ORDERS, 0.0, RETAIL_ORDERS, 1.0);
    assertThat(TenantScrapes.values(second, EdiSection.EXCHANGES))
        .containsExactlyInAnyOrderEntriesOf(created);
    assertThat(TenantScrapes.values(second, EdiSection.ERRORS))
        .containsExactlyInAnyOrderEntriesOf(failed);
    assertThat(TenantScrapes.values(third, EdiSection.EXCHANGES))
        .containsExactlyInAnyOrderEntriesOf(created);
    assertThat(TenantScrapes.values(third, EdiSection.ERRORS))
        .containsExactlyInAnyOrderEntriesOf(failed);
    assertThat(TenantScrapes.values(third, EdiSection.IN_ERROR))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(DHL_DESADV, 2.0, DHL_ORDERS, 0.0, RETAIL_ORDERS, 2.0));
    assertThat(second)
        .filteredOn(s -> s.name().equals(EdiSection.ERRORS))
        .allMatch(s -> s.type() == MetricType.COUNTER);
  }

  @Test
  void countsRecordCommittedAfterHigherId() throws Exception {
    String database = scrapes.server.createOdooDatabase("business_edi_late");
    OdooFixture fixture = ediTenant(database);
    LocalDateTime now = fixture.serverUtcNow();
    fixture.exchange(10, 1, 1, "output_sent", now);
    OdooQueueCollector collector = scrapes.collector(database, OdooSignals.DEFAULT);

    scrapes.scrape(collector);
    fixture.exchange(20, 1, 1, "output_pending", now);
    scrapes.scrape(collector);
    fixture.exchange(15, 1, 1, "output_pending", now);
    List<Sample> samples = scrapes.scrape(collector);

    assertThat(TenantScrapes.values(samples, EdiSection.EXCHANGES).get(DHL_DESADV))
        .as("ids 20 and 15; 15 became visible after 20 had been read")
        .isEqualTo(2.0);
  }

  @Test
  void countsRecordCommittedAfterThousandLaterIds() throws Exception {
    String database = scrapes.server.createOdooDatabase("business_edi_long_import");
    OdooFixture fixture = ediTenant(database);
    LocalDateTime now = fixture.serverUtcNow();
    fixture.exchange(10, 1, 1, "output_sent", now);
    OdooQueueCollector collector = scrapes.collector(database, OdooSignals.DEFAULT);
    scrapes.scrape(collector);

    List<Sample> whileOpen;
    List<Sample> afterCommit;
    try (Connection importer = scrapes.server.admin(database)) {
      importer.setAutoCommit(false);
      try (PreparedStatement insert = importer.prepareStatement(
          "INSERT INTO edi_exchange_record (id, identifier, type_id, backend_id,"
              + " edi_exchange_state, create_date, write_date)"
              + " VALUES (11, 'EDI/11', 2, 2, 'input_received', ?, ?)")) {
        insert.setObject(1, now);
        insert.setObject(2, now);
        insert.executeUpdate();
      }
      fixture.sql(
          "INSERT INTO edi_exchange_record (id, identifier, type_id, backend_id,"
              + " edi_exchange_state, create_date, write_date)"
              + " SELECT g, 'EDI/' || g, 1, 1, 'output_sent', ?, ?"
              + " FROM generate_series(12, 1211) AS g",
          now,
          now);
      whileOpen = scrapes.scrape(collector);
      scrapes.scrape(collector);
      importer.commit();
      afterCommit = scrapes.scrape(collector);
    }
    List<Sample> later = scrapes.scrape(collector);

    assertThat(TenantScrapes.values(whileOpen, EdiSection.EXCHANGES).get(DHL_DESADV))
        .isEqualTo(1_200.0);
    assertThat(TenantScrapes.values(whileOpen, EdiSection.EXCHANGES).get(RETAIL_ORDERS))
        .isEqualTo(0.0);
    assertThat(TenantScrapes.values(afterCommit, EdiSection.EXCHANGES).get(RETAIL_ORDERS))
        .as("id 11 committed after ids 12 to 1211 had been read")
        .isEqualTo(1.0);
    assertThat(TenantScrapes.values(later, EdiSection.EXCHANGES).get(RETAIL_ORDERS))
        .as("counted once")
        .isEqualTo(1.0);
    assertThat(TenantScrapes.values(later, EdiSection.EXCHANGES).get(DHL_DESADV))
        .isEqualTo(1_200.0);
  }

  @Test
  void failingAgainAfterRetryCountsAgain() throws Exception {
    String database = scrapes.server.createOdooDatabase("business_edi_retry");
    OdooFixture fixture = ediTenant(database);
    LocalDateTime now = fixture.serverUtcNow();
    fixture.exchange(1, 1, 1, "output_pending", now.minusMinutes(2));
    OdooQueueCollector collector = scrapes.collector(database, OdooSignals.DEFAULT);

    scrapes.scrape(collector);
    setState(fixture, "output_error_on_send", now.minusSeconds(30));
    scrapes.scrape(collector);
    setState(fixture, "output_pending", now.minusSeconds(20));
    scrapes.scrape(collector);
    setState(fixture, "output_error_on_send", now.minusSeconds(10));
    List<Sample> samples = scrapes.scrape(collector);

    assertThat(TenantScrapes.values(samples, EdiSection.ERRORS).get(DHL_DESADV)).isEqualTo(2.0);
  }

  @Test
  void tenantWithoutEdiModuleEmitsNoEdi() throws Exception {
    String database = scrapes.server.createOdooDatabase("business_edi_none");
    new OdooFixture(scrapes.server, database)
        .module("base", "installed", "17.0.1.3")
        .module("edi_oca", "uninstalled", "17.0.1.1.2");

    List<Sample> samples = scrapes.scrape(scrapes.collector(database, OdooSignals.DEFAULT));

    assertThat(samples).noneMatch(s -> s.name().startsWith("freightwatch_odoo_edi_"));
  }

  private static void setState(OdooFixture fixture, String state, LocalDateTime written)
      throws Exception {
    fixture.sql(
        "UPDATE edi_exchange_record SET edi_exchange_state = ?, write_date = ? WHERE id = 1",
        state,
        written);
  }

  private static OdooFixture ediTenant(String database) throws Exception {
    return new OdooFixture(scrapes.server, database)
        .module("base", "installed", "17.0.1.3")
        .module("edi_oca", "installed", "17.0.1.1.2")
        .ediBackends();
  }
}
