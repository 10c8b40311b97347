package io.freightwatch.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertEvent;
import io.freightwatch.rules.AlertState;
import io.freightwatch.rules.Fingerprints;
import io.freightwatch.store.Labels;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NotificationTextTest {

  private static final Instant FIRED = Instant.parse("2026-03-10T14:00:00Z");
  private static final String SUMMARY =
      "Carrier labels for acme are backing up: 57 label jobs pending in root.carrier";

  @Test
  void firingKeepsRuleSummary() {
    AlertEvent event = event(AlertEvent.Kind.FIRING, 57, SUMMARY, Optional.empty());

    assertThat(NotificationText.summary(event)).isEqualTo(SUMMARY);
    assertThat(NotificationText.annotations(event))
        .containsExactlyInAnyOrderEntriesOf(Map.of("summary", SUMMARY, "runbook", "r.md"));
  }

  @Test
  void resolvedSaysHowLongItFired() {
    AlertEvent event =
        event(AlertEvent.Kind.RESOLVED, 57, SUMMARY, Optional.of(FIRED.plusSeconds(750)));

    assertThat(NotificationText.summary(event)).isEqualTo(
        "Resolved after firing for 12m 30s. While firing: " + SUMMARY);
    assertThat(NotificationText.annotations(event))
        .containsEntry("firing_summary", SUMMARY)
        .containsEntry("runbook", "r.md")
        .containsEntry("summary", NotificationText.summary(event));
  }

  @Test
  void resolvedShowsWorstSummary() {
    String worst = "Carrier labels for acme are backing up: 140 label jobs wait for a retry";
    AlertEvent event = event(AlertEvent.Kind.RESOLVED, 57, SUMMARY,
        Optional.of(FIRED.plusSeconds(750)), Map.of(Alert.WORST_SUMMARY, worst));

    assertThat(NotificationText.summary(event)).isEqualTo(
        "Resolved after firing for 12m 30s. At its worst: " + worst);
    assertThat(NotificationText.annotations(event)).containsEntry("firing_summary", SUMMARY);
  }

  @Test
  void resolvedShortFiringKeepsTenths() {
    AlertEvent event =
        event(AlertEvent.Kind.RESOLVED, 0.25, "", Optional.of(FIRED.plusMillis(4700)));

    assertThat(NotificationText.summary(event))
        .isEqualTo("Resolved after firing for 4.7s (last value 0.25).");
  }

  @Test
  void resolvedWithoutValueOrSummary() {
    AlertEvent event =
        event(AlertEvent.Kind.RESOLVED, Double.NaN, "", Optional.of(FIRED.plusSeconds(60)));

    assertThat(NotificationText.summary(event)).isEqualTo("Resolved after firing for 1m 0s.");
    assertThat(NotificationText.annotations(event)).doesNotContainKey("firing_summary");
  }

  private static AlertEvent event(
      AlertEvent.Kind kind, double value, String summary, Optional<Instant> resolvedAt) {
    return event(kind, value, summary, resolvedAt, Map.of());
  }

  private static AlertEvent event(AlertEvent.Kind kind, double value, String summary,
      Optional<Instant> resolvedAt, Map<String, String> extraAnnotations) {
    Map<String, String> annotations = new java.util.LinkedHashMap<>(
        Map.of("summary", summary, "runbook", "r.md"));
    annotations.putAll(extraAnnotations);
    Labels labels = Labels.of("alertname", "carrier_label_backlog", "tenant", "acme");
    AlertState state = resolvedAt.isPresent() ? AlertState.RESOLVED : AlertState.FIRING;
    Alert alert = new Alert(Fingerprints.of(labels), "carrier_label_backlog", labels,
        annotations, state, value, FIRED.minusSeconds(60),
        Optional.of(FIRED), resolvedAt);
    return new AlertEvent(kind, alert);
  }
}
