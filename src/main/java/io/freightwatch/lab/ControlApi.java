package io.freightwatch.lab;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lab's control API on 127.0.0.1.
 *
 * <ul>
 *   <li>{@code GET /lab/status}: JSON with the ports, tenants, services and active faults.
 *   <li>{@code POST /lab/faults/{fault}?tenant=..|service=..&active=true|false[&ratio=0.3]}:
 *       switches a fault of {@link Faults#NAMES}; 400 for a missing or invalid parameter, 404 for
 *       an unknown fault.
 *   <li>{@code POST /lab/workload/pause|resume[?tenant=..]}: pauses or resumes the workload for one
 *       tenant, or all writes to the primary without a tenant.
 * </ul>
 *
 * Fault switches and pauses may block (JDBC, waiting for a tick), so they run on the Vert.x worker
 * pool.
 */
final class ControlApi {

  private static final Logger LOG = LoggerFactory.getLogger(ControlApi.class);

  private final Lab lab;
  private HttpServer server;

  private ControlApi(Lab lab) {
    this.lab = lab;
  }

  static Future<ControlApi> start(Vertx vertx, Lab lab, int port) {
    ControlApi api = new ControlApi(lab);
    Router router = Router.router(vertx);
    router.get("/lab/status").handler(api::status);
    router.post("/lab/faults/:fault").handler(api::fault);
    router.post("/lab/workload/:action").handler(api::workload);
    return vertx
        .createHttpServer(new HttpServerOptions().setHost(LabPostgres.HOST).setPort(port))
        .requestHandler(router)
        .listen()
        .map(
            server -> {
              api.server = server;
              LOG.info("event=control_api_listening port={}", server.actualPort());
              return api;
            });
  }

  int port() {
    return server.actualPort();
  }

  Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void status(RoutingContext context) {
    json(context, 200, lab.status());
  }

  private void fault(RoutingContext context) {
    String fault = context.pathParam("fault").toLowerCase(Locale.ROOT);
    if (!Faults.NAMES.contains(fault)) {
      error(context, 404, "fault: got " + fault + "; expected one of " + Faults.NAMES);
      return;
    }
    String activeParam = context.request().getParam("active", "true");
    if (!activeParam.equals("true") && !activeParam.equals("false")) {
      error(context, 400, "active: got " + activeParam + "; expected true or false");
      return;
    }
    boolean active = Boolean.parseBoolean(activeParam);
    String tenant = context.request().getParam("tenant");
    String service = context.request().getParam("service");
    String ratio = context.request().getParam("ratio");
    context
        .vertx()
        .executeBlocking(() -> switchFault(fault, tenant, service, ratio, active))
        .onSuccess(
            target ->
                json(
                    context,
                    200,
                    new JsonObject()
                        .put("fault", fault)
                        .put("target", target)
                        .put("active", active)))
        .onFailure(
            error ->
                error(
                    context,
                    error instanceof IllegalArgumentException ? 400 : 500,
                    String.valueOf(error.getMessage())));
  }

  private String switchFault(
      String fault, String tenant, String service, String ratio, boolean active) {
    Faults faults = lab.faults();
    switch (fault) {
      case Faults.CARRIER_OUTAGE -> faults.carrierOutage(required("tenant", tenant), active);
      case Faults.STALLED_RUNNER -> faults.stalledRunner(required("tenant", tenant), active);
      case Faults.ORDER_FEED_ERRORS -> faults.orderFeedErrors(required("tenant", tenant), active);
      case Faults.ODOO_WORKERS_HUNG -> faults.odooWorkersHung(required("tenant", tenant), active);
      case Faults.REPLICA_LAG -> faults.replicaLag(active);
      case Faults.REDIS_MEMORY_PRESSURE -> faults.redisMemoryPressure(active);
      case Faults.INGRESS_FAULT ->
          faults.ingressFault(required("service", service), parseRatio(ratio), active);
      default -> throw new IllegalArgumentException("fault: got " + fault);
    }
    if (tenant != null) {
      return tenant;
    }
    return service != null ? service : fault;
  }

  private void workload(RoutingContext context) {
    String action = context.pathParam("action");
    String tenant = context.request().getParam("tenant");
    if (!action.equals("pause") && !action.equals("resume")) {
      error(context, 404, "action: got " + action + "; expected pause or resume");
      return;
    }
    context
        .vertx()
        .executeBlocking(
            () -> {
              LogisticsWorkload workload = lab.workload();
              boolean pause = action.equals("pause");
              if (tenant == null) {
                if (pause) {
                  workload.pauseAll();
                } else {
                  workload.resumeAll();
                }
              } else if (pause) {
                workload.pause(tenant);
              } else {
                workload.resume(tenant);
              }
              return tenant == null ? "all" : tenant;
            })
        .onSuccess(
            target ->
                json(context, 200, new JsonObject().put("workload", action).put("target", target)))
        .onFailure(
            error ->
                error(
                    context,
                    error instanceof IllegalArgumentException ? 400 : 500,
                    String.valueOf(error.getMessage())));
  }

  private static double parseRatio(String ratio) {
    if (ratio == null) {
      return Faults.DEFAULT_INGRESS_ERROR_RATIO;
    }
    try {
      return Double.parseDouble(ratio);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "ratio: got " + ratio + "; expected a number from 0 to 1", e);
    }
  }

  private static String required(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + ": missing; add ?" + name + "=... to the request");
    }
    return value;
  }

  private static void json(RoutingContext context, int status, JsonObject body) {
    context
        .response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.encodePrettily());
  }

  private static void error(RoutingContext context, int status, String message) {
    json(context, status, new JsonObject().put("error", message));
  }

  static JsonArray array(Iterable<?> values) {
    JsonArray array = new JsonArray();
    values.forEach(array::add);
    return array;
  }
}
