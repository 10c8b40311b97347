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
 * @param oldestPendingAgeSeconds seconds since {@code date_created} of the oldest pending job that
 *     is due; null for other states and when no pending job is due
 * @param oldestStartedAgeSeconds seconds since {@code date_started} of the oldest started job; null
 *     for other states
 * @param observedAt the server's {@code now() AT TIME ZONE 'UTC'} that the ages were computed
 *     against, as a naive UTC date-time like Odoo's own columns
 */
record QueueJobState(
    String channel,
    String state,
    long jobs,
    Double oldestPendingAgeSeconds,
    Double oldestStartedAgeSeconds,
    LocalDateTime observedAt) {

  QueueJobState {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(observedAt, "observedAt");
  }
}
