package io.freightwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.freightwatch.config.OdooSignals.CustomQuery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CustomQueryConfigTest {

  private static final String HEAD =
      """
      targets:
        postgres:
          - name: primary
            dsn: postgresql://freightwatch@127.0.0.1:5432/postgres
            statement_timeout: 5s
        odoo:
          - server: primary
            tenants: [{name: acme, database: odoo_acme}]
      """;

  @TempDir Path dir;

  @Test
  void readsQueryWithDefaults() throws Exception {
    OdooSignals signals =
        load(
            """
                cron_max_series: 40
                custom_queries:
                  - name: orders_waiting_for_label
                    sql: |
                      SELECT carrier, count(*) AS orders FROM x GROUP BY 1;
                    value: orders
                    labels: [carrier]
            """);

    assertThat(signals.cronMaxSeries()).isEqualTo(40);
    CustomQuery query = signals.customQueries().get(0);
    assertThat(query.metric()).isEqualTo("freightwatch_custom_orders_waiting_for_label");
    assertThat(query.sql()).isEqualTo("SELECT carrier, count(*) AS orders FROM x GROUP BY 1");
    assertThat(query.labelColumns()).containsExactly("carrier");
    assertThat(query.maxRows()).isEqualTo(100);
    assertThat(query.statementTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(query.help()).isEqualTo("Custom query orders_waiting_for_label of the tenant.");
    assertThat(query.keyPath()).isEqualTo("targets.odoo[0].custom_queries[0]");
  }

  @Test
  void defaultsWithoutBusinessKeys() throws Exception {
    OdooSignals signals = load("");

    assertThat(signals).isEqualTo(OdooSignals.DEFAULT);
  }

  @Test
  void acceptsMetricUnderCustomPrefix() throws Exception {
    OdooSignals signals =
        load(
            """
                custom_queries:
                  - name: late
                    metric: freightwatch_custom_sale_orders_late
                    help: Sale orders past their commitment date.
                    sql: "WITH s AS (SELECT 1 AS n) SELECT n FROM s"
                    value: n
                    max_rows: 5
                    statement_timeout: 500ms
            """);

    CustomQuery query = signals.customQueries().get(0);
    assertThat(query.metric()).isEqualTo("freightwatch_custom_sale_orders_late");
    assertThat(query.help()).isEqualTo("Sale orders past their commitment date.");
    assertThat(query.maxRows()).isEqualTo(5);
    assertThat(query.statementTimeout()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void rejectsChainedStatements() {
    assertThatThrownBy(
            () ->
                load(
                    """
                        custom_queries:
                          - name: chained
                            sql: "SELECT 1 AS n; DELETE FROM sale_order"
                            value: n
                    """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "targets.odoo[0].custom_queries[0].sql: the query contains more than one statement"
                + " (a ';' at offset 13 is followed by more SQL); give a single SELECT");
  }

  @Test
  void rejectsBadNamesAndLabels() {
    assertThatThrownBy(
            () ->
                load(
                    """
                        custom_queries:
                          - name: Orders-Late
                            metric: sale_orders_late
                            sql: SELECT 1 AS n, 'a' AS tenant
                            value: n
                            labels: [tenant, n, 9lives]
                    """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "targets.odoo[0].custom_queries[0].name: got \"Orders-Late\"; expected lower-case"
                + " letters, digits and _ starting with a letter")
        .hasMessageContaining(
            "targets.odoo[0].custom_queries[0].metric: got \"sale_orders_late\"; expected a"
                + " metric name starting with freightwatch_custom_")
        .hasMessageContaining(
            "targets.odoo[0].custom_queries[0].labels[0]: got \"tenant\"; the agent sets the"
                + " labels tenant, cluster and query itself")
        .hasMessageContaining(
            "targets.odoo[0].custom_queries[0].labels[1]: got \"n\", which is also the value"
                + " column")
        .hasMessageContaining(
            "targets.odoo[0].custom_queries[0].labels[2]: got \"9lives\"; expected a column name"
                + " usable as a label");
  }

  @Test
  void rejectsHistogramAndSummaryLabels() {
    assertThatThrownBy(
            () ->
                load(
                    """
                        custom_queries:
                          - name: parcels_by_weight
                            sql: SELECT count(*) AS n, '5' AS le, '0.9' AS quantile
                            value: n
                            labels: [le, quantile]
                    """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "targets.odoo[0].custom_queries[0].labels[0]: got \"le\"; Prometheus reserves le for"
                + " histograms and summaries")
        .hasMessageContaining("rename the column in the query, e.g. le AS le_bound")
        .hasMessageContaining(
            "targets.odoo[0].custom_queries[0].labels[1]: got \"quantile\"; Prometheus reserves"
                + " quantile");
  }

  @Test
  void rejectsTimeoutAboveServerTimeout() {
    assertThatThrownBy(
            () ->
                load(
                    """
                        custom_queries:
                          - name: slow
                            sql: SELECT pg_sleep(7) AS n
                            value: n
                            statement_timeout: 8s
                    """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "targets.odoo[0].custom_queries[0].statement_timeout: got 8000ms; expected at most"
                + " the statement_timeout of targets.postgres \"primary\" (5000ms)");
  }

  @Test
  void rejectsWritesAndDuplicateNames() {
    assertThatThrownBy(
            () ->
                load(
                    """
                        custom_queries:
                          - name: twice
                            sql: SELECT 1 AS n
                            value: n
                          - name: twice
                            sql: SELECT 1 AS n
                            value: n
                          - name: no_value
                            sql: UPDATE sale_order SET state = 'done'
                    """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "targets.odoo[0].custom_queries[2].sql: the query starts with UPDATE; only a SELECT"
                + " or WITH query can run in the read-only session")
        .hasMessageContaining(
            "targets.odoo[0].custom_queries[1].name: query \"twice\" is listed twice")
        .hasMessageContaining("targets.odoo[0].custom_queries[2].value: missing; set it");
  }

  @Test
  void queryTimeoutsMustFitTheScrape() {
    assertThatThrownBy(() -> load("""
            custom_queries:
              - {name: first, sql: "SELECT 1 AS v", value: v, statement_timeout: 4s}
              - {name: second, sql: "SELECT 2 AS v", value: v, statement_timeout: 3s}
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("targets.odoo[0].custom_queries: the statement_timeout values add up"
            + " to 7s; keep them within half of agent.scrape_timeout (5s)");
  }

  private OdooSignals load(String odooKeys) throws IOException, ConfigException {
    Path file = dir.resolve("freightwatch.yaml");
    Files.writeString(file, HEAD + odooKeys.indent(2));
    List<OdooTarget> odoo = new ConfigLoader(Map.of()).load(file).odoo();
    return odoo.get(0).signals();
  }
}
