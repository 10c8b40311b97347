package io.freightwatch.notify.pagerduty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.freightwatch.config.NotifyConfig;
import io.freightwatch.config.RateLimit;
import io.freightwatch.config.ReceiverConfig;
import io.freightwatch.config.RouteConfig;
import io.freightwatch.config.Secret;
import io.freightwatch.notify.DispatcherHarness;
import io.freightwatch.notify.NotificationDispatcher;
import io.freightwatch.notify.RecordingServer;
import io.freightwatch.notify.RecordingServer.Request;
import io.freightwatch.notify.RecordingServer.Response;
import io.freightwatch.notify.TestClock;
import io.freightwatch.notify.webhook.WebhookReceiver;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertEvent;
import io.freightwatch.rules.AlertState;
import io.freightwatch.rules.Fingerprints;
import io.freightwatch.store.Labels;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PagerDuty Events API v2 against a local endpoint that checks each event as PagerDuty documents
 * it, with the limits and answers of oversized fields, long keys and throttling.
 */
class PagerDutyReceiverTest {

  private static final Instant T0 = Instant.parse("2026-05-04T10:00:00Z");
  private static final String ROUTING_KEY = "R0UT1NGKEY0000000000000000000042";

  /** {@code t42-} and a 200-character tenant slug. */
  private static final String TENANT = "t42-" + "northwind-logistics-".repeat(10);

  /** 40 partner names; with the prefix the summary is 1,350 characters. */
  private static final String PARTNERS =
      IntStream.rangeClosed(1, 40)
          .mapToObj(i -> "Partner-%02d-Freight-Forwarding-X".formatted(i) + (i == 40 ? "AG" : ""))
          .collect(Collectors.joining(", "));

  @TempDir Path dir;

  private final TestClock clock = new TestClock(T0);
  private final RecordingServer pagerDuty = new RecordingServer(clock);
  private final RecordingServer chat = new RecordingServer(clock);
  private DispatcherHarness harness;

  @AfterEach
  void stop() {
    if (harness != null) {
      harness.close();
    }
    pagerDuty.close();
    chat.close();
  }

  private DispatcherHarness start() {
    harness = start(dir);
    return harness;
  }

  private DispatcherHarness start(Path directory) {
    ReceiverConfig pagerDutyConfig =
        new ReceiverConfig(
            "pagerduty",
            "pagerduty",
            new Secret(pagerDuty.url("/v2/enqueue"), "inline"),
            Map.of(),
            List.of(),
            true,
            Duration.ofSeconds(2),
            Duration.ofSeconds(1),
            Duration.ofMinutes(5),
            Duration.ofHours(24),
            new Secret(ROUTING_KEY, "env:PD_KEY"),
            RateLimit.NONE,
            5,
            Duration.ofSeconds(30),
            ReceiverConfig.DEFAULT_RESEND_INTERVAL,
            "",
            "");
    ReceiverConfig chatConfig = DispatcherHarness.receiver("chat", "webhook", chat.url("/chat"));
    RouteConfig root =
        new RouteConfig(
            "pagerduty",
            List.of(),
            false,
            List.of(),
            true,
            Duration.ZERO,
            Duration.ZERO,
            RouteConfig.DEFAULT_REPEAT_INTERVAL,
            List.of(),
            List.of());
    return new DispatcherHarness(
        directory,
        clock,
        List.of(pagerDutyConfig, chatConfig),
        new NotifyConfig(root, "chat"),
        (config, client) ->
            config.type().equals("pagerduty")
                ? new PagerDutyReceiver(config, client, "http://freightwatch.example:9187", clock)
                : new WebhookReceiver(config, client, "", clock),
        Duration.ofMinutes(5));
  }

