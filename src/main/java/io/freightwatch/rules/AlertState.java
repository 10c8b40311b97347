package io.freightwatch.rules;

/** Lifecycle of one alert, as in Prometheus: pending until {@code for} has passed, then firing. */
public enum AlertState {
  /** The condition holds but not yet for the rule's {@code for} duration. */
  PENDING,
  /** The condition has held for the {@code for} duration; receivers are notified. */
  FIRING,
  /** The condition stopped holding after the alert fired; kept for a while for the API. */
  RESOLVED;

  public String apiName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
