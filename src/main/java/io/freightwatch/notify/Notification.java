package io.freightwatch.notify;

import io.freightwatch.rules.AlertEvent;
import io.freightwatch.store.Labels;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One message for one receiver: the alert changes of one group, or of one alert for receivers that
 * take one alert per message. Stored in the outbox until the receiver accepts it.
 *
 * @param id outbox id; ids grow in the order notifications were created
 * @param receiver receiver name
 * @param groupKey messages with the same key are delivered in creation order: the route and group
 *     labels for grouped receivers, the receiver and alert fingerprint otherwise
 * @param groupLabels labels that define the group, as in Alertmanager's {@code groupLabels}
 * @param events the alerts of the message; at least one
 * @param createdAt when the message was created; its age limits retries
 */
public record Notification(
    String id,
    String receiver,
    String groupKey,
    Labels groupLabels,
    List<AlertEvent> events,
    Instant createdAt) {

  public Notification {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(receiver, "receiver");
    Objects.requireNonNull(groupKey, "groupKey");
    Objects.requireNonNull(groupLabels, "groupLabels");
    events = List.copyOf(events);
    if (events.isEmpty()) {
      throw new IllegalArgumentException("a notification needs at least one alert event");
    }
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** Returns the first event: the only one for receivers that take one alert per message. */
  public AlertEvent event() {
    return events.get(0);
  }

  /** Returns whether any alert of the message is firing. */
  public boolean hasFiring() {
    return events.stream().anyMatch(e -> e.kind() == AlertEvent.Kind.FIRING);
  }

  /** Fingerprints of the message's alerts, for logs. */
  public String fingerprints() {
    return String.join(",", events.stream().map(e -> e.alert().fingerprint()).toList());
  }
}
