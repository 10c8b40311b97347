package io.freightwatch.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.freightwatch.collect.TargetHealth;
import io.freightwatch.export.MetricsEndpoint;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertState;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The agent's HTTP routes: {@code /metrics}, {@code /healthz}, {@code /readyz}, {@code
 * /api/v1/alerts} and {@code /api/v1/targets}. Handlers run on the agent's event loop, where the
 * data they read lives.
 */
public final class HttpApi {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final MetricsEndpoint metrics;
  private final BooleanSupplier ready;
  private final Supplier<List<Alert>> alerts;
  private final Supplier<List<TargetHealth>> targets;

  /**
   * @param ready true once the first collection has finished
   * @param alerts current pending, firing and recently resolved alerts
   * @param targets health of every scrape target
   */
  public HttpApi(MetricsEndpoint metrics, BooleanSupplier ready, Supplier<List<Alert>> alerts,
      Supplier<List<TargetHealth>> targets) {
    this.metrics = metrics;
    this.ready = ready;
    this.alerts = alerts;
    this.targets = targets;
  }

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(this::metrics);
    router.get("/healthz").handler(ctx -> text(ctx, 200, "ok\n"));
    router.get("/readyz").handler(this::readiness);
    router.get("/api/v1/alerts").handler(this::alerts);
    router.get("/api/v1/targets").handler(this::targets);
    return router;
  }

  private void metrics(RoutingContext ctx) {
    MetricsEndpoint.Rendered rendered = metrics.render(ctx.request().getHeader("Accept"));
    ctx.response()
        .putHeader("Content-Type", rendered.contentType())
        .end(Buffer.buffer(rendered.body()));
  }

  private void readiness(RoutingContext ctx) {
    if (ready.getAsBoolean()) {
      text(ctx, 200, "ready\n");
    } else {
      text(ctx, 503, "not ready: the first collection of every target has not finished yet\n");
    }
  }

  private void alerts(RoutingContext ctx) {
    Optional<String> stateFilter = Optional.ofNullable(ctx.request().getParam("state"));
    if (stateFilter.isPresent() && java.util.Arrays.stream(AlertState.values())
        .noneMatch(s -> s.apiName().equals(stateFilter.get()))) {
      text(ctx, 400, "invalid state \"" + stateFilter.get()
          + "\"; use pending, firing or resolved\n");
      return;
    }
    ArrayNode list = JSON.createArrayNode();
    alerts.get().stream()
        .filter(a -> stateFilter.map(s -> a.state().apiName().equals(s)).orElse(true))
        .sorted(Comparator.comparing(Alert::rule).thenComparing(a -> a.labels().toString()))
        .forEach(alert -> list.add(alertJson(alert)));
    ObjectNode body = JSON.createObjectNode();
    body.put("status", "success");
    body.putObject("data").set("alerts", list);
    json(ctx, body);
  }

  private void targets(RoutingContext ctx) {
    ArrayNode list = JSON.createArrayNode();
    for (TargetHealth health : targets.get()) {
      ObjectNode item = list.addObject();
      item.put("source", health.target().source());
      item.put("target", health.target().name());
      item.put("health", !health.scraped() ? "unknown" : health.up() ? "up" : "down");
      health.lastScrape().ifPresent(t -> item.put("lastScrape", format(t)));
      if (!Double.isNaN(health.lastDurationSeconds())) {
        item.put("lastScrapeDurationSeconds", health.lastDurationSeconds());
      }
      item.put("lastError", health.lastError());
      item.put("skippedScrapes", health.skippedScrapes());
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("status", "success");
    body.putObject("data").set("targets", list);
    json(ctx, body);
  }

  static ObjectNode alertJson(Alert alert) {
    ObjectNode item = JSON.createObjectNode();
    item.put("fingerprint", alert.fingerprint());
    item.put("rule", alert.rule());
    item.put("state", alert.state().apiName());
    ObjectNode labels = item.putObject("labels");
    alert.labels().asMap().forEach(labels::put);
    ObjectNode annotations = item.putObject("annotations");
    alert.annotations().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(a -> annotations.put(a.getKey(), a.getValue()));
    if (Double.isFinite(alert.value())) {
      item.put("value", alert.value());
    }
    item.put("activeAt", format(alert.activeSince()));
    alert.firingSince().ifPresent(t -> item.put("firingSince", format(t)));
    alert.resolvedAt().ifPresent(t -> item.put("resolvedAt", format(t)));
    return item;
  }

  private static String format(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant);
  }

  private static void json(RoutingContext ctx, ObjectNode body) {
    ctx.response()
        .putHeader("Content-Type", "application/json")
        .end(body.toString());
  }

  private static void text(RoutingContext ctx, int status, String body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .end(body);
  }
}
