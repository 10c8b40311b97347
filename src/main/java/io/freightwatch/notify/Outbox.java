package io.freightwatch.notify;

import io.freightwatch.rules.Alert;
import io.freightwatch.store.durable.DurableStore;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.h2.mvstore.MVMap;

/**
 * The durable outbox in the agent's {@link DurableStore}: notifications not yet accepted by their
 * receiver, dead letters of the ones given up, and the alerts each receiver was last told are
 * firing. A notification is committed to disk before it may be sent and removed once accepted, so a
 * crash at any point loses none.
 *
 * <p>Map changes happen on the calling thread (the agent's event loop; MVStore maps are thread-safe
 * and keep changes in memory). Every {@code commit} runs on {@code worker}, a pool of one thread,
 * so commits run in the order they were requested.
 */
public final class Outbox {

  static final String PENDING_MAP = "outbox";
  static final String DEAD_MAP = "outbox-dead";
  static final String FIRING_MAP = "outbox-firing";
  static final String META_MAP = "outbox-meta";
  private static final String SEQUENCE_KEY = "sequence";
  private static final char KEY_SEPARATOR = '\u0000';

  private final DurableStore store;
  private final WorkerExecutor worker;
  private final MVMap<String, String> pending;
  private final MVMap<String, String> dead;
  private final MVMap<String, String> firing;
  private final MVMap<String, Long> meta;
  private long sequence;

  /**
   * Opens the outbox's maps. Opening maps reads the file, so call this on a worker thread.
   *
   * @param worker a worker pool of size 1 used for commits
   */
  public Outbox(DurableStore store, WorkerExecutor worker) {
    this.store = store;
    this.worker = worker;
    this.pending = store.map(PENDING_MAP);
    this.dead = store.map(DEAD_MAP);
    this.firing = store.map(FIRING_MAP);
    this.meta = store.map(META_MAP);
    this.sequence = meta.getOrDefault(SEQUENCE_KEY, 0L);
  }

  /** Returns a new id; ids sort in creation order, also across restarts. */
  String nextId() {
    sequence++;
    meta.put(SEQUENCE_KEY, sequence);
    return String.format("%019d", sequence);
  }

  /**
   * Stores {@code notifications} and the receivers' view of firing alerts in one commit.
   *
   * @param firingChanges key {@link #firingKey} to the alert now reported as firing, or empty for
   *     an alert now reported as resolved
   * @return completes once everything is on disk; fails when the commit failed
   */
  Future<Void> append(
      List<Notification> notifications, Map<String, Optional<Alert>> firingChanges) {
    for (Notification notification : notifications) {
      pending.put(notification.id(), NotificationCodec.encode(notification));
    }
    firingChanges.forEach(
        (key, alert) -> {
          if (alert.isPresent()) {
            firing.put(key, NotificationCodec.encode(alert.get()));
          } else {
            firing.remove(key);
          }
        });
    return commit();
  }

  /** Removes an accepted or superseded notification. */
  Future<Void> remove(String id) {
    pending.remove(id);
    return commit();
  }

  /** Moves a notification that will never be delivered to the dead letters, with the reason. */
  Future<Void> deadLetter(Notification notification, String reason, int attempts, Instant at) {
    pending.remove(notification.id());
    dead.put(notification.id(), NotificationCodec.deadLetter(notification, reason, attempts, at));
    return commit();
  }

  /** Returns every stored notification in creation order. */
  List<Notification> pending() {
    List<Notification> result = new ArrayList<>();
    for (String value : pending.values()) {
      result.add(NotificationCodec.decodeNotification(value));
    }
    return result;
  }

  /** Returns, by receiver, the alerts it was last told are firing. */
  Map<String, List<Alert>> firingByReceiver() {
    Map<String, List<Alert>> result = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : firing.entrySet()) {
      String receiver = entry.getKey().substring(0, entry.getKey().indexOf(KEY_SEPARATOR));
      result
          .computeIfAbsent(receiver, r -> new ArrayList<>())
          .add(NotificationCodec.decodeAlert(entry.getValue()));
    }
    return result;
  }

  /** Number of dead letters kept. */
  int deadLetters() {
    return dead.size();
  }

  static String firingKey(String receiver, String fingerprint) {
    return receiver + KEY_SEPARATOR + fingerprint;
  }

  private Future<Void> commit() {
    return worker.executeBlocking(
        () -> {
          store.commit();
          return null;
        },
        true);
  }
}
