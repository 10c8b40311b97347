package io.freightwatch.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * State of one alert instance across evaluations. Each evaluation reports whether the condition
 * holds, does not hold, or is unknown (the series' target failed its scrape, or a window has too
 * few samples); an unknown result leaves the state as it is, so that a target outage neither
 * resolves nor fires business alerts.
 */
final class AlertStateMachine {

  /** Result of one evaluation of a rule's condition on one series. */
  enum Observation {
    HOLDS,
    CLEAR,
    UNKNOWN
  }

  /** State change of one evaluation; receivers are notified of FIRED and RESOLVED. */
  enum Transition {
    NONE,
    STARTED_PENDING,
    FIRED,
    RESOLVED,
    /** The condition cleared while pending: the alert is dropped without notification. */
    CANCELLED
  }

  private final Duration forDuration;
  private final Duration keepFiringFor;
  private AlertState state;
  private Instant keepFiringSince;
  private Instant activeSince;
  private Instant firingSince;
  private Instant resolvedAt;

  AlertStateMachine(Duration forDuration) {
    this(forDuration, Duration.ZERO);
  }

  /**
   * @param keepFiringFor how long a firing alert keeps firing after its condition cleared; it
   *     resolves at the first evaluation at least this long after the condition first cleared,
   *     as Prometheus' {@code keep_firing_for} does
   */
  AlertStateMachine(Duration forDuration, Duration keepFiringFor) {
    this.forDuration = forDuration;
    this.keepFiringFor = keepFiringFor;
  }

  Transition observe(Observation observation, Instant now) {
    if (observation == Observation.UNKNOWN) {
      return Transition.NONE;
    }
    if (observation == Observation.HOLDS) {
      keepFiringSince = null;
      if (state == null || state == AlertState.RESOLVED) {
        state = AlertState.PENDING;
        activeSince = now;
        firingSince = null;
        resolvedAt = null;
        if (forDuration.isZero()) {
          return fire(now);
        }
        return Transition.STARTED_PENDING;
      }
      if (state == AlertState.PENDING && !now.isBefore(activeSince.plus(forDuration))) {
        return fire(now);
      }
      return Transition.NONE;
    }
    if (state == AlertState.PENDING) {
      state = null;
      return Transition.CANCELLED;
    }
    if (state == AlertState.FIRING && !keepFiringFor.isZero()) {
      if (keepFiringSince == null) {
        keepFiringSince = now;
      }
      if (now.isBefore(keepFiringSince.plus(keepFiringFor))) {
        return Transition.NONE;
      }
    }
    if (state == AlertState.FIRING) {
      keepFiringSince = null;
      state = AlertState.RESOLVED;
      resolvedAt = now;
      return Transition.RESOLVED;
    }
    return Transition.NONE;
  }

  private Transition fire(Instant now) {
    state = AlertState.FIRING;
    firingSince = now;
    return Transition.FIRED;
  }

  /** Current state; empty when inactive. */
  Optional<AlertState> state() {
    return Optional.ofNullable(state);
  }

  Instant activeSince() {
    return activeSince;
  }

  Optional<Instant> firingSince() {
    return Optional.ofNullable(firingSince);
  }

  Optional<Instant> resolvedAt() {
    return Optional.ofNullable(resolvedAt);
  }
}
