package io.freightwatch.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * One Odoo HTTP service probed for liveness, such as a tenant's web workers behind their
 * Kubernetes service.
 *
 * @param name unique target name, the {@code service} label
 * @param tenant value of the {@code tenant} label
 * @param baseUrl Odoo's base URL, such as {@code http://odoo-acme-web:8069}; the probe adds the
 *     endpoint's path
 * @param interval time between probes
 * @param timeout limit of one request; a worker pool that does not reply within it is down
 * @param endpoint which route proves that a worker answers
 * @param checkDatabase whether {@code /web/health} is asked to open a cursor on the database
 *     server too ({@code db_server_status}, Odoo 17.0 builds from late 2024 and 18.0)
 */
public record OdooHttpTarget(
    String name,
    String tenant,
    URI baseUrl,
    Duration interval,
    Duration timeout,
    Endpoint endpoint,
    boolean checkDatabase) {

  public OdooHttpTarget {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(endpoint, "endpoint");
  }

  /** The route the probe requests. */
  public enum Endpoint {
    /** {@code GET /web/health}: Odoo 15.0 and later; needs no database and no login. */
    HEALTH("health", "/web/health"),
    /**
     * {@code POST /web/webclient/version_info} as JSON-RPC, for builds without {@code
     * /web/health}; it returns the server version.
     */
    VERSION_INFO("version_info", "/web/webclient/version_info");

    private final String yamlName;
    private final String path;

    Endpoint(String yamlName, String path) {
      this.yamlName = yamlName;
      this.path = path;
    }

    public String yamlName() {
      return yamlName;
    }

    public String path() {
      return path;
    }
  }
}
