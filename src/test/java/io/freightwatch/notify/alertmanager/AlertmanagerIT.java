package io.freightwatch.notify.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.freightwatch.config.RateLimit;
import io.freightwatch.config.ReceiverConfig;
import io.freightwatch.config.Secret;
import io.freightwatch.notify.DispatcherHarness;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertEvent;
import io.freightwatch.rules.AlertState;
import io.freightwatch.rules.Fingerprints;
import io.freightwatch.store.Labels;
import io.freightwatch.testing.WebhookCapture;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two agent replicas post the same alert to a real Alertmanager: it holds one alert, keeps it
 * active while the replicas renew its lease, and its own webhook hears of it once firing and once
 * resolved.
 */
class AlertmanagerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Labels IDENTITY =
      Labels.of(
          "alertname",
          "EdiBacklogHigh",
          "tenant",
          "t42",
          "channel",
          "root.edi",
          "severity",
          "critical",
          "source",
          "odoo-agent");

  @TempDir Path dir;

  private static Alert alert(AlertState state, Instant start, Instant now) {
    return new Alert(
        Fingerprints.of(IDENTITY),
        "EdiBacklogHigh",
        IDENTITY,
        Map.of("summary", "EDI backlog for t42", "backlog", "135"),
        state,
        135,
        start,
        Optional.of(start),
        state == AlertState.RESOLVED ? Optional.of(now) : Optional.empty());
  }

  private DispatcherHarness replica(String name, String alertmanagerUrl) {
    // Re-posting every 2 s with a lease of 8 s keeps the test short.
    ReceiverConfig config =
        new ReceiverConfig(
            "alertmanager",
            "alertmanager",
            new Secret(alertmanagerUrl, "inline"),
            Map.of(),
            List.of(),
            true,
            Duration.ofSeconds(2),
            Duration.ofMillis(200),
            Duration.ofSeconds(2),
            Duration.ofHours(1),
            Secret.NONE,
            RateLimit.NONE,
            5,
            Duration.ofSeconds(5),
            Duration.ofSeconds(2),
            "",
            "");
    Clock clock = Clock.systemUTC();
    return new DispatcherHarness(
        dir.resolve(name),
        clock,
        List.of(config),
        DispatcherHarness.perReceiver(List.of(config)),
        (c, client) -> new AlertmanagerReceiver(c, client, "", clock),
        Duration.ofMinutes(5));
  }

  @Test
  void twoReplicasMakeOneAlert() throws Exception {
    try (WebhookCapture hook = new WebhookCapture();
        TestAlertmanager alertmanager = TestAlertmanager.start(dir, hook.url());
        DispatcherHarness first = replica("first", alertmanager.url());
        DispatcherHarness second = replica("second", alertmanager.url())) {
      Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      AlertEvent firing =
          new AlertEvent(AlertEvent.Kind.FIRING, alert(AlertState.FIRING, start, start));
      first.evaluate(List.of(firing), List.of());
      second.evaluate(List.of(firing), List.of());

      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> hook.received("EdiBacklogHigh").size() == 1);
      // Longer than the 8 s lease: only re-posts keep the alert active.
      Thread.sleep(10_000);
      List<JsonNode> active = alerts(alertmanager);
      assertThat(active).hasSize(1);
      assertThat(active.get(0).get("status").get("state").asText()).isEqualTo("active");
      assertThat(active.get(0).get("labels").toString())
          .isEqualTo(
              "{\"alertname\":\"EdiBacklogHigh\",\"channel\":\"root.edi\","
                  + "\"severity\":\"critical\",\"source\":\"odoo-agent\",\"tenant\":\"t42\"}");
      assertThat(Instant.parse(active.get(0).get("startsAt").asText())).isEqualTo(start);
      assertThat(hook.received("EdiBacklogHigh"))
          .extracting(WebhookCapture.Received::status)
          .containsExactly("firing");

      Instant end = Instant.now();
      AlertEvent resolved =
          new AlertEvent(AlertEvent.Kind.RESOLVED, alert(AlertState.RESOLVED, start, end));
      first.evaluate(List.of(resolved), List.of());
      second.evaluate(List.of(resolved), List.of());

      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> hook.received("EdiBacklogHigh").size() == 2);
      Thread.sleep(5_000);
      assertThat(hook.received("EdiBacklogHigh"))
          .extracting(WebhookCapture.Received::status)
          .containsExactly("firing", "resolved");
      assertThat(alerts(alertmanager)).isEmpty();
    }
  }

  private static List<JsonNode> alerts(TestAlertmanager alertmanager) throws Exception {
    JsonNode body = JSON.readTree(alertmanager.get("/api/v2/alerts?active=true").body());
    List<JsonNode> result = new ArrayList<>();
    body.forEach(result::add);
    return result;
  }
}
