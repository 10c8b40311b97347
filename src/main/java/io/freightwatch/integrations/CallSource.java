package io.freightwatch.integrations;

import io.freightwatch.config.IntegrationsConfig.EdiMatch;
import io.freightwatch.config.IntegrationsConfig.Integration;
import io.freightwatch.config.IntegrationsConfig.QueueJobMatch;
import io.freightwatch.config.IntegrationsConfig.RouterMatch;
import io.freightwatch.store.Labels;
import java.util.Optional;

/**
 * A counter series family that counts calls of partner integrations, and how one of its series
 * maps to an integration. Each family names the label of the process whose resets count and the
 * target source that scrapes it, and says whether its increases are failed calls, calls, or both.
 */
enum CallSource {

  /** Finished queue jobs; {@code outcome="failed"} ones are failed calls, all are calls. */
  QUEUE_JOBS("freightwatch_odoo_queue_job_finished_total", "tenant", "odoo") {
    @Override
    Optional<String> tenantOf(Integration integration, Labels labels) {
      for (QueueJobMatch match : integration.queueJobs()) {
        if (match.matches(labels.get("channel"), labels.get("model"), labels.get("method"))) {
          return Optional.of(labels.get("tenant"));
        }
      }
      return Optional.empty();
    }

    @Override
    boolean isFailure(Labels labels) {
      return labels.get("outcome").equals("failed");
    }
  },

  /** EDI exchange records created: all calls. */
  EDI_EXCHANGES("freightwatch_odoo_edi_exchanges_total", "tenant", "odoo") {
    @Override
    Optional<String> tenantOf(Integration integration, Labels labels) {
      return ediTenant(integration, labels);
    }
  },

  /** EDI exchanges that ended in an error state: failed calls. */
  EDI_ERRORS("freightwatch_odoo_edi_exchange_errors_total", "tenant", "odoo") {
    @Override
    Optional<String> tenantOf(Integration integration, Labels labels) {
      return ediTenant(integration, labels);
    }

    @Override
    boolean isFailure(Labels labels) {
      return true;
    }

    @Override
    boolean isCall(Labels labels) {
      return false;
    }
  },

  /** Requests of a Traefik router: all calls. */
  ROUTER_REQUESTS("freightwatch_traefik_router_requests_total", "instance", "traefik") {
    @Override
    Optional<String> tenantOf(Integration integration, Labels labels) {
      return routerTenant(integration, labels);
    }
  },

  /** Requests of a Traefik router that failed with a server error: failed calls. */
  ROUTER_ERRORS("freightwatch_traefik_router_server_errors_total", "instance", "traefik") {
    @Override
    Optional<String> tenantOf(Integration integration, Labels labels) {
      return routerTenant(integration, labels);
    }

    @Override
    boolean isFailure(Labels labels) {
      return true;
    }

    @Override
    boolean isCall(Labels labels) {
      return false;
    }
  };

  private final String signal;
  private final String processLabel;
  private final String targetSource;

  CallSource(String signal, String processLabel, String targetSource) {
    this.signal = signal;
    this.processLabel = processLabel;
    this.targetSource = targetSource;
  }

  /** Name of the counter family. */
  String signal() {
    return signal;
  }

  /** Label whose value names the process (tenant database or Traefik instance) of a series. */
  String processLabel() {
    return processLabel;
  }

  /**
   * Returns the {@code source} label of {@code freightwatch_target_up} for the targets that produce
   * this family. Their target names equal the process label's values.
   */
  String targetSource() {
    return targetSource;
  }

  /**
   * Returns the tenant of a series that belongs to {@code integration} (empty text when the
   * source has no tenant), or empty when it does not belong to it.
   */
  abstract Optional<String> tenantOf(Integration integration, Labels labels);

  /** Returns true when the series' increases are failed calls. */
  boolean isFailure(Labels labels) {
    return false;
  }

  /** Returns true when the series' increases are calls, failed or not. */
  boolean isCall(Labels labels) {
    return true;
  }

  private static Optional<String> ediTenant(Integration integration, Labels labels) {
    for (EdiMatch match : integration.edi()) {
      if (match.matches(labels.get("backend"), labels.get("exchange_type"))) {
        return Optional.of(labels.get("tenant"));
      }
    }
    return Optional.empty();
  }

  private static Optional<String> routerTenant(Integration integration, Labels labels) {
    for (RouterMatch match : integration.traefikRouters()) {
      Optional<String> tenant = match.tenantOf(labels.get("router"));
      if (tenant.isPresent()) {
        return tenant;
      }
    }
    return Optional.empty();
  }
}
