package io.freightwatch.collect.odoo;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Counts job failures per channel from the number of {@code failed} jobs seen at each scrape.
 *
 * <p>Failed jobs stay failed until someone requeues or deletes them, so the count only shows how
 * many are waiting for a person. The total adds every increase of that count between two scrapes.
 * It starts at 0 the first time a channel is seen, and a decrease, such as a requeue, adds nothing.
 * Not thread-safe: the owning collector updates it on its event-loop context.
 */
final class QueueFailureCounter {

  private final Map<String, Long> lastFailed = new HashMap<>();
  private final Map<String, Long> totals = new TreeMap<>();

  /**
   * Records one scrape and returns the total of every channel seen so far, sorted by channel,
   * including channels that have no jobs left.
   *
   * @param channels every channel present in this scrape, in any state
   * @param failedByChannel failed jobs per channel; a missing channel has none
   */
  SortedMap<String, Long> record(Set<String> channels, Map<String, Long> failedByChannel) {
    for (String channel : channels) {
      totals.putIfAbsent(channel, 0L);
      if (!lastFailed.containsKey(channel)) {
        lastFailed.put(channel, failedByChannel.getOrDefault(channel, 0L));
      }
    }
    for (Map.Entry<String, Long> last : lastFailed.entrySet()) {
      long failedNow = failedByChannel.getOrDefault(last.getKey(), 0L);
      // NOTE: a job that fails and is requeued between two scrapes is not counted, because
      // queue_job keeps no history of states. A shorter scrape interval narrows the gap.
      long increase = Math.max(0, failedNow - last.getValue());
      totals.merge(last.getKey(), increase, Long::sum);
      last.setValue(failedNow);
    }
    return Collections.unmodifiableSortedMap(new TreeMap<>(totals));
  }
}
