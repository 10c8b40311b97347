package io.freightwatch.notify;

import io.freightwatch.config.NotifyConfig;
import io.freightwatch.config.ReceiverConfig;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertEvent;
import io.freightwatch.rules.AlertState;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns alert changes into notifications: routes each alert through the routing tree, groups it
 * with Alertmanager's timing, writes the resulting notifications to the durable {@link Outbox} and
 * hands them to one {@link DeliveryLane} per receiver.
 *
 * <p>Across restarts: notifications still in the outbox are sent after a restart, and the alerts
 * each receiver was told are firing are restored from the outbox, so that an alert still firing
 * after the restart is not announced again. A restored alert that no evaluation reports as pending
 * or firing within {@code restoreGrace} is resolved, because its resolution may have happened while
 * the agent was down.
 *
 * <p>Used on the agent's event loop only. Disk commits run on the outbox's worker.
 */
public final class NotificationDispatcher implements DeliveryLane.Listener {

  /** {@code alertname} of the agent's own alert when a receiver's notifications are given up. */
  public static final String DELIVERY_FAILED_ALERT = "freightwatch_notification_failed";

  private static final Logger LOG = LoggerFactory.getLogger(NotificationDispatcher.class);
  private static final String STORE_OWNER = "notify";
  private static final Duration TICK = Duration.ofSeconds(1);

  /**
   * Maximum time between two writes of the delivery metrics. A tick after something was routed,
   * flushed or attempted writes them at once. Otherwise only the oldest queued age moves, and
   * writing it every second cost more than the rest of an idle tick.
   */
  static final Duration METRICS_REFRESH = Duration.ofSeconds(5);
  private static final int RECENT_DELIVERIES = 50;

  private final Vertx vertx;
  private final Clock clock;
  private final SeriesStore store;
  private final Outbox outbox;
  private final NotifyConfig routing;
  private final MuteSchedule mutes;
  private final Duration restoreGrace;
  private final RouteTree tree;
  private final Map<String, DeliveryLane> lanes = new LinkedHashMap<>();
  private final Map<String, Receiver> receivers = new LinkedHashMap<>();
  private final AlertGroups groups = new AlertGroups();
  private final Map<String, Alert> deliveryFailures = new LinkedHashMap<>();
  private final Map<String, Long> givenUp = new LinkedHashMap<>();
  private final DeliveryLog deliveryLog = new DeliveryLog(RECENT_DELIVERIES);
  private long unrouted;
  private long muted;
  private long tickTimer = -1;
  private Instant metricsWrittenAt = Instant.MIN;
  private boolean metricsChanged = true;
  private boolean stopped;

  /**
   * @param configs every configured receiver
   * @param implementations receiver implementations by name; every config needs one
   * @param restoreGrace how long a restored firing alert may go unseen before it is resolved
   */
  public NotificationDispatcher(
      Vertx vertx,
      Clock clock,
      SeriesStore store,
      Outbox outbox,
      List<ReceiverConfig> configs,
      NotifyConfig routing,
      Map<String, Receiver> implementations,
      MuteSchedule mutes,
      Duration restoreGrace) {
    this.vertx = vertx;
    this.clock = clock;
    this.store = store;
    this.outbox = outbox;
    this.routing = routing;
    this.mutes = mutes;
    this.restoreGrace = restoreGrace;
    this.tree = new RouteTree(routing.route());
    for (ReceiverConfig config : configs) {
      Receiver receiver = implementations.get(config.name());
      if (receiver == null) {
        throw new IllegalArgumentException("no receiver implementation for " + config.name());
      }
      receivers.put(config.name(), receiver);
      lanes.put(config.name(), new DeliveryLane(vertx, clock, config, receiver, outbox, this));
    }
  }

  /**
   * Reads the outbox back (on its worker), queues what was pending before the last stop, restores
   * the receivers' firing alerts, and starts the one-second tick that flushes groups.
   */
  public Future<Void> start() {
    return vertx
        .executeBlocking(() -> new Restored(outbox.pending(), outbox.firingByReceiver()))
        .map(
            restored -> {
              restore(restored);
              tickTimer = vertx.setPeriodic(TICK.toMillis(), id -> tick());
              writeMetrics();
              return null;
            });
  }

  /**
   * Takes the result of one rule evaluation.
   *
   * @param events alerts that started firing or resolved
   * @param active every alert the rule engine holds now, pending, firing or resolved
   */
  public void onEvaluation(List<AlertEvent> events, List<Alert> active) {
    Instant now = clock.instant();
    for (AlertEvent event : events) {
      route(event.alert(), Optional.empty(), now);
    }
    for (Alert alert : active) {
      if (alert.state() == AlertState.FIRING) {
        groups.refresh(alert);
      }
      if (alert.state() != AlertState.RESOLVED) {
        groups.seen(alert.fingerprint(), now);
      }
    }
    resolveUnseenRestored(now);
    tick();
  }

