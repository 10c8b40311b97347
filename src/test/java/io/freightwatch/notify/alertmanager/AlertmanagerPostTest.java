package io.freightwatch.notify.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertEvent;
import io.freightwatch.rules.AlertState;
import io.freightwatch.store.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AlertmanagerPostTest {

  private static final Instant T0 = Instant.parse("2026-03-10T15:20:00Z");

  private static JsonNode post(Map<String, String> annotations, String severity) throws Exception {
    Labels labels = Labels.of("alertname", "carrier_label_backlog", "tenant", "acme",
        "severity", severity);
    Alert alert = new Alert("0123456789abcdef", "carrier_label_backlog", labels, annotations,
        AlertState.FIRING, 57, T0, Optional.of(T0), Optional.empty());
    String body = AlertmanagerPost.build(new AlertEvent(AlertEvent.Kind.FIRING, alert), T0,
        Duration.ofMinutes(4), "");
    return new ObjectMapper().readTree(body).get(0);
  }

  @Test
  void escalationKeepsLabelSetStable() throws Exception {
    JsonNode before = post(Map.of("summary", "labels late"), "warning");
    JsonNode escalated = post(Map.of("summary", "labels late; 40m 0s left",
        "escalated_from", "warning"), "critical");

    assertThat(escalated.get("labels")).isEqualTo(before.get("labels"));
    assertThat(escalated.get("labels").get("severity").asText()).isEqualTo("warning");
    assertThat(escalated.get("annotations").get("escalated_severity").asText())
        .isEqualTo("critical");
  }
}
