package io.freightwatch.config;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Settings for reading the OCA {@code queue_job} runner of an Odoo target: the runner's channel
 * capacities and how long a job may stay {@code started} or {@code enqueued} before it is
 * suspected dead.
 *
 * @param capacities slots per channel, with full dotted names such as {@code root.edi}, as the job
 *     runner's {@code [queue_job] channels} option sets them; empty when not configured
 * @param startedDeadAfter default time in {@code started} after which a job is suspected dead
 * @param enqueuedDeadAfter default time in {@code enqueued} after which a job is suspected dead
 * @param startedByChannel overrides of {@code startedDeadAfter} per channel; a channel without one
 *     uses its closest ancestor's
 * @param enqueuedByChannel overrides of {@code enqueuedDeadAfter} per channel, inherited the same way
 */
public record OdooQueueSettings(
    Map<String, Integer> capacities,
    Duration startedDeadAfter,
    Duration enqueuedDeadAfter,
    Map<String, Duration> startedByChannel,
    Map<String, Duration> enqueuedByChannel) {

  /** Jobs started more than an hour ago are suspected dead unless their channel sets another limit. */
  public static final Duration DEFAULT_STARTED_DEAD_AFTER = Duration.ofHours(1);

  /**
   * Jobs enqueued more than 5 minutes ago are suspected dead; queue_job 17.0's garbage collector
   * requeues them after the same time.
   */
  public static final Duration DEFAULT_ENQUEUED_DEAD_AFTER = Duration.ofMinutes(5);

  /** Settings with no capacities and the default thresholds. */
  public static final OdooQueueSettings DEFAULTS =
      new OdooQueueSettings(
          Map.of(), DEFAULT_STARTED_DEAD_AFTER, DEFAULT_ENQUEUED_DEAD_AFTER, Map.of(), Map.of());

  public OdooQueueSettings {
    capacities = sorted(capacities);
    Objects.requireNonNull(startedDeadAfter, "startedDeadAfter");
    Objects.requireNonNull(enqueuedDeadAfter, "enqueuedDeadAfter");
    startedByChannel = sorted(startedByChannel);
    enqueuedByChannel = sorted(enqueuedByChannel);
  }

  /**
   * Returns the time a job of {@code channel} may stay in {@code state} ({@code started} or {@code
   * enqueued}) before it is suspected dead: the override of the channel or of its closest
   * ancestor, else the default.
   *
   * @throws IllegalArgumentException for any other state
   */
  public Duration deadAfter(String channel, String state) {
    return switch (state) {
      case "started" -> closest(startedByChannel, channel).orElse(startedDeadAfter);
      case "enqueued" -> closest(enqueuedByChannel, channel).orElse(enqueuedDeadAfter);
      default -> throw new IllegalArgumentException(
          "state: got \"" + state + "\"; expected started or enqueued");
    };
  }

  /**
   * Returns the configured channel whose capacity limits {@code channel}: the channel itself or its
   * closest configured ancestor, as the job runner resolves it. Empty when no capacity applies.
   */
  public Optional<String> capacityChannel(String channel) {
    for (String candidate = channel; candidate != null; candidate = parent(candidate)) {
      if (capacities.containsKey(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Returns true when {@code channel} is {@code ancestor} or lies below it. */
  public static boolean isWithin(String channel, String ancestor) {
    return channel.equals(ancestor) || channel.startsWith(ancestor + ".");
  }

  private static <V> Optional<V> closest(Map<String, V> byChannel, String channel) {
    for (String candidate = channel; candidate != null; candidate = parent(candidate)) {
      V value = byChannel.get(candidate);
      if (value != null) {
        return Optional.of(value);
      }
    }
    return Optional.empty();
  }

  private static String parent(String channel) {
    int dot = channel.lastIndexOf('.');
    return dot < 0 ? null : channel.substring(0, dot);
  }

  private static <V> Map<String, V> sorted(Map<String, V> map) {
    return java.util.Collections.unmodifiableMap(new TreeMap<>(map));
  }
}
