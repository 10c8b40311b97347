package io.freightwatch.collect;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * One scrape target and how to read it. The scheduler calls {@link #scrape} on the agent's event
 * loop at most once at a time per collector; blocking work must go through {@link
 * ScrapeContext#blocking}.
 */
public interface Collector {

  TargetId target();

  /**
   * Labels added to the target's health series ({@code freightwatch_target_up} and its
   * neighbours) besides {@code source} and {@code target}, such as the tenant and database of an
   * Odoo tenant, so that an alert on a failed scrape names them. Empty by default.
   */
  default Labels healthLabels() {
    return Labels.EMPTY;
  }

  /** Time between the starts of two scrapes. */
  Duration interval();

  /**
   * Reads the target once. The future completes with every sample of this target (series missing
   * from the list are treated as gone), or fails with an exception whose message says what failed
   * and on which target; it must complete within {@link ScrapeContext#timeout()}.
   */
  Future<List<Sample>> scrape(ScrapeContext context);

  /** Releases connections and clients. Called once, on the event loop, when the agent stops. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
