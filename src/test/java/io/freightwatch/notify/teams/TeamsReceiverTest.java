package io.freightwatch.notify.teams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.freightwatch.config.ReceiverConfig;
import io.freightwatch.config.Secret;
import io.freightwatch.notify.DispatcherHarness;
import io.freightwatch.notify.Notification;
import io.freightwatch.notify.RecordingServer;
import io.freightwatch.notify.RecordingServer.Response;
import io.freightwatch.notify.TestClock;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertEvent;
import io.freightwatch.rules.AlertState;
import io.freightwatch.rules.Fingerprints;
import io.freightwatch.store.Labels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Teams Workflows messages with an Adaptive Card, against a local endpoint. */
class TeamsReceiverTest {

  private static final Instant T0 = Instant.parse("2026-05-04T14:00:00Z");

  @TempDir Path dir;

  private static Alert alert(String tenant, String summary) {
    Labels labels =
        Labels.of(
            "alertname",
            "carrier_label_backlog",
            "tenant",
            tenant,
            "severity",
            "critical",
            "domain",
            "transport",
            "customer_facing",
            "true");
    return new Alert(
        Fingerprints.of(labels),
        "carrier_label_backlog",
        labels,
        Map.of(
            "summary",
            summary,
            "runbook",
            "https://runbooks.example/carrier_label_backlog",
            "process",
            "carrier label printing",
            "cutoff_at",
            "2026-05-04T16:30:00Z"),
        AlertState.FIRING,
        57,
        T0,
        Optional.of(T0),
        Optional.empty());
  }

  private static Notification notification(List<Alert> alerts) {
    List<AlertEvent> events =
        alerts.stream().map(a -> new AlertEvent(AlertEvent.Kind.FIRING, a)).toList();
    return new Notification("0000000000000000001", "teams", "teams/0/{}", Labels.EMPTY, events, T0);
  }

  @Test
  void postsAdaptiveCardAsDocumented() {
    TestClock clock = new TestClock(T0);
    try (RecordingServer teams = new RecordingServer(clock)) {
      teams.respond(r -> Response.of(202, ""));
      String url = teams.url("/workflows/abc/triggers/manual/paths/invoke?sig=SECRET");
      ReceiverConfig config =
          new ReceiverConfig(
              "teams",
              "teams",
              new Secret(url, "env:TEAMS"),
              Map.of(),
              List.of(),
              true,
              Duration.ofSeconds(2),
              Duration.ofSeconds(1),
              Duration.ofMinutes(5),
              Duration.ofHours(24));
      try (DispatcherHarness harness =
          new DispatcherHarness(
              dir,
              clock,
              List.of(config),
              DispatcherHarness.perReceiver(List.of(config)),
              (c, client) -> new TeamsReceiver(c, client, clock),
              Duration.ofMinutes(5))) {
        harness.evaluate(
            List.of(
                new AlertEvent(
                    AlertEvent.Kind.FIRING,
                    alert(
                        "acme", "Carrier labels for acme are backing up: 57 label jobs pending"))),
            List.of());

        await().atMost(5, TimeUnit.SECONDS).until(() -> harness.queued("teams") == 0);
      }
      RecordingServer.Request request = teams.requests().get(0);
      assertThat(request.uri()).endsWith("sig=SECRET");
      assertThat(request.headers().get("Content-Type")).isEqualTo("application/json");
      JsonNode body = request.json();
      assertThat(body.get("type").asText()).isEqualTo("message");
      JsonNode attachment = body.get("attachments").get(0);
      assertThat(attachment.get("contentType").asText())
          .isEqualTo("application/vnd.microsoft.card.adaptive");
      assertThat(attachment.get("contentUrl").isNull()).isTrue();
      JsonNode card = attachment.get("content");
      assertThat(card.get("type").asText()).isEqualTo("AdaptiveCard");
      assertThat(card.get("version").asText()).isEqualTo("1.4");
      assertThat(card.get("$schema").asText())
          .isEqualTo("http://adaptivecards.io/schemas/adaptive-card.json");
      List<String> facts = new ArrayList<>();
      card.findValues("facts")
          .forEach(
              list ->
                  list.forEach(
                      fact ->
                          facts.add(
                              fact.get("title").asText() + ": " + fact.get("value").asText())));
      assertThat(facts)
          .contains(
              "Severity: critical",
              "Tenant: acme",
              "Impact: carrier label printing, domain transport, customer-facing",
              "Value: 57",
              "Time to cutoff: 2h30m (at 2026-05-04T16:30:00Z)");
      JsonNode action = card.get("actions").get(0);
      assertThat(action.get("type").asText()).isEqualTo("Action.OpenUrl");
      assertThat(action.get("url").asText())
          .isEqualTo("https://runbooks.example/carrier_label_backlog");
    }
  }

  @Test
  void largeGroupStaysUnderLimit() {
    List<Alert> alerts = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      alerts.add(alert("tenant-" + i, "Backlog " + "x".repeat(2000) + " for tenant " + i));
    }

    String message = AdaptiveCardMessage.build(notification(alerts), T0);

    assertThat(message.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(AdaptiveCardMessage.MAX_MESSAGE_BYTES);
    assertThat(message).contains("more alert(s) not shown");
    assertThat(message).contains("tenant-0");
  }

  @Test
  void longSummaryIsCutSafely() {
    String summary = "🚚".repeat(20_000);

    String message = AdaptiveCardMessage.build(notification(List.of(alert("acme", summary))), T0);

    assertThat(message.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(AdaptiveCardMessage.MAX_MESSAGE_BYTES);
    assertThat(message).doesNotContain("\\ud83d\"").contains("…");
  }
}