  /**
   * Takes alert changes without the rest of an evaluation; used by tests and callers without one.
   */
  public void dispatch(List<AlertEvent> events) {
    onEvaluation(events, List.of());
  }

  /** Flushes the groups that are due and starts the delivery attempts that are due. */
  public void tick() {
    if (stopped) {
      return;
    }
    Instant now = clock.instant();
    flush(now);
    lanes.values().forEach(DeliveryLane::pump);
    if (metricsChanged || !now.isBefore(metricsWrittenAt.plus(METRICS_REFRESH))) {
      writeMetrics();
    }
  }

  /** Number of notifications waiting for {@code receiver}. */
  public int queued(String receiver) {
    DeliveryLane lane = lanes.get(receiver);
    return lane == null ? 0 : lane.queued();
  }

  /**
   * Returns the latest delivery attempts of every receiver, newest first: at most 50, kept in
   * memory only, so the list starts empty after a restart.
   */
  public List<DeliveryRecord> recentDeliveries() {
    return deliveryLog.recent();
  }

  /** Stops delivering. Queued notifications stay in the outbox for the next start. */
  public void stop() {
    stopped = true;
    if (tickTimer >= 0) {
      vertx.cancelTimer(tickTimer);
    }
    lanes.values().forEach(DeliveryLane::stop);
  }

  @Override
  public void delivered(DeliveryLane lane, Notification notification) {
    Alert failure = deliveryFailures.remove(lane.config().name());
    if (failure != null) {
      Instant now = clock.instant();
      Alert resolved = withState(failure, AlertState.RESOLVED, now);
      route(resolved, Optional.of(lane.config().name()), now);
      LOG.info("notification delivery recovered receiver={}", lane.config().name());
    }
  }

  @Override
  public void givenUp(DeliveryLane lane, Notification notification, String reason) {
    metricsChanged = true;
    String receiver = lane.config().name();
    givenUp.merge(receiver, 1L, Long::sum);
    boolean aboutFailure =
        notification.events().stream()
            .allMatch(e -> e.alert().rule().equals(DELIVERY_FAILED_ALERT));
    if (aboutFailure || deliveryFailures.containsKey(receiver)) {
      return;
    }
    Instant now = clock.instant();
    Alert alert = deliveryFailedAlert(receiver, reason, now);
    deliveryFailures.put(receiver, alert);
    route(alert, Optional.of(receiver), now);
  }

  @Override
  public void attempted(DeliveryLane lane, Notification notification,
      DeliveryRecord.Outcome outcome, int attempt, String reason) {
    metricsChanged = true;
    deliveryLog.add(clock.instant(), lane.config().name(), notification, outcome, attempt, reason);
  }

  @Override
  public void changed() {
    // Metrics are written once per tick; nothing else depends on lane changes.
  }

  private void restore(Restored restored) {
    Instant now = clock.instant();
    int queued = 0;
    for (Notification notification : restored.pending()) {
      DeliveryLane lane = lanes.get(notification.receiver());
      if (lane == null) {
        outbox.deadLetter(notification, "receiver no longer configured", 0, now);
        LOG.error(
            "notification dropped: receiver no longer configured receiver={} id={}",
            notification.receiver(),
            notification.id());
        continue;
      }
      lane.restore(notification);
      queued++;
    }
    int firing = 0;
    for (Map.Entry<String, List<Alert>> entry : restored.firing().entrySet()) {
      for (Alert alert : entry.getValue()) {
        for (AlertGroups.GroupSpec spec : specs(alert, Optional.empty())) {
          if (spec.receiver().equals(entry.getKey())) {
            groups.restore(spec, alert, now);
            firing++;
          }
        }
      }
    }
    LOG.info("outbox restored pending={} firing_alerts={}", queued, firing);
  }

  /** Puts {@code alert} into the group of every route that takes it. */
  private void route(Alert alert, Optional<String> excludedReceiver, Instant now) {
    metricsChanged = true;
    List<AlertGroups.GroupSpec> specs = specs(alert, excludedReceiver);
    if (specs.isEmpty()) {
      unrouted++;
      LOG.warn(
          "alert matched no route and no fallback receiver is set fingerprint={} rule={}",
          alert.fingerprint(),
          alert.rule());
    }
    for (AlertGroups.GroupSpec spec : specs) {
      groups.put(spec, alert, now);
    }
  }

