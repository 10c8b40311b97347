package io.freightwatch.notify;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The most recent delivery attempts of all receivers, newest first, bounded in size. Used on the
 * agent's event loop only; readers get copies.
 */
final class DeliveryLog {

  private final int capacity;
  private final ArrayDeque<DeliveryRecord> records = new ArrayDeque<>();

  DeliveryLog(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  void add(Instant at, String receiver, Notification notification,
      DeliveryRecord.Outcome outcome, int attempt, String reason) {
    Set<String> names = new LinkedHashSet<>();
    notification.events().forEach(e -> names.add(e.alert().rule()));
    records.addFirst(new DeliveryRecord(at, receiver, notification.id(), new ArrayList<>(names),
        outcome, attempt, reason));
    while (records.size() > capacity) {
      records.removeLast();
    }
  }

  List<DeliveryRecord> recent() {
    return Collections.unmodifiableList(new ArrayList<>(records));
  }
}
