package io.freightwatch.notify;

import io.freightwatch.rules.AlertEvent;
import io.freightwatch.store.Labels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
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

  /**
   * Returns a key that names this message and no other: 32 hex digits of SHA-256 over the
   * receiver, the group, the creation time and each alert's change. A copy sent again after a
   * restart has the same key. Another message has a different one, and so does the same change
   * seen by another agent or after the data directory was reset.
   */
  public String idempotencyKey() {
    StringBuilder identity = new StringBuilder()
        .append(receiver).append('\n').append(groupKey).append('\n').append(createdAt);
    for (AlertEvent event : events) {
      identity.append('\n').append(event.kind()).append(' ').append(event.alert().fingerprint())
          .append(' ').append(event.alert().firingSince().map(Instant::toString).orElse("-"))
          .append(' ').append(event.alert().resolvedAt().map(Instant::toString).orElse("-"));
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(identity.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }

  /** Fingerprints of the message's alerts, for logs. */
  public String fingerprints() {
    return String.join(",", events.stream().map(e -> e.alert().fingerprint()).toList());
  }
}