  private List<AlertGroups.GroupSpec> specs(Alert alert, Optional<String> excludedReceiver) {
    List<AlertGroups.GroupSpec> specs = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (RouteTree.Route route : tree.match(alert.labels())) {
      if (excludedReceiver.filter(route.config().receiver()::equals).isEmpty()) {
        AlertGroups.GroupSpec spec = spec(route, alert.labels());
        if (seen.add(spec.key())) {
          specs.add(spec);
        }
      }
    }
    String fallback = routing.fallbackReceiver();
    if (specs.isEmpty()
        && !fallback.isEmpty()
        && excludedReceiver.filter(fallback::equals).isEmpty()) {
      RouteTree.Route route =
          new RouteTree.Route(
              "fallback", io.freightwatch.config.RouteConfig.perReceiver(List.of()));
      specs.add(spec(route, alert.labels(), fallback));
    }
    return specs;
  }

  private AlertGroups.GroupSpec spec(RouteTree.Route route, Labels labels) {
    return spec(route, labels, route.config().receiver());
  }

  private AlertGroups.GroupSpec spec(RouteTree.Route route, Labels labels, String receiver) {
    DeliveryLane lane = lanes.get(receiver);
    Receiver implementation = receivers.get(receiver);
    if (lane != null && implementation.mode() == Receiver.Mode.LEASE) {
      // Alertmanager groups by itself; each alert is posted on its own, at once and then every
      // resend interval, so that its lease never runs out while it fires.
      Duration resend = lane.config().resendInterval();
      return new AlertGroups.GroupSpec(
          receiver + "/" + route.id() + "/" + labels,
          receiver,
          route.id(),
          labels,
          Duration.ZERO,
          Duration.ZERO,
          resend,
          route.config().muteTimeIntervals());
    }
    Labels groupLabels = route.groupLabels(labels);
    return new AlertGroups.GroupSpec(
        receiver + "/" + route.id() + "/" + groupLabels,
        receiver,
        route.id(),
        groupLabels,
        route.config().groupWait(),
        route.config().groupInterval(),
        route.config().repeatInterval(),
        route.config().muteTimeIntervals());
  }

  private void flush(Instant now) {
    for (AlertGroups.Flush flush : groups.due(now)) {
      metricsChanged = true;
      AlertGroups.GroupSpec spec = flush.spec();
      if (!spec.muteTimeIntervals().isEmpty()
          && mutes.isMuted(spec.muteTimeIntervals(), spec.groupLabels(), now)) {
        muted++;
        continue;
      }
      DeliveryLane lane = lanes.get(spec.receiver());
      groups.flushed(flush, now);
      if (lane == null) {
        continue;
      }
      List<Notification> notifications = notifications(flush, lane, now);
      Map<String, Optional<Alert>> firingChanges = new LinkedHashMap<>();
      for (Alert alert : flush.firing()) {
        if (flush.newlyFiring().contains(alert.fingerprint())) {
          firingChanges.put(
              Outbox.firingKey(spec.receiver(), alert.fingerprint()), Optional.of(alert));
        }
      }
      for (Alert alert : flush.resolved()) {
        firingChanges.put(Outbox.firingKey(spec.receiver(), alert.fingerprint()), Optional.empty());
      }
      if (notifications.isEmpty() && firingChanges.isEmpty()) {
        continue;
      }
      Future<Void> stored = outbox.append(notifications, firingChanges);
      for (Notification notification : notifications) {
        lane.enqueue(notification, stored);
      }
    }
  }

  private List<Notification> notifications(
      AlertGroups.Flush flush, DeliveryLane lane, Instant now) {
    AlertGroups.GroupSpec spec = flush.spec();
    boolean sendResolved = lane.config().sendResolved();
    Receiver.Mode mode = receivers.get(spec.receiver()).mode();
    List<Notification> result = new ArrayList<>();
    if (mode == Receiver.Mode.GROUP) {
      List<AlertEvent> events = new ArrayList<>();
      flush.firing().forEach(a -> events.add(new AlertEvent(AlertEvent.Kind.FIRING, a)));
      if (sendResolved) {
        flush.resolved().forEach(a -> events.add(new AlertEvent(AlertEvent.Kind.RESOLVED, a)));
      }
      if (!events.isEmpty()) {
        result.add(
            new Notification(
                outbox.nextId(), spec.receiver(), spec.key(), spec.groupLabels(), events, now));
      }
      return result;
    }
    for (Alert alert : flush.firing()) {
      if (mode == Receiver.Mode.LEASE || flush.newlyFiring().contains(alert.fingerprint())) {
        result.add(single(spec, AlertEvent.Kind.FIRING, alert, now));
      }
    }
    if (sendResolved) {
      for (Alert alert : flush.resolved()) {
        result.add(single(spec, AlertEvent.Kind.RESOLVED, alert, now));
      }
    }
    return result;
  }

