package io.freightwatch.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.freightwatch.config.ReceiverConfig;
import io.freightwatch.notify.RecordingServer.Request;
import io.freightwatch.notify.RecordingServer.Response;
import io.freightwatch.notify.webhook.WebhookReceiver;
import io.freightwatch.rules.AlertEvent;
import io.freightwatch.rules.AlertState;
import io.freightwatch.store.LabelMatcher;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A receiver that is down for 30 simulated minutes and then back: everything reaches it, in order
 * per alert and once each; and after a restart, what was pending is sent and a firing alert is not
 * announced again.
 */
class ReceiverOutageTest {

  private static final Instant T0 = NotificationDispatcherTest.T0;

  @TempDir Path dir;

  private final TestClock clock = new TestClock(T0);

  private DispatcherHarness harness(RecordingServer server) {
    List<ReceiverConfig> receivers =
        List.of(DispatcherHarness.receiver("ops", "webhook", server.url("/hook")));
    return new DispatcherHarness(
        dir,
        clock,
        receivers,
        DispatcherHarness.perReceiver(receivers),
        (config, client) -> new WebhookReceiver(config, client, "", clock),
        Duration.ofMinutes(5));
  }

  private static AlertEvent event(String tenant, AlertEvent.Kind kind) {
    return new AlertEvent(
        kind,
        NotificationDispatcherTest.alert(
            "carrier_label_backlog",
            tenant,
            kind == AlertEvent.Kind.FIRING ? AlertState.FIRING : AlertState.RESOLVED));
  }

  private static void step(DispatcherHarness harness, TestClock clock, Duration by) {
    clock.advance(by);
    harness.tick();
    await()
        .pollDelay(Duration.ofMillis(10))
        .atMost(5, TimeUnit.SECONDS)
        .until(() -> harness.call(() -> true));
  }

  private static List<String> accepted(List<Request> requests, Instant downUntil) {
    List<String> result = new ArrayList<>();
    for (Request request : requests) {
      if (!request.at().isBefore(downUntil)) {
        var alert = request.json().get("alerts").get(0);
        result.add(alert.get("labels").get("tenant").asText() + ":" + alert.get("status").asText());
      }
    }
    return result;
  }

  @Test
  void deliversEverythingAfterLongOutage() {
    Instant downUntil = T0.plus(Duration.ofMinutes(30));
    try (RecordingServer server = new RecordingServer(clock)) {
      server.respond(
          r -> r.at().isBefore(downUntil) ? Response.of(503, "maintenance") : Response.of(200, ""));
      try (DispatcherHarness harness = harness(server)) {
        harness.evaluate(List.of(event("acme", AlertEvent.Kind.FIRING)), List.of());
        step(harness, clock, Duration.ofMinutes(5));
        harness.evaluate(List.of(event("globex", AlertEvent.Kind.FIRING)), List.of());
        step(harness, clock, Duration.ofMinutes(5));
        harness.evaluate(List.of(event("acme", AlertEvent.Kind.RESOLVED)), List.of());
        step(harness, clock, Duration.ofMinutes(5));
        harness.evaluate(List.of(event("initech", AlertEvent.Kind.FIRING)), List.of());
        boolean breakerOpened = false;
        while (clock.instant().isBefore(downUntil.plus(Duration.ofMinutes(10)))) {
          step(harness, clock, Duration.ofSeconds(10));
          breakerOpened |=
              harness
                      .series()
                      .select(
                          "freightwatch_notification_circuit_open",
                          List.of(LabelMatcher.equal("receiver", "ops")))
                      .get(0)
                      .latestValue()
                  == 1;
        }
        assertThat(breakerOpened).as("circuit breaker opened during the outage").isTrue();
        await().atMost(5, TimeUnit.SECONDS).until(() -> harness.queued("ops") == 0);
      }

      List<String> delivered = accepted(server.requests(), downUntil);
      assertThat(delivered)
          .containsExactlyInAnyOrder(
              "acme:firing", "acme:resolved", "globex:firing", "initech:firing");
      assertThat(delivered.indexOf("acme:firing")).isLessThan(delivered.indexOf("acme:resolved"));
      Set<String> keys = new HashSet<>();
      for (Request request : server.requests()) {
        if (!request.at().isBefore(downUntil)) {
          assertThat(keys.add(request.headers().get("Idempotency-Key")))
              .as("notification %s accepted once", request.headers().get("Idempotency-Key"))
              .isTrue();
        }
      }
      assertThat(server.requests().size())
          .as("attempts during 30 minutes of outage")
          .isLessThan(60);
    }
  }

  @Test
  void restartSendsPendingWithoutRepaging() {
    Instant downUntil = T0.plus(Duration.ofMinutes(2));
    try (RecordingServer server = new RecordingServer(clock)) {
      server.respond(
          r -> r.at().isBefore(downUntil) ? Response.of(503, "down") : Response.of(200, ""));
      try (DispatcherHarness harness = harness(server)) {
        harness.evaluate(List.of(event("acme", AlertEvent.Kind.FIRING)), List.of());
        await().atMost(5, TimeUnit.SECONDS).until(() -> server.requests().size() == 1);

        harness.restart();
        clock.set(downUntil);
        harness.tick();
        await().atMost(5, TimeUnit.SECONDS).until(() -> harness.queued("ops") == 0);
        assertThat(accepted(server.requests(), downUntil)).containsExactly("acme:firing");

        // The rule engine starts empty after a restart and reports the alert as new.
        harness.evaluate(List.of(event("acme", AlertEvent.Kind.FIRING)), List.of());
        for (int i = 0; i < 30; i++) {
          step(harness, clock, Duration.ofSeconds(10));
        }
        assertThat(accepted(server.requests(), downUntil)).containsExactly("acme:firing");

        harness.restart();
        harness.evaluate(List.of(event("acme", AlertEvent.Kind.RESOLVED)), List.of());
        await().atMost(5, TimeUnit.SECONDS).until(() -> harness.queued("ops") == 0);
        assertThat(accepted(server.requests(), downUntil))
            .containsExactly("acme:firing", "acme:resolved");
      }
    }
  }

  @Test
  void restoredAlertResolvesWhenNotSeenAgain() {
    try (RecordingServer server = new RecordingServer(clock)) {
      try (DispatcherHarness harness = harness(server)) {
        harness.evaluate(List.of(event("acme", AlertEvent.Kind.FIRING)), List.of());
        await().atMost(5, TimeUnit.SECONDS).until(() -> server.requests().size() == 1);

        harness.restart();
        for (int minute = 1; minute <= 4; minute++) {
          clock.advance(Duration.ofMinutes(1));
          harness.evaluate(List.of(), List.of());
        }
        assertThat(server.requests()).as("within the restore grace").hasSize(1);
        clock.advance(Duration.ofMinutes(2));
        harness.evaluate(List.of(), List.of());

        await().atMost(5, TimeUnit.SECONDS).until(() -> server.requests().size() == 2);
        assertThat(accepted(server.requests(), T0)).containsExactly("acme:firing", "acme:resolved");
      }
    }
  }
}
