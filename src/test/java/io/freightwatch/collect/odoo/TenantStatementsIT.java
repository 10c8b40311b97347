package io.freightwatch.collect.odoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.config.OdooSignals;
import io.freightwatch.config.OdooSignals.CustomQuery;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Statements one tenant scrape sends, counted on the connection the sections share. */
class TenantStatementsIT {

  @RegisterExtension
  static final TenantScrapes scrapes = new TenantScrapes();

  @Test
  void steadyScrapeSendsFewStatements() throws Exception {
    String database = scrapes.server.createOdooDatabase("business_statements");
    OdooFixture fixture = fullTenant(database);
    CustomQuery query =
        new CustomQuery("open_orders", "freightwatch_custom_open_orders", "open orders",
            "SELECT 3 AS n", "n", List.of(), 10, Duration.ofSeconds(1),
            "targets.odoo[0].custom_queries[0]");
    OdooQueueCollector collector =
        scrapes.collector(database, new OdooSignals(10, List.of(query)));
    StatementCounter counter = new StatementCounter();

    scrapes.scrapeCounted(collector, database, counter);
    List<String> first = counter.statements();
    counter.clear();
    fixture.exchange(10, 1, 1, "output_pending", fixture.serverUtcNow());
    scrapes.scrapeCounted(collector, database, counter);
    List<String> steady = counter.statements();

    System.out.printf("first scrape: %d statements%n", first.size());
    first.forEach(sql -> System.out.println("  " + sql));
    System.out.printf("steady scrape: %d statements%n", steady.size());
    steady.forEach(sql -> System.out.println("  " + sql));
    assertThat(steady).hasSizeLessThanOrEqualTo(STEADY_MAX);
    assertThat(steady).noneMatch(sql -> sql.contains("ir_module_module"));
    assertThat(steady).noneMatch(sql -> sql.contains("to_regclass"));
    assertThat(steady).noneMatch(sql -> sql.contains("information_schema"));
    assertThat(steady).noneMatch(sql -> sql.contains("FROM edi_backend"));
    assertThat(steady).noneMatch(sql -> sql.contains("SELECT DISTINCT"));
    assertThat(steady).doesNotContain("SET TRANSACTION READ ONLY");
  }

  // Measured with the tenant below: 22 statements per steady scrape before the schema cache
  // and the folded EDI and queue_job reads, 13 after.
  private static final int STEADY_MAX = 13;

  private static OdooFixture fullTenant(String database) throws Exception {
    OdooFixture fixture =
        new OdooFixture(scrapes.server, database)
            .module("base", "installed", "17.0.1.3")
            .module("queue_job", "installed", "17.0.1.1.0")
            .module("stock", "installed", "17.0.1.1")
            .module("mail", "installed", "17.0.1.15")
            .module("edi_oca", "installed", "17.0.1.1.2")
            .stockWarehouse()
            .ediBackends();
    LocalDateTime now = fixture.serverUtcNow();
    fixture.starvedEdiQueue(now);
    fixture.picking("outgoing", "assigned", now.minusHours(1), now.minusHours(1));
    fixture.mail("outgoing", now.minusMinutes(5), null);
    fixture.exchange(1, 1, 1, "output_error_on_send", now.minusMinutes(1));
    return fixture;
  }
}
