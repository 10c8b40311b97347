package io.freightwatch.notify;

import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertState;
import io.freightwatch.store.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Alert groups per receiver and route, with Alertmanager's timing: a new group is first notified
 * {@code group_wait} after its first alert, a changed group (an alert started firing or resolved)
 * {@code group_interval} after its last notification, and an unchanged group with firing alerts
 * every {@code repeat_interval}. An alert that resolves before any notification said it fired is
 * dropped silently. Pure state driven by the instants it is given; used on one thread.
 */
final class AlertGroups {

  private final Map<String, Group> groups = new LinkedHashMap<>();

  /** Adds or updates a firing or resolved alert in the group {@code key}. */
  void put(GroupSpec spec, Alert alert, Instant now) {
    Group group = groups.get(spec.key());
    if (alert.state() == AlertState.RESOLVED) {
      if (group == null) {
        return;
      }
      Entry entry = group.alerts.get(alert.fingerprint());
      if (entry == null) {
        return;
      }
      if (!entry.notified) {
        group.alerts.remove(alert.fingerprint());
        removeIfEmpty(group);
        return;
      }
      entry.alert = keepStart(alert, entry.alert);
      entry.restored = false;
      return;
    }
    if (group == null) {
      group = new Group(spec, now);
      groups.put(spec.key(), group);
    }
    Entry entry = group.alerts.get(alert.fingerprint());
    if (entry == null) {
      group.alerts.put(alert.fingerprint(), new Entry(alert, false, false, now));
    } else {
      // An alert that fires again before its resolved notification went out stays one alert:
      // receivers never heard that it resolved.
      entry.alert = keepStart(alert, entry.alert);
      entry.restored = false;
    }
  }

  /**
   * Adds an alert that a notification before the last restart reported as firing. It counts as
   * notified, and the group as flushed at {@code now}, so that nothing is re-sent before the
   * group's repeat interval.
   */
  void restore(GroupSpec spec, Alert alert, Instant now) {
    Group group =
        groups.computeIfAbsent(
            spec.key(),
            k -> {
              Group created = new Group(spec, now);
              created.lastFlush = now;
              return created;
            });
    group.alerts.putIfAbsent(alert.fingerprint(), new Entry(alert, true, true, now));
  }

  /** Replaces the stored snapshot of a firing alert with a newer one, keeping its start. */
  void refresh(Alert alert) {
    for (Group group : groups.values()) {
      Entry entry = group.alerts.get(alert.fingerprint());
      if (entry != null && entry.alert.state() == AlertState.FIRING) {
        entry.alert = keepStart(alert, entry.alert);
      }
    }
  }

  /** Returns the groups whose next notification is due at {@code now}. */
  List<Flush> due(Instant now) {
    List<Flush> result = new ArrayList<>();
    for (Group group : groups.values()) {
      Optional<Instant> dueAt = group.dueAt();
      if (dueAt.isPresent() && !dueAt.get().isAfter(now)) {
        result.add(group.flush());
      }
    }
    return result;
  }

  /** Records that {@code flush} was handed to the outbox at {@code now}. */
  void flushed(Flush flush, Instant now) {
    Group group = groups.get(flush.spec().key());
    if (group == null) {
      return;
    }
    group.lastFlush = now;
    Iterator<Entry> entries = group.alerts.values().iterator();
    while (entries.hasNext()) {
      Entry entry = entries.next();
      if (entry.alert.state() == AlertState.RESOLVED) {
        if (flush.resolved().stream()
            .anyMatch(a -> a.fingerprint().equals(entry.alert.fingerprint()))) {
          entries.remove();
        }
      } else if (flush.firing().stream()
          .anyMatch(a -> a.fingerprint().equals(entry.alert.fingerprint()))) {
        entry.notified = true;
      }
    }
    removeIfEmpty(group);
  }

  /** Returns the earliest instant at which a group becomes due; empty when none will. */
  Optional<Instant> nextDue() {
    return groups.values().stream()
        .map(Group::dueAt)
        .flatMap(Optional::stream)
        .min(Instant::compareTo);
  }

  /** Returns the restored alerts that no evaluation has confirmed since the restart. */
  List<Restored> restored() {
    List<Restored> result = new ArrayList<>();
    for (Group group : groups.values()) {
      for (Entry entry : group.alerts.values()) {
        if (entry.restored) {
          result.add(new Restored(group.spec, entry.alert, entry.since));
        }
      }
    }
    return result;
  }

