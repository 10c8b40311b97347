package io.freightwatch.notify.azuremonitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.freightwatch.export.StoreSnapshot;
import io.freightwatch.export.azuremonitor.AzureMonitorExporter;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertEvent;
import io.freightwatch.rules.AlertState;
import io.freightwatch.rules.Fingerprints;
import io.freightwatch.store.Labels;
import io.freightwatch.store.MetricType;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Checks that the shipped table and DCR definitions match the rows the agent sends. */
class AzureDefinitionsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DIRECTORY = Path.of("agent", "azure");

  private static Map<String, String> columns(JsonNode list) {
    Map<String, String> columns = new LinkedHashMap<>();
    list.forEach(column -> columns.put(column.get("name").asText(), column.get("type").asText()));
    return columns;
  }

  private static Map<String, String> table(String name) throws Exception {
    for (JsonNode table : JSON.readTree(DIRECTORY.resolve("tables.json").toFile()).get("tables")) {
      if (table.get("name").asText().equals(name)) {
        return columns(table.get("columns"));
      }
    }
    throw new AssertionError("no table " + name + " in tables.json");
  }

  private static Map<String, String> stream(String name) throws Exception {
    JsonNode streams =
        JSON.readTree(DIRECTORY.resolve("dcr.json").toFile())
            .get("properties")
            .get("streamDeclarations");
    return columns(streams.get(name).get("columns"));
  }

  @Test
  void streamsMatchTables() throws Exception {
    assertThat(stream("Custom-FreightwatchAlerts")).isEqualTo(table("FreightwatchAlerts_CL"));
    assertThat(stream("Custom-FreightwatchSlo")).isEqualTo(table("FreightwatchSlo_CL"));
    assertThat(stream("Custom-FreightwatchSignals")).isEqualTo(table("FreightwatchSignals_CL"));
  }

  @Test
  void alertRowsUseDeclaredColumns() throws Exception {
    Labels labels =
        Labels.of(
            "alertname",
            "carrier_label_backlog",
            "tenant",
            "acme",
            "severity",
            "critical",
            "domain",
            "transport",
            "owner",
            "ops",
            "customer_facing",
            "true");
    Instant at = Instant.parse("2026-05-04T10:00:00Z");
    Alert alert =
        new Alert(
            Fingerprints.of(labels),
            "carrier_label_backlog",
            labels,
            Map.of("summary", "late"),
            AlertState.RESOLVED,
            3,
            at,
            Optional.of(at),
            Optional.of(at.plusSeconds(60)));

    Map<String, Object> row = AlertRecords.of(new AlertEvent(AlertEvent.Kind.RESOLVED, alert), at);

    assertThat(table("FreightwatchAlerts_CL").keySet()).containsAll(row.keySet());
    assertThat(row.keySet()).contains("TimeGenerated", "AlertName", "Status", "EndsAt");
  }

  @Test
  void signalRowsUseDeclaredColumns() throws Exception {
    StoreSnapshot snapshot =
        new StoreSnapshot(
            Map.of(
                "freightwatch_odoo_queue_jobs",
                new StoreSnapshot.Family(
                    "freightwatch_odoo_queue_jobs",
                    MetricType.GAUGE,
                    "",
                    List.of(new StoreSnapshot.Point(Map.of("tenant", "acme"), 5)))));

    List<Map<String, Object>> rows =
        AzureMonitorExporter.rows(
            snapshot, List.of("freightwatch_odoo_"), Instant.parse("2026-05-04T10:00:00Z"));

    assertThat(rows).hasSize(1);
    assertThat(table("FreightwatchSignals_CL").keySet()).containsAll(rows.get(0).keySet());
  }
}
