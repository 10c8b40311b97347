package io.freightwatch.config;

import io.freightwatch.store.LabelMatcher;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One node of the notification routing tree, read from {@code notify.route}. Its semantics follow
 * Alertmanager's: an alert enters a child route when the child's matchers accept its labels, the
 * first matching child wins unless that child sets {@code continue}, and an alert that no child
 * accepts stays with the node itself. Children inherit grouping and timing from their parent.
 *
 * @param receiver receiver that gets the alerts this node keeps
 * @param matchers conditions on the alert's labels; empty accepts every alert
 * @param continueMatching whether later siblings are tried after this node matched
 * @param groupBy label names whose values form one group; ignored when {@code groupByAll}
 * @param groupByAll whether every label takes part, so that each alert is its own group ({@code
 *     group_by: ['...']})
 * @param groupWait wait before the first notification of a new group
 * @param groupInterval wait before notifying a group again after it changed
 * @param repeatInterval wait before re-sending an unchanged group that still has firing alerts
 * @param muteTimeIntervals names of calendar intervals during which this node sends nothing
 * @param routes child nodes, tried in order
 */
public record RouteConfig(
    String receiver,
    List<LabelMatcher> matchers,
    boolean continueMatching,
    List<String> groupBy,
    boolean groupByAll,
    Duration groupWait,
    Duration groupInterval,
    Duration repeatInterval,
    List<String> muteTimeIntervals,
    List<RouteConfig> routes) {

  /** Alertmanager's default wait before the first notification of a group. */
  public static final Duration DEFAULT_GROUP_WAIT = Duration.ofSeconds(30);

  /** Alertmanager's default wait between notifications of a changed group. */
  public static final Duration DEFAULT_GROUP_INTERVAL = Duration.ofMinutes(5);

  /** Alertmanager's default wait before repeating an unchanged firing group. */
  public static final Duration DEFAULT_REPEAT_INTERVAL = Duration.ofHours(4);

  public RouteConfig {
    Objects.requireNonNull(receiver, "receiver");
    matchers = List.copyOf(matchers);
    groupBy = List.copyOf(groupBy);
    Objects.requireNonNull(groupWait, "groupWait");
    Objects.requireNonNull(groupInterval, "groupInterval");
    Objects.requireNonNull(repeatInterval, "repeatInterval");
    muteTimeIntervals = List.copyOf(muteTimeIntervals);
    routes = List.copyOf(routes);
  }

  /**
   * Returns the route used when the configuration has no {@code notify.route}: every receiver gets,
   * at once and one message per alert change, the alerts its own {@code matchers} accept. This
   * keeps configurations written before routing existed working unchanged.
   */
  public static RouteConfig perReceiver(List<ReceiverConfig> receivers) {
    List<RouteConfig> children =
        receivers.stream()
            .map(
                receiver ->
                    new RouteConfig(
                        receiver.name(),
                        receiver.matchers(),
                        true,
                        List.of(),
                        true,
                        Duration.ZERO,
                        Duration.ZERO,
                        DEFAULT_REPEAT_INTERVAL,
                        List.of(),
                        List.of()))
            .toList();
    return new RouteConfig(
        "",
        List.of(),
        false,
        List.of(),
        true,
        Duration.ZERO,
        Duration.ZERO,
        DEFAULT_REPEAT_INTERVAL,
        List.of(),
        children);
  }
}
