package io.freightwatch.notify;

import io.freightwatch.config.SummaryTemplate;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertEvent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The summary a notification shows for one alert change. A firing alert shows its rule's summary.
 * A resolved alert's notification states that it resolved and how long it fired, followed by the
 * summary rendered with its worst value while firing, or, for a rule without a direction such as
 * {@code ==}, with its last value while firing.
 */
public final class NotificationText {

  /** Annotation that keeps the firing summary in the payload of a resolved alert. */
  public static final String FIRING_SUMMARY = "firing_summary";

  private NotificationText() {}

  /**
   * Returns the summary of {@code event}, such as "Resolved after firing for 12m 30s. At its
   * worst: Carrier labels for acme are backing up: ...".
   */
  public static String summary(AlertEvent event) {
    Alert alert = event.alert();
    if (event.kind() != AlertEvent.Kind.RESOLVED) {
      return alert.summary();
    }
    StringBuilder text = new StringBuilder("Resolved");
    if (alert.firingSince().isPresent() && alert.resolvedAt().isPresent()) {
      Duration firing = Duration.between(alert.firingSince().get(), alert.resolvedAt().get());
      text.append(" after firing for ")
          .append(SummaryTemplate.formatDuration(Math.max(0, firing.toMillis()) / 1000.0));
    }
    String worst = alert.annotations().getOrDefault(Alert.WORST_SUMMARY, "");
    if (!worst.isBlank()) {
      text.append(". At its worst: ").append(worst);
    } else if (!alert.summary().isBlank()) {
      text.append(". While firing: ").append(alert.summary());
    } else if (Double.isFinite(alert.value())) {
      // Without a summary the bare value is all there is to show.
      text.append(" (last value ").append(SummaryTemplate.formatNumber(alert.value()))
          .append(").");
    } else {
      text.append('.');
    }
    return text.toString();
  }

  /**
   * Returns the annotations of {@code event} with {@code summary} from {@link #summary}. For a
   * resolved alert the rule's own summary stays under {@value #FIRING_SUMMARY}.
   */
  public static Map<String, String> annotations(AlertEvent event) {
    Alert alert = event.alert();
    if (event.kind() != AlertEvent.Kind.RESOLVED) {
      return alert.annotations();
    }
    Map<String, String> annotations = new LinkedHashMap<>(alert.annotations());
    if (!alert.summary().isEmpty()) {
      annotations.put(FIRING_SUMMARY, alert.summary());
    }
    annotations.put("summary", summary(event));
    return annotations;
  }
}
