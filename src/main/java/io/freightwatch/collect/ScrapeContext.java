package io.freightwatch.collect;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a collector may use during a scrape: the Vert.x instance, a named worker pool for blocking
 * calls (JDBC), the agent's clock and the time limit of one scrape.
 */
public final class ScrapeContext {

  private final Vertx vertx;
  private final WorkerExecutor workers;
  private final Clock clock;
  private final Duration timeout;

  public ScrapeContext(Vertx vertx, WorkerExecutor workers, Clock clock, Duration timeout) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.workers = Objects.requireNonNull(workers, "workers");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  public Vertx vertx() {
    return vertx;
  }

  public Clock clock() {
    return clock;
  }

  /** Time limit of one scrape; blocking calls also carry their own, shorter driver timeouts. */
  public Duration timeout() {
    return timeout;
  }

  /** Returns a context with the same Vert.x, worker pool and clock and another time limit. */
  public ScrapeContext withTimeout(Duration otherTimeout) {
    return new ScrapeContext(vertx, workers, clock, otherTimeout);
  }

  /**
   * Runs {@code task} on the worker pool and completes on the caller's context. The future fails
   * with a {@link TimeoutException} once {@link #timeout()} has passed; the task itself is not
   * interrupted, so it must also bound its own I/O (statement_timeout, socket timeouts).
   */
  public <T> Future<T> blocking(Callable<T> task) {
    Future<T> result = workers.executeBlocking(task, false);
    return result.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
