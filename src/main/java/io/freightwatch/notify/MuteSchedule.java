package io.freightwatch.notify;

import io.freightwatch.store.Labels;
import java.time.Instant;
import java.util.List;

/**
 * Decides whether a route sends nothing at a given time, for example outside a warehouse's
 * operating hours. The operational calendar implements it; routes name the calendar intervals in
 * {@code mute_time_intervals}. Called on the agent's event loop, so it must not block.
 */
@FunctionalInterface
public interface MuteSchedule {

  /** Mutes nothing. */
  MuteSchedule NEVER = (intervals, labels, at) -> false;

  /**
   * Returns whether a notification for a group with {@code groupLabels} is muted at {@code at}.
   *
   * @param intervals interval names from the route's {@code mute_time_intervals}; never empty
   */
  boolean isMuted(List<String> intervals, Labels groupLabels, Instant at);
}