  private static Alert ediAlert(AlertState state, String tenant) {
    Labels labels =
        Labels.of(
            "alertname",
            "EdiPartnerFailures",
            "tenant",
            tenant,
            "service",
            "edi-gateway@file",
            "severity",
            "critical",
            "domain",
            "integrations",
            "owner",
            "edi-team",
            "customer_facing",
            "true");
    Map<String, String> annotations =
        Map.of(
            "summary", "EDI failures for 40 partners: " + PARTNERS,
            "runbook", "https://runbooks.example/edi_partner_failures",
            "dashboard", "https://grafana.example/d/edi",
            "process", "EDI order exchange with partners");
    return new Alert(
        Fingerprints.of(labels),
        "EdiPartnerFailures",
        labels,
        annotations,
        state,
        40,
        T0,
        Optional.of(T0),
        state == AlertState.RESOLVED ? Optional.of(T0.plusSeconds(900)) : Optional.empty());
  }

  private static AlertEvent event(AlertState state, String tenant) {
    return new AlertEvent(
        state == AlertState.RESOLVED ? AlertEvent.Kind.RESOLVED : AlertEvent.Kind.FIRING,
        ediAlert(state, tenant));
  }

  /** Moves the clock in one-second steps, ticking, until {@code done} or ten minutes passed. */
  private void runUntil(BooleanSupplier done) {
    for (int second = 0; second < 600 && !done.getAsBoolean(); second++) {
      clock.advance(Duration.ofSeconds(1));
      harness.tick();
      await()
          .pollDelay(Duration.ofMillis(20))
          .atMost(5, TimeUnit.SECONDS)
          .until(() -> harness.call(() -> true));
    }
  }

  @Test
  void dedupKeyIsShortAndStable() {
    String key = DedupKeys.of(ediAlert(AlertState.FIRING, TENANT).labels());
    String naive =
        String.join(
            "|",
            ediAlert(AlertState.FIRING, TENANT).labels().asMap().entrySet().stream()
                .filter(
                    e -> List.of("alertname", "tenant", "service", "severity").contains(e.getKey()))
                .map(e -> e.getKey() + "=" + e.getValue())
                .toList());

    assertThat(TENANT).hasSize(204);
    assertThat(naive.length()).as("identity labels joined with |").isGreaterThan(255);
    assertThat(key).hasSize(77).startsWith("freightwatch-").matches("freightwatch-[0-9a-f]{64}");
    assertThat(key.length()).isLessThanOrEqualTo(DedupKeys.MAX_LENGTH);
    assertThat(DedupKeys.of(ediAlert(AlertState.RESOLVED, TENANT).labels())).isEqualTo(key);
    assertThat(key).startsWith("freightwatch-" + ediAlert(AlertState.FIRING, TENANT).fingerprint());
  }

