package io.freightwatch.collect.odoo;

import java.util.Objects;

/**
 * A {@code queue_job} row in {@code started} or {@code enqueued}: the states that hold a slot of
 * the job runner's channel.
 *
 * @param id {@code queue_job.id}
 * @param uuid the job's uuid, as the runner and Odoo's job URLs name it
 * @param channel full dotted channel name; empty when the column is NULL
 * @param state {@code started} or {@code enqueued}
 * @param ageSeconds seconds since {@code date_started} (started) or {@code date_enqueued}
 *     (enqueued), falling back to {@code date_created} when that date is NULL
 * @param lock the state of the job's row in the queue_job lock table
 */
record RunningJob(
    long id, String uuid, String channel, String state, double ageSeconds, LockState lock) {

  RunningJob {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(lock, "lock");
  }

  /** The job's row in the queue_job lock table, which exists in queue_job builds from 2025 on. */
  enum LockState {
    /** The database has no lock table, so only the job's age can hint at a dead worker. */
    NO_LOCK_TABLE("no_lock_table"),
    /** The job has no lock row: no worker ever started executing it. */
    MISSING("missing"),
    /** A running transaction holds the lock row: the worker is alive. */
    HELD("held"),
    /** No running transaction holds the lock row: the worker is gone. */
    NOT_HELD("not_held");

    private final String label;

    LockState(String label) {
      this.label = label;
    }

    /** Returns the value of the {@code lock} label. */
    String label() {
      return label;
    }

    static LockState fromLabel(String label) {
      for (LockState state : values()) {
        if (state.label.equals(label)) {
          return state;
        }
      }
      throw new IllegalArgumentException("lock state: got \"" + label + "\"");
    }
  }
}
