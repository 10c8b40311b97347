package io.freightwatch.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.freightwatch.config.NotifyConfig;
import io.freightwatch.config.ReceiverConfig;
import io.freightwatch.config.RouteConfig;
import io.freightwatch.notify.RecordingServer.Response;
import io.freightwatch.notify.webhook.WebhookReceiver;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertEvent;
import io.freightwatch.rules.AlertState;
import io.freightwatch.rules.Fingerprints;
import io.freightwatch.store.LabelMatcher;
import io.freightwatch.store.Labels;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delivers webhook notifications to a real HTTP server on a loopback port. */
class NotificationDispatcherTest {

  static final Instant T0 = Instant.parse("2026-03-10T14:00:00Z");

  @TempDir Path dir;

  private final TestClock clock = new TestClock(T0);
  private final RecordingServer server = new RecordingServer(clock);
  private DispatcherHarness harness;

  @AfterEach
  void stop() {
    if (harness != null) {
      harness.close();
    }
    server.close();
  }

  private DispatcherHarness harness(List<ReceiverConfig> receivers, NotifyConfig routing) {
    harness = new DispatcherHarness(dir, clock, receivers, routing,
        (config, client) -> new WebhookReceiver(config, client, "http://agent.example:9187",
            clock), Duration.ofMinutes(5));
    return harness;
  }

  private DispatcherHarness webhook() {
    List<ReceiverConfig> receivers =
        List.of(DispatcherHarness.receiver("ops", "webhook", server.url("/hook")));
    return harness(receivers, DispatcherHarness.perReceiver(receivers));
  }

  static Alert alert(String rule, String tenant, AlertState state) {
    Labels labels = Labels.of("alertname", rule, "tenant", tenant, "severity", "critical");
    return new Alert(Fingerprints.of(labels), rule, labels,
        Map.of("summary", "labels for " + tenant + " are late", "runbook", "runbooks/x.md"),
        state, 120, T0, Optional.of(T0.plusSeconds(120)),
        state == AlertState.RESOLVED ? Optional.of(T0.plusSeconds(600)) : Optional.empty());
  }

  static AlertEvent firing(String tenant) {
    return new AlertEvent(AlertEvent.Kind.FIRING,
        alert("carrier_label_backlog", tenant, AlertState.FIRING));
  }

  static AlertEvent resolved(String tenant) {
    return new AlertEvent(AlertEvent.Kind.RESOLVED,
        alert("carrier_label_backlog", tenant, AlertState.RESOLVED));
  }

