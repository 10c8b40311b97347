package io.freightwatch.cli;

import io.freightwatch.collect.CollectorScheduler;
import io.freightwatch.collect.ScrapeContext;
import io.freightwatch.config.AgentConfig;
import io.vertx.core.Future;

/** Creates the collectors of a configuration's targets and adds them to the scheduler. */
public interface CollectorFactory {

  /**
   * Adds every collector of {@code config} to {@code scheduler}. Called once on the agent's event
   * loop before the scheduler starts; may keep adding and removing collectors later (for example
   * after a tenant discovery).
   *
   * @return a future that completes once the first tenant discovery has finished or failed, so
   *     that the agent reports ready only after the discovered tenants were scraped
   */
  Future<Void> create(AgentConfig config, ScrapeContext context, CollectorScheduler scheduler);

  /** Releases shared clients and pools; called once when the agent stops. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
