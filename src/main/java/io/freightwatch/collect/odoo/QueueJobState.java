package io.freightwatch.collect.odoo;

import java.time.LocalDateTime;
import java.util.Objects;

/**
 * The jobs of one {@code queue_job} channel in one state.
 *
 * @param channel full dotted channel name such as {@code root.edi}; empty when the column is NULL
 * @param state one of {@code pending}, {@code enqueued}, {@code started}, {@code
 *     wait_dependencies}, {@code failed}
 * @param jobs number of jobs
 * @param oldestRunnableAgeSeconds seconds the oldest runnable pending job (no {@code eta}, or an
 *     {@code eta} that has passed) has waited since it became runnable, at the later of {@code
 *     date_created} and {@code eta}; null for other states and when no pending job is runnable
 * @param retriedJobs pending jobs that already had an attempt ({@code retry > 0}), due or not; 0
 *     for other states
 * @param oldestStartedAgeSeconds seconds since {@code date_started} of the oldest started job; null
 *     for other states
 * @param observedAt the server's {@code now() AT TIME ZONE 'UTC'} that the ages were computed
 *     against, as a naive UTC date-time like Odoo's own columns
 */
record QueueJobState(
    String channel,
    String state,
    long jobs,
    Double oldestRunnableAgeSeconds,
    long retriedJobs,
    Double oldestStartedAgeSeconds,
    LocalDateTime observedAt) {

  QueueJobState {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(observedAt, "observedAt");
  }
}
