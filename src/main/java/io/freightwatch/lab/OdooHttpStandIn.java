package io.freightwatch.lab;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in for the tenants' Odoo HTTP workers, because Odoo cannot run on the build machines: an
 * HTTP server on 127.0.0.1 that serves {@code GET /<tenant>/web/health} the way the route of Odoo
 * 17.0 (builds from late 2024) and 18.0 does. Without parameters it returns 200 {@code {"status":
 * "pass"}}; with {@code db_server_status} it adds {@code "db_server_status": true}. Each reply
 * carries {@code Content-Type: application/json} and {@code Cache-Control: no-store}.
 *
 * <p>While {@code hung} holds for a tenant, its requests get no reply at all, as when every worker
 * of an Odoo pool is busy or stuck: the connection is accepted and left open. Unknown tenants and
 * paths get 404.
 */
public final class OdooHttpStandIn {

  private static final Logger LOG = LoggerFactory.getLogger(OdooHttpStandIn.class);
  private static final String HEALTH = "/web/health";

  private final Set<String> tenants;
  private final Predicate<String> hung;
  private final AtomicLong unanswered = new AtomicLong();
  private HttpServer server;

  private OdooHttpStandIn(List<String> tenants, Predicate<String> hung) {
    this.tenants = Set.copyOf(tenants);
    this.hung = Objects.requireNonNull(hung, "hung");
  }

  /**
   * Starts the server on 127.0.0.1.
   *
   * @param port TCP port, 0 for a free one
   * @param tenants tenant names served under {@code /<tenant>}
   * @param hung whether a tenant's workers are hung; read on every request
   * @return a future that fails when the port cannot be bound
   */
  public static Future<OdooHttpStandIn> start(Vertx vertx, int port, List<String> tenants,
      Predicate<String> hung) {
    OdooHttpStandIn standIn = new OdooHttpStandIn(tenants, hung);
    return vertx
        .createHttpServer(new HttpServerOptions().setHost(LabPostgres.HOST).setPort(port))
        .requestHandler(standIn::handle)
        .listen()
        .map(server -> {
          standIn.server = server;
          LOG.info("event=odoo_http_stand_in_listening port={} tenants={}", server.actualPort(),
              tenants.size());
          return standIn;
        });
  }

  public int port() {
    return server.actualPort();
  }

  /** Base URL of a tenant's Odoo, e.g. {@code http://127.0.0.1:28082/acme}. */
  public String baseUrl(String tenant) {
    return "http://" + LabPostgres.HOST + ":" + port() + "/" + tenant;
  }

  /** Health requests left without a reply because their tenant's workers were hung. */
  public long unansweredRequests() {
    return unanswered.get();
  }

  Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest request) {
    String path = request.path();
    int slash = path.indexOf('/', 1);
    String tenant = slash < 0 ? "" : path.substring(1, slash);
    if (request.method() != HttpMethod.GET || !tenants.contains(tenant)
        || !path.substring(slash).equals(HEALTH)) {
      request.response().setStatusCode(404).end();
      return;
    }
    if (hung.test(tenant)) {
      unanswered.incrementAndGet();
      return;
    }
    String body = request.getParam("db_server_status") == null
        ? "{\"status\": \"pass\"}"
        : "{\"status\": \"pass\", \"db_server_status\": true}";
    request.response()
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body);
  }
}
