package io.freightwatch.collect.odoo;

import io.freightwatch.config.OdooQueueSettings;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns the running jobs of one scrape into the dead-worker signals: suspects per channel and
 * state, the slots they hold in each configured channel, and one series per suspect naming it.
 *
 * <p>A job is suspected dead when it has been {@code started} or {@code enqueued} for longer than
 * its channel's limit, unless the lock table shows a worker still holding its lock. The agent only
 * reports: requeueing a job that is in fact running makes two workers execute it.
 */
final class DeadJobSignals {

  static final String SUSPECTED = "freightwatch_odoo_queue_job_dead_suspected_jobs";
  static final String SUSPECT_AGE = "freightwatch_odoo_queue_job_dead_suspect_age_seconds";
  static final String CAPACITY = "freightwatch_odoo_queue_channel_capacity";
  static final String DEAD_SLOTS = "freightwatch_odoo_queue_channel_dead_slots";

  /** Suspects named per channel and state; more would only add series, not information. */
  static final int MAX_NAMED_SUSPECTS = 20;

  private static final List<String> RUNNING_STATES = List.of("enqueued", "started");

  private final OdooQueueSettings settings;

  DeadJobSignals(OdooQueueSettings settings) {
    this.settings = settings;
  }

  /** Returns true when {@code job} outlived its channel's limit and no live worker locked it. */
  boolean isSuspect(RunningJob job) {
    double limitSeconds = settings.deadAfter(job.channel(), job.state()).toMillis() / 1000.0;
    return job.ageSeconds() > limitSeconds && job.lock() != RunningJob.LockState.HELD;
  }

  /**
   * Appends the signals for {@code jobs}.
   *
   * @param channels every channel seen in the queue this scrape. Each gets a suspect count for
   *     both running states, 0 when it has none, so that alerts resolve.
   */
  void addSamples(
      List<RunningJob> jobs, Collection<String> channels, Labels tenantLabels, List<Sample> out) {
    Map<String, long[]> suspectsByChannel = new TreeMap<>();
    for (String channel : new TreeSet<>(channels)) {
      suspectsByChannel.put(channel, new long[RUNNING_STATES.size()]);
    }
    Map<String, Integer> named = new TreeMap<>();
    List<RunningJob> suspects = new ArrayList<>();
    for (RunningJob job : jobs) {
      long[] counts = suspectsByChannel.computeIfAbsent(job.channel(), c -> new long[2]);
      if (!isSuspect(job)) {
        continue;
      }
      suspects.add(job);
      counts[RUNNING_STATES.indexOf(job.state())]++;
      String key = job.channel() + "/" + job.state();
      if (named.merge(key, 1, Integer::sum) <= MAX_NAMED_SUSPECTS) {
        out.add(
            Sample.gauge(
                SUSPECT_AGE,
                "Seconds a suspected dead job has been started or enqueued; labels name the job",
                job.ageSeconds(),
                tenantLabels
                    .with("channel", job.channel())
                    .with("state", job.state())
                    .with("job_id", Long.toString(job.id()))
                    .with("uuid", job.uuid())
                    .with("lock", job.lock().label())));
      }
    }
    suspectsByChannel.forEach(
        (channel, counts) -> {
          for (int i = 0; i < RUNNING_STATES.size(); i++) {
            out.add(
                Sample.gauge(
                    SUSPECTED,
                    "Started or enqueued jobs older than their channel's limit whose worker is"
                        + " likely gone",
                    counts[i],
                    tenantLabels.with("channel", channel).with("state", RUNNING_STATES.get(i))));
          }
        });
    addCapacities(suspects, tenantLabels, out);
  }

  // A parent channel's capacity also caps its children, so a configured channel loses a slot to
  // every suspect in its subtree, not only to those of its own name.
  private void addCapacities(List<RunningJob> suspects, Labels tenantLabels, List<Sample> out) {
    settings
        .capacities()
        .forEach(
            (channel, capacity) -> {
              Labels labels = tenantLabels.with("channel", channel);
              long held =
                  suspects.stream()
                      .filter(job -> OdooQueueSettings.isWithin(job.channel(), channel))
                      .count();
              out.add(
                  Sample.gauge(
                      CAPACITY,
                      "Slots of the queue channel from the job runner's channel configuration",
                      capacity,
                      labels));
              out.add(
                  Sample.gauge(
                      DEAD_SLOTS,
                      "Slots of the configured channel held by suspected dead jobs of it or its"
                          + " subchannels",
                      held,
                      labels));
            });
  }
}
