package io.freightwatch.notify;

import io.freightwatch.config.Durations;
import io.freightwatch.config.ReceiverConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery of one receiver's notifications. Notifications with the same group key go out one at a
 * time in creation order, so a resolve never overtakes its trigger; different keys proceed side by
 * side (up to {@link #MAX_IN_FLIGHT} at once), so one failing notification blocks the others only
 * while the receiver's circuit breaker is open. Each failed attempt waits for the backoff or the
 * receiver's Retry-After; a notification older than {@code max_age} or rejected by the receiver is
 * moved to the dead letters.
 *
 * <p>Used on the agent's event loop only.
 */
final class DeliveryLane {

  /** Attempts running at once per receiver. */
  static final int MAX_IN_FLIGHT = 4;

  private static final Logger LOG = LoggerFactory.getLogger(DeliveryLane.class);

  private final Vertx vertx;
  private final Clock clock;
  private final ReceiverConfig config;
  private final Receiver receiver;
  private final Outbox outbox;
  private final Listener listener;
  private final CircuitBreaker breaker;
  private final TokenBucket bucket;
  private final Backoff backoff;
  private final Map<String, KeyQueue> queues = new LinkedHashMap<>();
  private final Map<String, Long> outcomes = new LinkedHashMap<>();
  private int inFlight;
  private long failedAttempts;
  private long timerId = -1;
  private Instant timerAt;
  private boolean stopped;

  DeliveryLane(
      Vertx vertx,
      Clock clock,
      ReceiverConfig config,
      Receiver receiver,
      Outbox outbox,
      Listener listener) {
    this.vertx = vertx;
    this.clock = clock;
    this.config = config;
    this.receiver = receiver;
    this.outbox = outbox;
    this.listener = listener;
    this.breaker =
        new CircuitBreaker(config.breakerFailures(), config.breakerCooldown(), config.maxBackoff());
    this.bucket = new TokenBucket(config.rateLimit(), clock.instant());
    this.backoff =
        new Backoff(
            config.initialBackoff(),
            config.maxBackoff(),
            bound -> ThreadLocalRandom.current().nextLong(bound));
    for (String outcome : List.of("delivered", "rejected", "expired", "superseded")) {
      outcomes.put(outcome, 0L);
    }
  }

  /**
   * Queues a notification; it becomes eligible for sending once {@code stored} completes, that is
   * once it is on disk. A failed commit is logged and the notification sent anyway: delivering it
   * matters more than surviving a crash.
   */
  void enqueue(Notification notification, Future<Void> stored) {
    KeyQueue queue = queues.computeIfAbsent(notification.groupKey(), k -> new KeyQueue());
    if (receiver.mode() == Receiver.Mode.LEASE) {
      supersede(queue);
    }
    Entry entry = new Entry(notification);
    queue.entries.addLast(entry);
    stored.onComplete(
        done -> {
          if (done.failed()) {
            LOG.error(
                "outbox commit failed receiver={} id={} error=\"{}\"; sending without a"
                    + " durable copy",
                config.name(),
                notification.id(),
                done.cause().toString());
          }
          entry.stored = true;
          pump();
        });
  }

  /** Queues a notification read back from the outbox after a restart. */
  void restore(Notification notification) {
    KeyQueue queue = queues.computeIfAbsent(notification.groupKey(), k -> new KeyQueue());
    Entry entry = new Entry(notification);
    entry.stored = true;
    queue.entries.addLast(entry);
  }

  /** Starts every attempt that is due now and schedules a timer for the next one. */
  void pump() {
    if (stopped) {
      return;
    }
    Instant now = clock.instant();
    List<KeyQueue> ordered = new ArrayList<>(queues.values());
    ordered.removeIf(q -> q.entries.isEmpty());
    ordered.sort(Comparator.comparing(q -> q.entries.peekFirst().notification.id()));
    for (KeyQueue queue : ordered) {
      if (inFlight >= MAX_IN_FLIGHT) {
        break;
      }
      if (queue.inFlight) {
        continue;
      }
      expireHeads(queue, now);
      Entry head = queue.entries.peekFirst();
      if (head == null || !head.stored) {
        continue;
      }
      if (queue.nextAttemptAt != null && queue.nextAttemptAt.isAfter(now)) {
        continue;
      }
      if (bucket.nextTokenAt(now).isAfter(now) || !breaker.tryAcquire(now)) {
        break;
      }
      bucket.tryTake(now);
      send(queue, head);
    }
    queues.values().removeIf(q -> q.entries.isEmpty() && !q.inFlight);
    schedule(now);
    listener.changed();
  }

  void stop() {
    stopped = true;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  int queued() {
    return queues.values().stream().mapToInt(q -> q.entries.size()).sum();
  }

  /** Returns the age of the oldest queued notification; zero when none is queued. */
  Duration oldestAge(Instant now) {
    return queues.values().stream()
        .map(q -> q.entries.peekFirst())
        .filter(e -> e != null)
        .map(e -> Duration.between(e.notification.createdAt(), now))
        .max(Duration::compareTo)
        .orElse(Duration.ZERO);
  }

  Map<String, Long> outcomes() {
    return outcomes;
  }

  long failedAttempts() {
    return failedAttempts;
  }

  boolean isCircuitOpen() {
    return breaker.isOpen();
  }

  ReceiverConfig config() {
    return config;
  }

  private void send(KeyQueue queue, Entry head) {
    queue.inFlight = true;
    inFlight++;
    queue.attempts++;
    int attempt = queue.attempts;
    Notification notification = head.notification;
    Future<DeliveryResult> result;
    try {
      result = receiver.deliver(notification);
    } catch (RuntimeException e) {
      result = Future.succeededFuture(new DeliveryResult.Retry(e.toString(), Optional.empty()));
    }
    result.onComplete(
        done -> {
          queue.inFlight = false;
          inFlight--;
          DeliveryResult outcome =
              done.succeeded()
                  ? done.result()
                  : new DeliveryResult.Retry(String.valueOf(done.cause()), Optional.empty());
          handle(queue, head, attempt, outcome);
          pump();
        });
  }

  private void handle(KeyQueue queue, Entry head, int attempt, DeliveryResult outcome) {
    Notification notification = head.notification;
    Instant now = clock.instant();
    if (outcome instanceof DeliveryResult.Delivered) {
      remove(queue, head);
      outbox.remove(notification.id());
      breaker.onSuccess();
      count("delivered");
      LOG.info(
          "notification delivered receiver={} id={} fingerprints={} attempt={}",
          config.name(),
          notification.id(),
          notification.fingerprints(),
          attempt);
      listener.attempted(this, notification, DeliveryRecord.Outcome.DELIVERED, attempt, "");
      listener.delivered(this, notification);
    } else if (outcome instanceof DeliveryResult.Rejected rejected) {
      remove(queue, head);
      outbox.deadLetter(notification, "rejected: " + rejected.reason(), attempt, now);
      breaker.onSuccess();
      count("rejected");
      LOG.error(
          "notification rejected receiver={} id={} fingerprints={} attempt={}" + " reason=\"{}\"",
          config.name(),
          notification.id(),
          notification.fingerprints(),
          attempt,
          rejected.reason());
      listener.attempted(this, notification, DeliveryRecord.Outcome.REJECTED, attempt,
          rejected.reason());
      listener.givenUp(this, notification, "rejected by the receiver: " + rejected.reason());
    } else if (outcome instanceof DeliveryResult.Retry retry) {
      failedAttempts++;
      breaker.onFailure(now);
      Duration wait = backoff.after(attempt, retry.retryAfter());
      queue.nextAttemptAt = now.plus(wait);
      // The first failure and then every doubling of attempts is logged at WARN, so a receiver
      // outage gives a few lines, not one per retry.
      String message = "notification attempt failed receiver={} id={} fingerprints={} attempt={}"
          + " retry_in={} circuit_open={} reason=\"{}\"";
      Object[] arguments = {config.name(), notification.id(), notification.fingerprints(),
          attempt, Durations.format(wait), breaker.isOpen(), retry.reason()};
      if (Integer.bitCount(attempt) == 1) {
        LOG.warn(message, arguments);
      } else {
        LOG.debug(message, arguments);
      }
      listener.attempted(this, notification, DeliveryRecord.Outcome.RETRYING, attempt,
          retry.reason());
    }
  }

  private void expireHeads(KeyQueue queue, Instant now) {
    while (!queue.entries.isEmpty()) {
      Entry head = queue.entries.peekFirst();
      Duration age = Duration.between(head.notification.createdAt(), now);
      if (!head.stored || age.compareTo(config.maxAge()) <= 0) {
        return;
      }
      int attempts = queue.attempts;
      remove(queue, head);
      outbox.deadLetter(head.notification, "expired after " + age, attempts, now);
      count("expired");
      LOG.error(
          "notification expired receiver={} id={} fingerprints={} attempts={} max_age={}",
          config.name(),
          head.notification.id(),
          head.notification.fingerprints(),
          attempts,
          Durations.format(config.maxAge()));
      listener.attempted(this, head.notification, DeliveryRecord.Outcome.EXPIRED,
          attempts, "not accepted within max_age " + Durations.format(config.maxAge()));
      listener.givenUp(
          this,
          head.notification,
          "not accepted within max_age "
              + Durations.format(config.maxAge())
              + " after "
              + attempts
              + " attempts");
    }
  }

  /**
   * Drops queued, not yet started notifications of a lease receiver's alert: a newer one replaces
   * them.
   */
  private void supersede(KeyQueue queue) {
    Iterator<Entry> entries = queue.entries.iterator();
    boolean first = true;
    while (entries.hasNext()) {
      Entry entry = entries.next();
      if (first && queue.inFlight) {
        first = false;
        continue;
      }
      first = false;
      entries.remove();
      outbox.remove(entry.notification.id());
      count("superseded");
    }
    queue.attempts = 0;
    queue.nextAttemptAt = null;
  }

  private void remove(KeyQueue queue, Entry head) {
    queue.entries.remove(head);
    queue.attempts = 0;
    queue.nextAttemptAt = null;
  }

  private void schedule(Instant now) {
    Optional<Instant> next = nextWake(now);
    if (next.isEmpty()) {
      return;
    }
    if (timerId >= 0 && timerAt != null && !timerAt.isAfter(next.get())) {
      return;
    }
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    long delay = Math.max(1, Duration.between(now, next.get()).toMillis());
    timerAt = next.get();
    timerId =
        vertx.setTimer(
            delay,
            id -> {
              timerId = -1;
              timerAt = null;
              pump();
            });
  }

  private Optional<Instant> nextWake(Instant now) {
    Instant earliest = null;
    for (KeyQueue queue : queues.values()) {
      Entry head = queue.entries.peekFirst();
      if (queue.inFlight || head == null || !head.stored) {
        continue;
      }
      Instant due = queue.nextAttemptAt == null ? now : queue.nextAttemptAt;
      Instant expiry = head.notification.createdAt().plus(config.maxAge()).plusMillis(1);
      Instant wake = due.isBefore(expiry) ? due : expiry;
      earliest = earliest == null || wake.isBefore(earliest) ? wake : earliest;
    }
    if (earliest == null) {
      return Optional.empty();
    }
    Instant gate = bucket.nextTokenAt(now);
    Optional<Instant> reopens = breaker.reopensAt();
    if (reopens.isPresent() && reopens.get().isAfter(gate)) {
      gate = reopens.get();
    }
    return Optional.of(earliest.isAfter(gate) ? earliest : gate);
  }

  private void count(String outcome) {
    outcomes.merge(outcome, 1L, Long::sum);
  }

  /** Callbacks to the dispatcher, on the event loop. */
  interface Listener {
    void delivered(DeliveryLane lane, Notification notification);

    void givenUp(DeliveryLane lane, Notification notification, String reason);

    void changed();

    /** Reports every finished attempt and every expiry, for the recent deliveries list. */
    default void attempted(DeliveryLane lane, Notification notification,
        DeliveryRecord.Outcome outcome, int attempt, String reason) {}
  }

  private static final class KeyQueue {
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private boolean inFlight;
    private int attempts;
    private Instant nextAttemptAt;
  }

  private static final class Entry {
    private final Notification notification;
    private boolean stored;

    Entry(Notification notification) {
      this.notification = notification;
    }
  }
}