  @Test
  void postsAlertmanagerWebhookPayload() {
    webhook().evaluate(List.of(firing("acme")), List.of());

    await().atMost(5, TimeUnit.SECONDS).until(() -> server.requests().size() == 1);
    RecordingServer.Request request = server.requests().get(0);
    assertThat(request.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(request.headers().get("Idempotency-Key")).matches("[0-9a-f]{32}");
    JsonNode body = request.json();
    assertThat(body.get("version").asText()).isEqualTo("4");
    assertThat(body.get("status").asText()).isEqualTo("firing");
    assertThat(body.get("receiver").asText()).isEqualTo("ops");
    assertThat(body.get("externalURL").asText()).isEqualTo("http://agent.example:9187");
    assertThat(body.get("groupLabels").get("alertname").asText())
        .isEqualTo("carrier_label_backlog");
    assertThat(body.get("commonLabels").get("tenant").asText()).isEqualTo("acme");
    assertThat(body.get("truncatedAlerts").asInt()).isZero();
    JsonNode alert = body.get("alerts").get(0);
    assertThat(alert.get("status").asText()).isEqualTo("firing");
    assertThat(alert.get("labels").get("tenant").asText()).isEqualTo("acme");
    assertThat(alert.get("annotations").get("summary").asText())
        .isEqualTo("labels for acme are late");
    assertThat(alert.get("startsAt").asText()).isEqualTo("2026-03-10T14:02:00Z");
    assertThat(alert.get("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
    assertThat(alert.get("fingerprint").asText()).hasSize(16);
  }

  @Test
  void resolvedPayloadSaysResolved() {
    DispatcherHarness harness = webhook();

    harness.evaluate(List.of(firing("acme")), List.of());
    await().atMost(5, TimeUnit.SECONDS).until(() -> server.requests().size() == 1);
    harness.evaluate(List.of(resolved("acme")), List.of());
    await().atMost(5, TimeUnit.SECONDS).until(() -> server.requests().size() == 2);

    JsonNode body = server.requests().get(1).json();
    JsonNode annotations = body.get("alerts").get(0).get("annotations");
    assertThat(annotations.get("summary").asText()).isEqualTo("Resolved after firing for 8m 0s."
        + " While firing: labels for acme are late");
    assertThat(annotations.get("firing_summary").asText()).isEqualTo("labels for acme are late");
    assertThat(body.get("commonAnnotations").get("summary").asText()).startsWith("Resolved");
    JsonNode firing = server.requests().get(0).json().get("alerts").get(0).get("annotations");
    assertThat(firing.get("summary").asText()).isEqualTo("labels for acme are late");
    assertThat(firing.has("firing_summary")).isFalse();
  }

  @Test
  void retriesUntilReceiverRecovers() {
    AtomicInteger failures = new AtomicInteger(3);
    server.respond(r -> failures.getAndDecrement() > 0
        ? Response.of(503, "{\"error\":\"try later\"}") : Response.of(200, ""));
    DispatcherHarness harness = webhook();

    harness.evaluate(List.of(firing("acme")), List.of());
    await().atMost(5, TimeUnit.SECONDS).until(() -> server.requests().size() == 1);
    harness.evaluate(List.of(resolved("acme")), List.of());
    for (int attempt = 2; attempt <= 5; attempt++) {
      int expected = attempt;
      clock.advance(Duration.ofSeconds(10));
      harness.tick();
      await().atMost(5, TimeUnit.SECONDS).until(() -> server.requests().size() >= expected);
    }

    await().atMost(5, TimeUnit.SECONDS).until(() -> harness.queued("ops") == 0);
    List<String> accepted = server.requests().subList(3, server.requests().size()).stream()
        .map(r -> r.json().get("status").asText()).toList();
    assertThat(accepted).containsExactly("firing", "resolved");
    assertThat(server.requests()).hasSize(5);
    assertThat(server.requests().get(4).json().get("alerts").get(0).get("endsAt").asText())
        .isEqualTo("2026-03-10T14:10:00Z");
  }

  @Test
  void doesNotRetryClientErrors() {
    server.respond(r -> r.body().contains("\"acme\"") ? Response.of(400, "bad payload")
        : Response.of(200, ""));
    DispatcherHarness harness = webhook();

    harness.evaluate(List.of(firing("acme"), firing("globex")), List.of());

    await().atMost(5, TimeUnit.SECONDS).until(() -> harness.queued("ops") == 0);
    clock.advance(Duration.ofMinutes(10));
    harness.tick();
    assertThat(server.requests()).hasSize(2);
    assertThat(harness.series().select("freightwatch_notifications_given_up_total",
        List.of(LabelMatcher.equal("receiver", "ops")))).singleElement()
        .satisfies(series -> assertThat(series.latestValue()).isEqualTo(1));
  }

  @Test
  void routesOnlyMatchingAlerts() {
    List<ReceiverConfig> receivers = List.of(new ReceiverConfig("ops", "webhook",
        new io.freightwatch.config.Secret(server.url("/hook"), "inline"), Map.of(),
        List.of(LabelMatcher.equal("tenant", "globex")), true, Duration.ofSeconds(2),
        Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(24)));
    DispatcherHarness harness = harness(receivers, DispatcherHarness.perReceiver(receivers));

    harness.evaluate(List.of(firing("acme"), firing("globex")), List.of());

    await().atMost(5, TimeUnit.SECONDS).until(() -> server.requests().size() == 1);
    assertThat(server.requests().get(0).json().get("commonLabels").get("tenant").asText())
        .isEqualTo("globex");
  }

  @Test
  void groupsAlertsAfterGroupWait() {
    List<ReceiverConfig> receivers =
        List.of(DispatcherHarness.receiver("ops", "webhook", server.url("/hook")));
    RouteConfig root = new RouteConfig("ops", List.of(), false, List.of("alertname"), false,
        RouteConfig.DEFAULT_GROUP_WAIT, RouteConfig.DEFAULT_GROUP_INTERVAL,
        RouteConfig.DEFAULT_REPEAT_INTERVAL, List.of(), List.of());
    DispatcherHarness harness = harness(receivers, new NotifyConfig(root, ""));

    harness.evaluate(List.of(firing("acme")), List.of());
    clock.advance(Duration.ofSeconds(10));
    harness.evaluate(List.of(firing("globex")), List.of());
    clock.advance(Duration.ofSeconds(19));
    harness.tick();
    assertThat(server.requests()).as("nothing before group_wait").isEmpty();
    clock.advance(Duration.ofSeconds(1));
    harness.tick();

    await().atMost(5, TimeUnit.SECONDS).until(() -> server.requests().size() == 1);
    JsonNode body = server.requests().get(0).json();
    assertThat(body.get("groupLabels").toString())
        .isEqualTo("{\"alertname\":\"carrier_label_backlog\"}");
    assertThat(body.get("alerts")).hasSize(2);
    assertThat(body.get("commonLabels").has("tenant")).isFalse();

    clock.advance(Duration.ofHours(4).minusSeconds(1));
    harness.tick();
    assertThat(server.requests()).as("no repeat before repeat_interval").hasSize(1);
    clock.advance(Duration.ofSeconds(1));
    harness.tick();
    await().atMost(5, TimeUnit.SECONDS).until(() -> server.requests().size() == 2);
  }
}
