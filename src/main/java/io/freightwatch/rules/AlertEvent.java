package io.freightwatch.rules;

import java.util.Objects;

/**
 * A change that receivers must hear about.
 *
 * @param kind whether the alert started firing or resolved
 * @param alert the alert as it was at that moment
 */
public record AlertEvent(Kind kind, Alert alert) {

  public AlertEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(alert, "alert");
  }

  /** Kinds of notification-worthy changes. */
  public enum Kind {
    FIRING,
    RESOLVED
  }
}
