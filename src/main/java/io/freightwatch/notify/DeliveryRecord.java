package io.freightwatch.notify;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One finished delivery attempt, kept for the status page.
 *
 * @param at when the attempt finished
 * @param receiver receiver name
 * @param notificationId outbox id of the notification
 * @param alertNames {@code alertname} of each alert in the notification, without duplicates
 * @param outcome what happened to the attempt
 * @param attempt attempt number for this notification, from 1; 0 for an expiry without attempt
 * @param reason the receiver's or the agent's reason for a failure; empty on delivery
 */
public record DeliveryRecord(
    Instant at,
    String receiver,
    String notificationId,
    List<String> alertNames,
    Outcome outcome,
    int attempt,
    String reason) {

  public DeliveryRecord {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(receiver, "receiver");
    Objects.requireNonNull(notificationId, "notificationId");
    alertNames = List.copyOf(alertNames);
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(reason, "reason");
  }

  /** Result of a delivery attempt. */
  public enum Outcome {
    /** The receiver accepted the notification. */
    DELIVERED,
    /** The attempt failed and the notification waits for its backoff. */
    RETRYING,
    /** The receiver rejected the notification, so it was given up. */
    REJECTED,
    /** The notification was not accepted within the receiver's {@code max_age}. */
    EXPIRED;

    /** Lower-case name, as shown on the status page. */
    public String displayName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Returns whether the outcome is a failure. */
    public boolean isFailure() {
      return this != DELIVERED;
    }
  }
}
