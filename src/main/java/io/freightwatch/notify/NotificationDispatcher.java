package io.freightwatch.notify;

import io.freightwatch.config.Durations;
import io.freightwatch.config.ReceiverConfig;
import io.freightwatch.rules.AlertEvent;
import io.freightwatch.store.LabelMatcher;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesStore;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes alert changes to the receivers whose matchers accept them and delivers them in order,
 * one at a time per receiver, retrying with exponential backoff and jitter (or the receiver's
 * Retry-After) until the receiver accepts the notification or its maximum age passes.
 *
 * <p>Must be used from the agent's event loop only.
 */
public final class NotificationDispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(NotificationDispatcher.class);

  private final Vertx vertx;
  private final Clock clock;
  private final SeriesStore store;
  private final Map<String, Lane> lanes = new LinkedHashMap<>();
  private boolean stopped;

  /**
   * @param receivers receiver implementations by name; every config needs one
   */
  public NotificationDispatcher(Vertx vertx, Clock clock, SeriesStore store,
      List<ReceiverConfig> configs, Map<String, Receiver> receivers) {
    this.vertx = vertx;
    this.clock = clock;
    this.store = store;
    for (ReceiverConfig config : configs) {
      Receiver receiver = receivers.get(config.name());
      if (receiver == null) {
        throw new IllegalArgumentException("no receiver implementation for " + config.name());
      }
      lanes.put(config.name(), new Lane(config, receiver));
    }
    writeMetrics();
  }

  /** Queues a notification for every receiver that accepts each event. */
  public void dispatch(List<AlertEvent> events) {
    Instant now = clock.instant();
    for (AlertEvent event : events) {
      for (Lane lane : lanes.values()) {
        if (lane.accepts(event)) {
          lane.enqueue(new Notification(UUID.randomUUID().toString(), lane.config.name(), event,
              now));
        }
      }
    }
    writeMetrics();
  }

  /** Number of notifications waiting for {@code receiver}. */
  public int queued(String receiver) {
    Lane lane = lanes.get(receiver);
    return lane == null ? 0 : lane.queue.size();
  }

  /** Stops delivering; queued notifications are kept in memory only. */
  public void stop() {
    stopped = true;
    lanes.values().forEach(Lane::cancelTimer);
  }

  private void writeMetrics() {
    List<Sample> samples = new ArrayList<>();
    Instant now = clock.instant();
    for (Lane lane : lanes.values()) {
      Labels labels = Labels.of("receiver", lane.config.name());
      samples.add(Sample.gauge("freightwatch_notifications_queued",
          "Notifications waiting for delivery to the receiver.", lane.queue.size(), labels));
      for (Map.Entry<String, Long> outcome : lane.outcomes.entrySet()) {
        samples.add(Sample.counter("freightwatch_notifications_total",
            "Notifications by final outcome: delivered, rejected by the receiver, or expired"
                + " after retrying for the receiver's max_age.",
            outcome.getValue(), labels.with("outcome", outcome.getKey())));
      }
      samples.add(Sample.counter("freightwatch_notification_attempts_failed_total",
          "Delivery attempts that failed and were retried later.", lane.failedAttempts, labels));
    }
    store.applyScrape("notify", samples, now);
  }

  /** The queue and delivery state of one receiver. */
  private final class Lane {
    private final ReceiverConfig config;
    private final Receiver receiver;
    private final ArrayDeque<Notification> queue = new ArrayDeque<>();
    private final Map<String, Long> outcomes = new LinkedHashMap<>();
    private boolean inFlight;
    private int attempt;
    private long timerId = -1;
    private long failedAttempts;

    Lane(ReceiverConfig config, Receiver receiver) {
      this.config = config;
      this.receiver = receiver;
      outcomes.put("delivered", 0L);
      outcomes.put("rejected", 0L);
      outcomes.put("expired", 0L);
    }

    boolean accepts(AlertEvent event) {
      if (event.kind() == AlertEvent.Kind.RESOLVED && !config.sendResolved()) {
        return false;
      }
      for (LabelMatcher matcher : config.matchers()) {
        if (!matcher.matches(event.alert().labels())) {
          return false;
        }
      }
      return true;
    }

    void enqueue(Notification notification) {
      queue.addLast(notification);
      pump();
    }

    void cancelTimer() {
      if (timerId >= 0) {
        vertx.cancelTimer(timerId);
        timerId = -1;
      }
    }

    private void pump() {
      if (stopped || inFlight || timerId >= 0 || queue.isEmpty()) {
        return;
      }
      Notification head = queue.peekFirst();
      if (Duration.between(head.createdAt(), clock.instant()).compareTo(config.maxAge()) > 0) {
        queue.pollFirst();
        LOG.error("notification expired receiver={} id={} fingerprint={} kind={} attempts={}"
            + " max_age={}", config.name(), head.id(), head.event().alert().fingerprint(),
            head.event().kind(), attempt, Durations.format(config.maxAge()));
        attempt = 0;
        count("expired");
        writeMetrics();
        pump();
        return;
      }
      inFlight = true;
      receiver.deliver(head).onComplete(result -> {
        inFlight = false;
        DeliveryResult outcome = result.succeeded() ? result.result()
            : new DeliveryResult.Retry(String.valueOf(result.cause()), java.util.Optional.empty());
        handle(head, outcome);
      });
    }

    private void handle(Notification head, DeliveryResult outcome) {
      if (outcome instanceof DeliveryResult.Delivered) {
        queue.pollFirst();
        LOG.info("notification delivered receiver={} id={} fingerprint={} kind={} attempt={}",
            config.name(), head.id(), head.event().alert().fingerprint(), head.event().kind(),
            attempt + 1);
        attempt = 0;
        count("delivered");
      } else if (outcome instanceof DeliveryResult.Rejected rejected) {
        queue.pollFirst();
        LOG.error("notification rejected receiver={} id={} fingerprint={} kind={} reason=\"{}\"",
            config.name(), head.id(), head.event().alert().fingerprint(), head.event().kind(),
            rejected.reason());
        attempt = 0;
        count("rejected");
      } else if (outcome instanceof DeliveryResult.Retry retry) {
        attempt++;
        failedAttempts++;
        Duration wait = backoff(attempt, retry);
        // The first failure and then every doubling of attempts is logged at WARN, so an
        // outage of a receiver gives a few lines, not one per retry.
        boolean loud = Integer.bitCount(attempt) == 1;
        String message = "notification attempt failed receiver={} id={} fingerprint={} attempt={}"
            + " retry_in={} reason=\"{}\"";
        Object[] arguments = {config.name(), head.id(), head.event().alert().fingerprint(),
            attempt, Durations.format(wait), retry.reason()};
        if (loud) {
          LOG.warn(message, arguments);
        } else {
          LOG.debug(message, arguments);
        }
        writeMetrics();
        timerId = vertx.setTimer(Math.max(1, wait.toMillis()), id -> {
          timerId = -1;
          pump();
        });
        return;
      }
      writeMetrics();
      pump();
    }

    private Duration backoff(int attemptNumber, DeliveryResult.Retry retry) {
      long base = config.initialBackoff().toMillis();
      long max = config.maxBackoff().toMillis();
      long exponential = base << Math.min(attemptNumber - 1, 20);
      long capped = Math.min(Math.max(exponential, base), max);
      // Up to 20 % jitter spreads retries of agents that failed at the same moment.
      long jittered = capped - ThreadLocalRandom.current().nextLong(capped / 5 + 1);
      long requested = retry.retryAfter().map(Duration::toMillis).orElse(0L);
      return Duration.ofMillis(Math.max(jittered, requested));
    }

    private void count(String outcome) {
      outcomes.merge(outcome, 1L, Long::sum);
    }
  }
}
