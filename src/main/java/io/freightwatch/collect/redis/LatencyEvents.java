package io.freightwatch.collect.redis;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.util.List;

/**
 * Samples from a {@code LATENCY LATEST} reply: per event (such as {@code command}, {@code fork} or
 * {@code aof-fsync-always}) the latest spike, the highest spike and when the latest happened. The
 * reply is empty while {@code latency-monitor-threshold} is 0, its default, so no series then
 * means "monitor off", not "no latency".
 */
final class LatencyEvents {

  static final String LATEST = "freightwatch_redis_latency_latest_seconds";
  static final String MAX = "freightwatch_redis_latency_max_seconds";
  static final String LATEST_AT = "freightwatch_redis_latency_latest_timestamp_seconds";

  private LatencyEvents() {}

  /**
   * Adds one sample set per well-formed event of the reply and skips malformed ones.
   *
   * @param reply the raw reply: a list of [event, unix seconds, latest ms, max ms]
   */
  static void addSamples(Labels labels, List<Object> reply, List<Sample> out) {
    for (Object element : reply) {
      if (!(element instanceof List<?> fields) || fields.size() < 4
          || !(fields.get(1) instanceof Long at) || !(fields.get(2) instanceof Long latestMillis)
          || !(fields.get(3) instanceof Long maxMillis)) {
        continue;
      }
      Labels event = labels.with("event", String.valueOf(fields.get(0)));
      out.add(Sample.gauge(LATEST, "Duration of the event's latest latency spike", latestMillis
          / 1000.0, event));
      out.add(Sample.gauge(MAX, "Duration of the event's highest latency spike since the monitor"
          + " was reset", maxMillis / 1000.0, event));
      out.add(Sample.gauge(LATEST_AT, "Unix time of the event's latest latency spike", at, event));
    }
  }
}