  @Test
  void retriesThrottlingThenResolvesOnce() {
    AtomicInteger triggerAttempts = new AtomicInteger();
    pagerDuty.respond(
        request -> {
          if (request.json().get("event_action").asText().equals("resolve")) {
            return accepted(request);
          }
          return switch (triggerAttempts.incrementAndGet()) {
            case 1 -> Response.of(429, "{\"status\":\"throttled\",\"message\":\"slow down\"}");
            case 2 -> Response.of(429, "{\"status\":\"throttled\"}", "Retry-After", "20");
            case 3 -> Response.of(503, "Service Unavailable");
            default -> accepted(request);
          };
        });
    DispatcherHarness harness = start();

    harness.evaluate(List.of(event(AlertState.FIRING, TENANT)), List.of());
    runUntil(() -> triggerAttempts.get() >= 4);
    harness.evaluate(List.of(event(AlertState.RESOLVED, TENANT)), List.of());
    runUntil(() -> pagerDuty.requests().size() >= 5);

    List<Request> requests = pagerDuty.requests();
    assertThat(requests).hasSize(5);
    List<Request> triggers = requests.subList(0, 4);
    for (Request trigger : triggers) {
      checkDocumentedTrigger(trigger);
    }
    String key = triggers.get(0).json().get("dedup_key").asText();
    assertThat(requests).extracting(r -> r.json().get("dedup_key").asText()).containsOnly(key);
    assertThat(Duration.between(triggers.get(0).at(), triggers.get(1).at()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(Duration.between(triggers.get(1).at(), triggers.get(2).at()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(20));
    assertThat(Duration.between(triggers.get(2).at(), triggers.get(3).at()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(4));
    JsonNode resolve = requests.get(4).json();
    assertThat(resolve.get("event_action").asText()).isEqualTo("resolve");
    assertThat(resolve.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
    assertThat(requests.get(4).at()).isAfterOrEqualTo(triggers.get(3).at());
    assertThat(incidents(requests)).isEqualTo(1);
  }

  @Test
  void longSummaryIsCutNotRejected() {
    pagerDuty.respond(
        request -> {
          JsonNode payload = request.json().path("payload");
          if (payload.path("summary").asText().length() > 1024) {
            return Response.of(
                400, "{\"status\":\"invalid event\",\"errors\":[\"Summary is too long\"]}");
          }
          return accepted(request);
        });
    DispatcherHarness harness = start();

    harness.evaluate(List.of(event(AlertState.FIRING, TENANT)), List.of());
    await().atMost(5, TimeUnit.SECONDS).until(() -> harness.queued("pagerduty") == 0);

    assertThat(pagerDuty.requests()).hasSize(1);
    JsonNode payload = pagerDuty.requests().get(0).json().get("payload");
    String full = "EDI failures for 40 partners: " + PARTNERS;
    assertThat(full).hasSize(1350);
    assertThat(payload.get("summary").asText())
        .hasSize(1024)
        .endsWith("…")
        .startsWith("EDI failures for 40 partners: Partner-01");
    assertThat(payload.get("custom_details").get("summary").asText()).isEqualTo(full);
  }

  @Test
  void invalidRoutingKeyIsNotRetried() {
    pagerDuty.respond(
        request ->
            Response.of(
                400, "{\"status\":\"invalid event\",\"errors\":[\"Invalid routing key\"]}"));
    DispatcherHarness harness = start();

    harness.evaluate(List.of(event(AlertState.FIRING, TENANT)), List.of());
    runUntil(() -> !chat.requests().isEmpty());
    int minute = 60;
    runUntil(() -> clock.instant().isAfter(T0.plusSeconds(minute)));

    assertThat(pagerDuty.requests()).hasSize(1);
    assertThat(chat.requests()).hasSize(1);
    JsonNode alert = chat.requests().get(0).json().get("alerts").get(0);
    assertThat(alert.get("labels").get("alertname").asText())
        .isEqualTo(NotificationDispatcher.DELIVERY_FAILED_ALERT);
    assertThat(alert.get("labels").get("receiver").asText()).isEqualTo("pagerduty");
    assertThat(alert.get("annotations").get("summary").asText())
        .contains("invalid event: [\"Invalid routing key\"]");
    assertThat(
            harness
                .series()
                .select(
                    "freightwatch_notifications_given_up_total",
                    List.of(io.freightwatch.store.LabelMatcher.equal("receiver", "pagerduty"))))
        .singleElement()
        .satisfies(s -> assertThat(s.latestValue()).isEqualTo(1));
  }

  @Test
  void throttledAlertDoesNotBlockOthers() {
    String throttledTenant = "t7";
    pagerDuty.respond(
        request ->
            request.body().contains("\"tenant\":\"" + throttledTenant + "\"")
                ? Response.of(429, "{\"status\":\"throttled\"}", "Retry-After", "60")
                : accepted(request));
    DispatcherHarness harness = start();

    harness.evaluate(List.of(event(AlertState.FIRING, throttledTenant)), List.of());
    await().atMost(5, TimeUnit.SECONDS).until(() -> pagerDuty.requests().size() == 1);
    clock.advance(Duration.ofSeconds(2));
    harness.evaluate(List.of(event(AlertState.FIRING, "t8")), List.of());
    await().atMost(5, TimeUnit.SECONDS).until(() -> pagerDuty.requests().size() == 2);

    Request second = pagerDuty.requests().get(1);
    assertThat(second.body()).contains("\"tenant\":\"t8\"");
    assertThat(Duration.between(pagerDuty.requests().get(0).at(), second.at()))
        .isLessThan(Duration.ofSeconds(60));
  }

  @Test
  void twoReplicasOpenOneIncident() {
    pagerDuty.respond(PagerDutyReceiverTest::accepted);
    DispatcherHarness first = start();
    try (DispatcherHarness second = start(dir.resolve("replica-2"))) {
      first.evaluate(List.of(event(AlertState.FIRING, TENANT)), List.of());
      second.evaluate(List.of(event(AlertState.FIRING, TENANT)), List.of());
      await().atMost(5, TimeUnit.SECONDS).until(() -> pagerDuty.requests().size() == 2);
      first.evaluate(List.of(event(AlertState.RESOLVED, TENANT)), List.of());
      second.evaluate(List.of(event(AlertState.RESOLVED, TENANT)), List.of());
      await().atMost(5, TimeUnit.SECONDS).until(() -> pagerDuty.requests().size() == 4);
    }

    assertThat(incidents(pagerDuty.requests())).isEqualTo(1);
    assertThat(pagerDuty.requests())
        .extracting(r -> r.json().get("dedup_key").asText())
        .containsOnly(DedupKeys.of(ediAlert(AlertState.FIRING, TENANT).labels()));
  }

  /** Checks a trigger against the Events API v2 documentation. */
  private static void checkDocumentedTrigger(Request request) {
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.uri()).isEqualTo("/v2/enqueue");
    assertThat(request.headers().get("Content-Type")).isEqualTo("application/json");
    JsonNode body = request.json();
    assertThat(body.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
    assertThat(body.get("event_action").asText()).isEqualTo("trigger");
    assertThat(body.get("dedup_key").asText().length()).isBetween(1, 255);
    JsonNode payload = body.get("payload");
    assertThat(payload.get("summary").asText().length()).isBetween(1, 1024);
    assertThat(payload.get("source").asText()).isEqualTo(TENANT);
    assertThat(payload.get("severity").asText()).isEqualTo("critical");
    assertThat(Instant.parse(payload.get("timestamp").asText())).isEqualTo(T0);
    assertThat(payload.get("component").asText()).isEqualTo("edi-gateway@file");
    assertThat(payload.get("group").asText()).isEqualTo(TENANT);
    assertThat(payload.get("class").asText()).isEqualTo("EdiPartnerFailures");
    JsonNode details = payload.get("custom_details");
    assertThat(details.get("value").asDouble()).isEqualTo(40);
    assertThat(details.get("impact").get("process").asText())
        .isEqualTo("EDI order exchange with partners");
    assertThat(details.get("impact").get("customer_facing").asText()).isEqualTo("true");
    List<String> links = new ArrayList<>();
    body.get("links")
        .forEach(link -> links.add(link.get("text").asText() + " " + link.get("href").asText()));
    assertThat(links)
        .containsExactly(
            "Runbook https://runbooks.example/edi_partner_failures",
            "Dashboard https://grafana.example/d/edi");
  }

  private static Response accepted(Request request) {
    return Response.of(
        202,
        "{\"status\":\"success\",\"message\":\"Event processed\","
            + "\"dedup_key\":\""
            + request.json().get("dedup_key").asText()
            + "\"}");
  }

  /** Counts incidents as PagerDuty would: one per dedup key that was triggered. */
  static long incidents(List<Request> requests) {
    return requests.stream()
        .map(Request::json)
        .filter(body -> body.get("event_action").asText().equals("trigger"))
        .map(body -> body.get("dedup_key").asText())
        .distinct()
        .count();
  }
}
