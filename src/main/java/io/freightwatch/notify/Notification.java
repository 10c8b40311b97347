package io.freightwatch.notify;

import io.freightwatch.rules.AlertEvent;
import java.time.Instant;
import java.util.Objects;

/**
 * One message for one receiver about one alert change.
 *
 * @param id unique id, for logs
 * @param receiver receiver name
 * @param event the alert change
 * @param createdAt when the change happened
 */
public record Notification(String id, String receiver, AlertEvent event, Instant createdAt) {

  public Notification {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(receiver, "receiver");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