  private Notification single(
      AlertGroups.GroupSpec spec, AlertEvent.Kind kind, Alert alert, Instant now) {
    return new Notification(
        outbox.nextId(),
        spec.receiver(),
        spec.receiver() + "/" + alert.fingerprint(),
        spec.groupLabels(),
        List.of(new AlertEvent(kind, alert)),
        now);
  }

  private void resolveUnseenRestored(Instant now) {
    for (AlertGroups.Restored restored : groups.restored()) {
      if (Duration.between(restored.since(), now).compareTo(restoreGrace) > 0) {
        LOG.info(
            "restored alert resolved: not pending or firing since the restart"
                + " receiver={} fingerprint={} unseen_for={}",
            restored.spec().receiver(),
            restored.alert().fingerprint(),
            Duration.between(restored.since(), now));
        groups.put(restored.spec(), withState(restored.alert(), AlertState.RESOLVED, now), now);
      }
    }
  }

  private static Alert withState(Alert alert, AlertState state, Instant now) {
    return new Alert(
        alert.fingerprint(),
        alert.rule(),
        alert.labels(),
        alert.annotations(),
        state,
        alert.value(),
        alert.activeSince(),
        alert.firingSince(),
        state == AlertState.RESOLVED ? Optional.of(now) : Optional.empty());
  }

  private static Alert deliveryFailedAlert(String receiver, String reason, Instant now) {
    Labels labels =
        Labels.of(
            "alertname",
            DELIVERY_FAILED_ALERT,
            "receiver",
            receiver,
            "severity",
            "error",
            "domain",
            "platform",
            "owner",
            "observability",
            "customer_facing",
            "false");
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(
        "summary",
        "Notifications to "
            + receiver
            + " are being given up: "
            + reason
            + ". Alerts for that receiver may not have reached anyone.");
    annotations.put("runbook", "README.md#when-a-notification-is-given-up");
    return new Alert(
        io.freightwatch.rules.Fingerprints.of(labels),
        DELIVERY_FAILED_ALERT,
        labels,
        annotations,
        AlertState.FIRING,
        1,
        now,
        Optional.of(now),
        Optional.empty());
  }

  private void writeMetrics() {
    Instant now = clock.instant();
    if (!now.isAfter(metricsWrittenAt)) {
      // The store keeps one sample per series and millisecond; a second write in the same
      // millisecond would be dropped and mark the series absent. The next tick writes again.
      return;
    }
    metricsWrittenAt = now;
    metricsChanged = false;
    List<Sample> samples = new ArrayList<>();
    for (DeliveryLane lane : lanes.values()) {
      Labels labels = Labels.of("receiver", lane.config().name(), "type", lane.config().type());
      samples.add(
          Sample.gauge(
              "freightwatch_notifications_queued",
              "Notifications in the outbox waiting for delivery to the receiver.",
              lane.queued(),
              labels));
      samples.add(
          Sample.gauge(
              "freightwatch_notification_oldest_queued_age_seconds",
              "Age of the oldest notification waiting for the receiver; 0 when none waits.",
              lane.oldestAge(now).toMillis() / 1000.0,
              labels));
      samples.add(
          Sample.gauge(
              "freightwatch_notification_circuit_open",
              "1 while the receiver's circuit breaker holds back delivery attempts, else 0.",
              lane.isCircuitOpen() ? 1 : 0,
              labels));
      for (Map.Entry<String, Long> outcome : lane.outcomes().entrySet()) {
        samples.add(
            Sample.counter(
                "freightwatch_notifications_total",
                "Notifications by final outcome: delivered, rejected by the receiver, expired after"
                    + " max_age, or superseded by a newer post of the same alert.",
                outcome.getValue(),
                labels.with("outcome", outcome.getKey())));
      }
      samples.add(
          Sample.counter(
              "freightwatch_notification_attempts_failed_total",
              "Delivery attempts that failed and were retried later.",
              lane.failedAttempts(),
              labels));
      samples.add(
          Sample.counter(
              "freightwatch_notifications_given_up_total",
              "Notifications moved to the dead letters: rejected by the receiver or expired.",
              givenUp.getOrDefault(lane.config().name(), 0L),
              labels));
    }
    samples.add(
        Sample.counter(
            "freightwatch_notifications_unrouted_total",
            "Alert changes that matched no route while no fallback receiver was set.",
            unrouted,
            Labels.EMPTY));
    samples.add(
        Sample.counter(
            "freightwatch_notification_flushes_muted_total",
            "Group notifications held back because a calendar interval muted their route.",
            muted,
            Labels.EMPTY));
    samples.add(
        Sample.gauge(
            "freightwatch_notification_grouped_alerts",
            "Alerts held in notification groups: firing, or resolved and not yet notified.",
            groups.size(),
            Labels.EMPTY));
    store.applyScrape(STORE_OWNER, samples, now);
  }

  private record Restored(List<Notification> pending, Map<String, List<Alert>> firing) {}
}
