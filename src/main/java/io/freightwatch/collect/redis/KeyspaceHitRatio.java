package io.freightwatch.collect.redis;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Keyspace hit ratio over the interval between two scrapes, from the increases of Redis's
 * cumulative {@code keyspace_hits} and {@code keyspace_misses} counters. The ratio since the server
 * started would hide a recent drop behind days of history.
 *
 * <p>Not thread-safe: the owning collector updates it on its event-loop context.
 */
final class KeyspaceHitRatio {

  private String lastRunId;
  private long lastHits = -1;
  private long lastMisses = -1;

  /**
   * Records the counters of one scrape and returns hits / (hits + misses) since the previous one.
   * Empty on the first scrape, when there were no lookups, and when the counters went back, which
   * happens after a restart (a new {@code run_id}) or {@code CONFIG RESETSTAT}.
   *
   * @param runId the server's {@code run_id}, or empty when unknown
   */
  OptionalDouble update(String runId, long hits, long misses) {
    Objects.requireNonNull(runId, "runId");
    boolean comparable = lastHits >= 0 && runId.equals(lastRunId);
    long hitDelta = hits - lastHits;
    long missDelta = misses - lastMisses;
    lastRunId = runId;
    lastHits = hits;
    lastMisses = misses;
    if (!comparable || hitDelta < 0 || missDelta < 0 || hitDelta + missDelta == 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of((double) hitDelta / (hitDelta + missDelta));
  }
}
