package io.freightwatch.notify.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.freightwatch.config.ReceiverConfig;
import io.freightwatch.notify.DispatcherHarness;
import io.freightwatch.notify.RecordingServer;
import io.freightwatch.notify.RecordingServer.Request;
import io.freightwatch.notify.RecordingServer.Response;
import io.freightwatch.notify.TestClock;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertEvent;
import io.freightwatch.rules.AlertState;
import io.freightwatch.rules.Fingerprints;
import io.freightwatch.store.Labels;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Posts to Alertmanager's API v2 through an outage: the same labels and start in every post, a
 * lease of four evaluation intervals, and a final post that ends the alert.
 */
class AlertmanagerLeaseTest {

  private static final Instant T0 = Instant.parse("2026-05-04T10:00:00Z");
  private static final Instant OUTAGE_START = Instant.parse("2026-05-04T10:04:30Z");
  private static final Instant OUTAGE_END = Instant.parse("2026-05-04T10:06:30Z");
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

  private static Alert backlog(int pending, AlertState state, Instant now) {
    return new Alert(
        Fingerprints.of(IDENTITY),
        "EdiBacklogHigh",
        IDENTITY,
        Map.of("summary", pending + " EDI jobs pending for t42", "backlog", "" + pending),
        state,
        pending,
        T0,
        Optional.of(T0),
        state == AlertState.RESOLVED ? Optional.of(now) : Optional.empty());
  }

  @Test
  void leaseOutlastsOutageAndResolveEndsAlert() {
    TestClock clock = new TestClock(T0);
    try (RecordingServer alertmanager = new RecordingServer(clock)) {
      // Unreachable from 10:04:30 to 10:06:30.
      alertmanager.respond(
          r ->
              r.at().isBefore(OUTAGE_START) || !r.at().isBefore(OUTAGE_END)
                  ? Response.of(200, "")
                  : Response.of(503, "down"));
      ReceiverConfig config =
          DispatcherHarness.receiver("alertmanager", "alertmanager", alertmanager.url(""));
      try (DispatcherHarness harness =
          new DispatcherHarness(
              dir,
              clock,
              List.of(config),
              DispatcherHarness.perReceiver(List.of(config)),
              (c, client) -> new AlertmanagerReceiver(c, client, "", clock),
              Duration.ofMinutes(5))) {
        int[] pending = {120, 135, 150, 160, 170, 180, 190, 200, 205, 210, 208, 205};
        harness.evaluate(
            List.of(
                new AlertEvent(AlertEvent.Kind.FIRING, backlog(pending[0], AlertState.FIRING, T0))),
            List.of());
        for (int second = 5; second <= 12 * 60; second += 5) {
          clock.set(T0.plusSeconds(second));
          if (second % 60 == 0 && second < 12 * 60) {
            Alert now = backlog(pending[second / 60], AlertState.FIRING, clock.instant());
            harness.evaluate(List.of(), List.of(now));
          } else if (second == 12 * 60) {
            harness.evaluate(
                List.of(
                    new AlertEvent(
                        AlertEvent.Kind.RESOLVED,
                        backlog(40, AlertState.RESOLVED, clock.instant()))),
                List.of());
          } else {
            harness.tick();
          }
          await()
              .pollDelay(Duration.ofMillis(10))
              .atMost(5, TimeUnit.SECONDS)
              .until(() -> harness.call(() -> true));
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> harness.queued("alertmanager") == 0);
      }

      List<Request> posts = alertmanager.requests();
      for (Request post : posts) {
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.uri()).isEqualTo("/api/v2/alerts");
        JsonNode alert = post.json().get(0);
        assertThat(new TreeMap<>(toMap(alert.get("labels")))).isEqualTo(IDENTITY.asMap());
        assertThat(alert.get("startsAt").asText()).isEqualTo("2026-05-04T10:00:00Z");
        assertThat(alert.get("annotations").has("backlog")).isTrue();
      }
      List<Request> accepted =
          posts.stream()
              .filter(p -> p.at().isBefore(OUTAGE_START) || !p.at().isBefore(OUTAGE_END))
              .toList();
      List<Request> firing = accepted.subList(0, accepted.size() - 1);
      for (Request post : firing) {
        assertThat(Instant.parse(post.json().get(0).get("endsAt").asText()))
            .as("lease of the post at %s", post.at())
            .isEqualTo(
                post.at()
                    .truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
                    .plus(Duration.ofMinutes(4)));
      }
      Request last = accepted.get(accepted.size() - 1);
      assertThat(last.at()).isEqualTo(Instant.parse("2026-05-04T10:12:00Z"));
      assertThat(last.json().get(0).get("endsAt").asText()).isEqualTo("2026-05-04T10:12:00Z");
      // Alertmanager keeps the alert active while each accepted post arrives before the
      // previous one's endsAt: one alert, active from 10:00 to 10:12 without a gap.
      for (int i = 1; i < accepted.size(); i++) {
        Instant previousEnd =
            Instant.parse(accepted.get(i - 1).json().get(0).get("endsAt").asText());
        assertThat(accepted.get(i).at())
            .as("post %d arrives within the lease", i)
            .isBeforeOrEqualTo(previousEnd);
      }
      // The circuit breaker may hold back the 10:06 post, but the one due at 10:05 is always
      // tried. Each alert has one post in flight at a time, so on a slow machine it may go out at
      // the next 5 s tick, when the 10:04 post has finished.
      assertThat(posts).extracting(Request::at)
          .anySatisfy(at -> assertThat(at).isBetween(Instant.parse("2026-05-04T10:05:00Z"),
              Instant.parse("2026-05-04T10:05:05Z")));
    }
  }

  private static Map<String, String> toMap(JsonNode node) {
    Map<String, String> map = new TreeMap<>();
    node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }
}