  /** Marks a restored alert as seen by an evaluation at {@code now}, pending or firing. */
  void seen(String fingerprint, Instant now) {
    for (Group group : groups.values()) {
      Entry entry = group.alerts.get(fingerprint);
      if (entry != null && entry.restored) {
        entry.since = now;
      }
    }
  }

  /** Number of alerts in all groups, firing or waiting for their resolved notification. */
  int size() {
    return groups.values().stream().mapToInt(g -> g.alerts.size()).sum();
  }

  private void removeIfEmpty(Group group) {
    if (group.alerts.isEmpty()) {
      groups.remove(group.spec.key());
    }
  }

  /** Keeps the first start of an alert that fired before, so receivers see one alert. */
  private static Alert keepStart(Alert newer, Alert older) {
    return new Alert(
        newer.fingerprint(),
        newer.rule(),
        newer.labels(),
        newer.annotations(),
        newer.state(),
        newer.value(),
        older.activeSince(),
        older.firingSince().isPresent() ? older.firingSince() : newer.firingSince(),
        newer.resolvedAt());
  }

  /**
   * Where an alert is grouped and how the group is timed.
   *
   * @param key unique key of the group: receiver, route and group labels
   * @param receiver receiver name
   * @param routeId position of the route in the tree
   * @param groupLabels the group's labels
   * @param groupWait wait before the first notification
   * @param groupInterval wait before notifying a change
   * @param repeatInterval wait before repeating an unchanged firing group
   * @param muteTimeIntervals calendar intervals that mute the route
   */
  record GroupSpec(
      String key,
      String receiver,
      String routeId,
      Labels groupLabels,
      Duration groupWait,
      Duration groupInterval,
      Duration repeatInterval,
      List<String> muteTimeIntervals) {

    GroupSpec {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(receiver, "receiver");
      Objects.requireNonNull(routeId, "routeId");
      Objects.requireNonNull(groupLabels, "groupLabels");
      Objects.requireNonNull(groupWait, "groupWait");
      Objects.requireNonNull(groupInterval, "groupInterval");
      Objects.requireNonNull(repeatInterval, "repeatInterval");
      muteTimeIntervals = List.copyOf(muteTimeIntervals);
    }
  }

  /**
   * A group's notification content.
   *
   * @param spec the group
   * @param firing every firing alert of the group
   * @param resolved alerts that resolved since the last notification
   * @param newlyFiring fingerprints of firing alerts no notification has reported yet
   */
  record Flush(GroupSpec spec, List<Alert> firing, List<Alert> resolved, Set<String> newlyFiring) {
    Flush {
      firing = List.copyOf(firing);
      resolved = List.copyOf(resolved);
      newlyFiring = Set.copyOf(newlyFiring);
    }

    boolean isRepeat() {
      return newlyFiring.isEmpty() && resolved.isEmpty();
    }
  }

  /**
   * An alert restored from the durable store after a restart.
   *
   * @param since when it was restored or last seen active
   */
  record Restored(GroupSpec spec, Alert alert, Instant since) {}

  private static final class Group {
    private final GroupSpec spec;
    private final Instant createdAt;
    private final Map<String, Entry> alerts = new LinkedHashMap<>();
    private Instant lastFlush;

    Group(GroupSpec spec, Instant createdAt) {
      this.spec = spec;
      this.createdAt = createdAt;
    }

    Optional<Instant> dueAt() {
      if (alerts.isEmpty()) {
        return Optional.empty();
      }
      if (lastFlush == null) {
        return Optional.of(createdAt.plus(spec.groupWait()));
      }
      boolean changed =
          alerts.values().stream()
              .anyMatch(e -> !e.notified || e.alert.state() == AlertState.RESOLVED);
      if (changed) {
        return Optional.of(lastFlush.plus(spec.groupInterval()));
      }
      return Optional.of(lastFlush.plus(spec.repeatInterval()));
    }

    Flush flush() {
      List<Alert> firing = new ArrayList<>();
      List<Alert> resolved = new ArrayList<>();
      Set<String> newlyFiring = new LinkedHashSet<>();
      for (Entry entry : alerts.values()) {
        if (entry.alert.state() == AlertState.RESOLVED) {
          resolved.add(entry.alert);
        } else {
          firing.add(entry.alert);
          if (!entry.notified) {
            newlyFiring.add(entry.alert.fingerprint());
          }
        }
      }
      return new Flush(spec, firing, resolved, newlyFiring);
    }
  }

  private static final class Entry {
    private Alert alert;
    private boolean notified;
    private boolean restored;
    private Instant since;

    Entry(Alert alert, boolean notified, boolean restored, Instant since) {
      this.alert = alert;
      this.notified = notified;
      this.restored = restored;
      this.since = since;
    }
  }
}
