package io.freightwatch.lab;

import java.time.Duration;
import org.slf4j.Logger;

/**
 * Logs a repeated failure of one task at most once per interval, and its recovery once. Used by the
 * workload, whose ticks fail every few hundred milliseconds while the primary is stopped.
 */
final class ThrottledLog {

  private static final long INTERVAL_NANOS = Duration.ofSeconds(30).toNanos();

  private final Logger log;
  private final String task;
  private long lastLoggedNanos;
  private long suppressed;
  private boolean failing;

  ThrottledLog(Logger log, String task) {
    this.log = log;
    this.task = task;
  }

  synchronized void failure(String target, Exception error) {
    long now = System.nanoTime();
    if (!failing || now - lastLoggedNanos >= INTERVAL_NANOS) {
      log.warn(
          "event=workload_task_failed task={} target={} repeats_suppressed={} error={}",
          task,
          target,
          suppressed,
          String.valueOf(error.getMessage()).lines().findFirst().orElse(""));
      lastLoggedNanos = now;
      suppressed = 0;
    } else {
      suppressed++;
    }
    failing = true;
  }

  synchronized void success(String target) {
    if (failing) {
      log.info("event=workload_task_recovered task={} target={}", task, target);
      failing = false;
      suppressed = 0;
    }
  }
}
