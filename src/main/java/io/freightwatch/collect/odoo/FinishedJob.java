package io.freightwatch.collect.odoo;

import java.util.Objects;

/**
 * A {@code queue_job} row read by {@link FinishedJobTracker}, in whatever state it is now.
 *
 * @param id {@code queue_job.id}
 * @param state the job's state; {@code done} and {@code failed} are finished
 * @param channel full dotted channel name; empty when NULL
 * @param model {@code model_name}, such as {@code sale.order}; empty when NULL
 * @param method {@code method_name}; empty when NULL
 * @param exception exception class of a failed job, from {@code exc_name} or else the last line of
 *     {@code exc_info}; empty when neither names one
 * @param waitSeconds {@code date_enqueued} to {@code date_started}; from the time the job became
 *     runnable ({@code date_created} or a later {@code eta}) when it was never enqueued; null when
 *     it never started
 * @param runSeconds {@code date_started} to {@code date_done}, else {@code exec_time}; null when
 *     unknown
 * @param completionSeconds {@code date_created} to {@code date_done}; null when either is NULL
 * @param retry attempts so far
 * @param maxRetries attempt limit; 0 means unlimited, as NULL does in queue_job
 */
record FinishedJob(
    long id,
    String state,
    String channel,
    String model,
    String method,
    String exception,
    Double waitSeconds,
    Double runSeconds,
    Double completionSeconds,
    int retry,
    int maxRetries) {

  FinishedJob {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(exception, "exception");
  }

  boolean isFinished() {
    return state.equals("done") || state.equals("failed");
  }

  /** Returns true for a job that no longer changes by itself: finished or cancelled. */
  boolean isClosed() {
    return isFinished() || state.equals("cancelled");
  }

  /**
   * Returns true when a failed job used up a limited number of attempts. queue_job turns a
   * retryable error into a failure once {@code retry >= max_retries}, and its dead-job check fails
   * a job whose {@code retry} exceeds the limit.
   */
  boolean hasExhaustedRetries() {
    return state.equals("failed") && maxRetries > 0 && retry >= maxRetries;
  }
}
