package io.freightwatch.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.freightwatch.config.SignalCatalogue;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Checks the shipped Grafana dashboards without a Prometheus: structure and metric names. */
class DashboardsTest {

  @Test
  void everyNamedMetricIsCatalogued() throws Exception {
    Set<String> catalogue = new HashSet<>();
    for (SignalCatalogue.Entry entry : SignalCatalogue.get().entries().values()) {
      catalogue.add(entry.name());
      if (entry.type().equals("histogram")) {
        catalogue.add(entry.name() + "_bucket");
      }
      if (entry.type().equals("histogram") || entry.type().equals("summary")) {
        catalogue.add(entry.name() + "_sum");
        catalogue.add(entry.name() + "_count");
      }
    }
    for (Map.Entry<String, JsonNode> dashboard : Dashboards.all().entrySet()) {
      assertThat(Dashboards.metricNames(dashboard.getValue()))
          .as("freightwatch_ metrics of %s missing from signals.tsv", dashboard.getKey())
          .isSubsetOf(catalogue);
    }
  }

  @Test
  void dashboardsUseDatasourceVariable() throws Exception {
    for (Map.Entry<String, JsonNode> entry : Dashboards.all().entrySet()) {
      JsonNode dashboard = entry.getValue();
      JsonNode first = dashboard.path("templating").path("list").get(0);
      assertThat(first.path("type").asText()).as("first variable of %s", entry.getKey())
          .isEqualTo("datasource");
      assertThat(first.path("query").asText()).isEqualTo("prometheus");
      for (JsonNode panel : Dashboards.panels(dashboard)) {
        assertThat(panel.path("datasource").path("uid").asText())
            .as("data source of panel '%s' in %s", panel.path("title").asText(), entry.getKey())
            .isEqualTo("${datasource}");
        assertThat(panel.path("targets")).as("queries of panel '%s'",
            panel.path("title").asText()).isNotEmpty();
      }
    }
  }

  @Test
  void dashboardsHaveUniqueIdentities() throws Exception {
    Set<String> uids = new HashSet<>();
    for (Map.Entry<String, JsonNode> entry : Dashboards.all().entrySet()) {
      JsonNode dashboard = entry.getValue();
      String uid = dashboard.path("uid").asText();
      assertThat(entry.getKey()).isEqualTo(uid + ".json");
      assertThat(uids.add(uid)).as("uid %s is used once", uid).isTrue();
      assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(39);
      Set<Integer> ids = new HashSet<>();
      for (JsonNode panel : dashboard.path("panels")) {
        assertThat(ids.add(panel.path("id").asInt()))
            .as("panel id %s in %s", panel.path("id"), uid).isTrue();
      }
    }
  }

  @Test
  void shipsEveryOperatorDashboard() throws Exception {
    assertThat(Dashboards.all().keySet()).contains("freightwatch-overview.json",
        "freightwatch-odoo-queues.json", "freightwatch-postgres.json",
        "freightwatch-redis.json", "freightwatch-traefik.json", "freightwatch-agent.json");
  }

  @Test
  void substitutesVariablesAndBuiltIns() {
    String expr = "rate(x{tenant=~\"$tenant\", t=\"${tenant}\", tenants=\"$tenants\"}"
        + "[$__rate_interval])";

    String result = Dashboards.substitute(expr, Map.of("tenant", "acme", "tenants", "a|b"));

    assertThat(result).isEqualTo("rate(x{tenant=~\"acme\", t=\"acme\", tenants=\"a|b\"}[1m])");
  }
}
