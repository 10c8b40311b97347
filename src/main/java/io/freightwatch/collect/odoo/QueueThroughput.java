package io.freightwatch.collect.odoo;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.util.List;

/**
 * Counts newly finished jobs of one tenant: outcomes, failures with their exception class,
 * exhausted retries, and the wait, run and completion time histograms per channel. Every value
 * starts at 0 when the agent starts. Not thread-safe.
 */
final class QueueThroughput {

  static final String FINISHED = "freightwatch_odoo_queue_job_finished_total";
  static final String FAILURES = "freightwatch_odoo_queue_job_failures_total";
  static final String RETRIES_EXHAUSTED = "freightwatch_odoo_queue_job_retries_exhausted_total";
  static final String WAIT = "freightwatch_odoo_queue_job_wait_seconds";
  static final String RUN = "freightwatch_odoo_queue_job_run_seconds";
  static final String COMPLETION = "freightwatch_odoo_queue_job_completion_seconds";

  /**
   * Label sets kept per counter family of a tenant. Model, method and exception come from the
   * tenant's code, so a module that generates method names must not create unbounded series.
   */
  static final int MAX_SERIES = 500;

  private static final String OTHER = "other";

  private final DeferredCounters finished =
      new DeferredCounters(MAX_SERIES, overflow().with("outcome", OTHER));
  private final DeferredCounters failures =
      new DeferredCounters(MAX_SERIES, overflow().with("exception", OTHER));
  private final DeferredCounters retriesExhausted = new DeferredCounters(MAX_SERIES, overflow());
  private final JobHistograms wait = new JobHistograms(WAIT, "Seconds from enqueued (or"
      + " runnable, when never enqueued) to started of the jobs done since the agent started");
  private final JobHistograms run = new JobHistograms(RUN,
      "Seconds from started to done of the jobs done since the agent started");
  private final JobHistograms completion = new JobHistograms(COMPLETION,
      "Seconds from creation to done of the jobs done since the agent started");

  /** Counts {@code jobs}, each of which reached done or failed since the previous scrape. */
  void record(List<FinishedJob> jobs) {
    finished.startScrape();
    failures.startScrape();
    retriesExhausted.startScrape();
    wait.startScrape();
    run.startScrape();
    completion.startScrape();
    for (FinishedJob job : jobs) {
      Labels function =
          Labels.of("channel", job.channel(), "model", job.model(), "method", job.method());
      boolean done = job.state().equals("done");
      finished.add(function.with("outcome", done ? "done" : "failed"), 1);
      if (done) {
        observe(job);
      } else {
        failures.add(function.with("exception", job.exception()), 1);
        if (job.hasExhaustedRetries()) {
          retriesExhausted.add(function, 1);
        }
      }
    }
  }

  /**
   * Registers the failure series of jobs that are failed when counting starts, so that their next
   * failure shows as an increase.
   */
  void registerFailed(List<FinishedJob> failedJobs) {
    for (FinishedJob job : failedJobs) {
      Labels function =
          Labels.of("channel", job.channel(), "model", job.model(), "method", job.method());
      failures.register(function.with("exception", job.exception()));
      finished.register(function.with("outcome", "failed"));
    }
  }

  void addSamples(Labels tenantLabels, List<Sample> out) {
    finished
        .values()
        .forEach(
            (labels, value) ->
                out.add(
                    Sample.counter(
                        FINISHED,
                        "Jobs that reached done or failed since the agent started",
                        value,
                        tenantLabels.withAll(labels))));
    failures
        .values()
        .forEach(
            (labels, value) ->
                out.add(
                    Sample.counter(
                        FAILURES,
                        "Jobs that reached failed since the agent started, by exception class",
                        value,
                        tenantLabels.withAll(labels))));
    retriesExhausted
        .values()
        .forEach(
            (labels, value) ->
                out.add(
                    Sample.counter(
                        RETRIES_EXHAUSTED,
                        "Jobs that failed after using every attempt that max_retries allows",
                        value,
                        tenantLabels.withAll(labels))));
    wait.addSamples(tenantLabels, out);
    run.addSamples(tenantLabels, out);
    completion.addSamples(tenantLabels, out);
  }

  private void observe(FinishedJob job) {
    if (job.waitSeconds() != null) {
      wait.observe(job.channel(), job.waitSeconds());
    }
    if (job.runSeconds() != null) {
      run.observe(job.channel(), job.runSeconds());
    }
    if (job.completionSeconds() != null) {
      completion.observe(job.channel(), job.completionSeconds());
    }
  }

  private static Labels overflow() {
    return Labels.of("channel", OTHER, "model", OTHER, "method", OTHER);
  }
}
