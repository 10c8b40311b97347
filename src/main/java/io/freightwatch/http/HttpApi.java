package io.freightwatch.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.freightwatch.collect.TargetHealth;
import io.freightwatch.config.Durations;
import io.freightwatch.config.Secret;
import io.freightwatch.config.SilenceSpec;
import io.freightwatch.export.MetricsEndpoint;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertState;
import io.freightwatch.rules.Silences;
import io.freightwatch.slo.SloStatus;
import io.freightwatch.store.LabelMatcher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP routes: {@code /metrics}, {@code /healthz}, {@code /readyz}, {@code
 * /api/v1/alerts}, {@code /api/v1/targets}, {@code /api/v1/slos}, {@code /api/v1/silences},
 * {@code /api/v1/rules/reload} and the status page at {@code /}. Handlers run on the agent's event
 * loop, where the data they read lives. Requests that change state need {@code Authorization:
 * Bearer <api.token>}.
 */
public final class HttpApi {

  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  private static final int MAX_BODY_BYTES = 64 * 1024;

  private final MetricsEndpoint metrics;
  private final BooleanSupplier ready;
  private final Supplier<List<Alert>> alerts;
  private final Supplier<List<TargetHealth>> targets;
  private Supplier<List<SloStatus>> slos = List::of;
  private Silences silences = new Silences(List.of());
  private Secret token = Secret.NONE;
  private Clock clock = Clock.systemUTC();
  private Consumer<List<SilenceSpec>> silencesChanged = list -> { };
  private Supplier<Future<String>> reload =
      () -> Future.failedFuture(new IllegalStateException("reload is not available"));
  private Optional<StatusPage> statusPage = Optional.empty();

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

  /** Serves SLO statuses at {@code /api/v1/slos}. */
  public HttpApi withSlos(Supplier<List<SloStatus>> statuses) {
    this.slos = statuses;
    return this;
  }

  /**
   * Serves and changes silences at {@code /api/v1/silences}.
   *
   * @param apiToken token that POST and DELETE requests must present; {@link Secret#NONE}
   *     rejects them all
   * @param changed called with every silence after each change, for example to store them
   */
  public HttpApi withSilences(Silences registry, Secret apiToken, Clock apiClock,
      Consumer<List<SilenceSpec>> changed) {
    this.silences = registry;
    this.token = apiToken;
    this.clock = apiClock;
    this.silencesChanged = changed;
    return this;
  }

  /** Triggers a rule reload at {@code POST /api/v1/rules/reload}. */
  public HttpApi withReload(Supplier<Future<String>> action) {
    this.reload = action;
    return this;
  }

  /** Serves {@code page} at {@code /}. */
  public HttpApi withStatusPage(StatusPage page) {
    this.statusPage = Optional.of(page);
    return this;
  }

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(this::metrics);
    router.get("/healthz").handler(ctx -> text(ctx, 200, "ok\n"));
    router.get("/readyz").handler(this::readiness);
    router.get("/api/v1/alerts").handler(this::alerts);
    router.get("/api/v1/targets").handler(this::targets);
    router.get("/api/v1/slos").handler(this::slos);
    router.get("/api/v1/silences").handler(this::listSilences);
    router.post("/api/v1/silences").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
        .handler(this::createSilence);
    router.delete("/api/v1/silences/:id").handler(this::deleteSilence);
    router.post("/api/v1/rules/reload").handler(this::reloadRules);
    statusPage.ifPresent(page -> router.get("/").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(page.render())));
    return router;
  }

  private void slos(RoutingContext ctx) {
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (SloStatus status : slos.get()) {
      ObjectNode item = list.addObject();
      item.put("name", status.spec().name());
      ObjectNode labels = item.putObject("labels");
      status.spec().labels().forEach(labels::put);
      item.put("objective", status.spec().objective());
      item.put("window", status.spec().window().describe());
      item.put("events", status.events());
      item.put("badEvents", status.badEvents());
      item.put("sliRatio", status.sliRatio());
      item.put("errorBudgetRemainingRatio", status.errorBudgetRemainingRatio());
      item.put("inMaintenance", status.inMaintenance());
      if (status.timeToExhaustion().isPresent()) {
        item.put("timeToExhaustionSeconds", status.timeToExhaustion().get().toSeconds());
      } else {
        item.putNull("timeToExhaustionSeconds");
      }
      ArrayNode windows = item.putArray("burnRates");
      for (SloStatus.WindowBurn burn : status.windows()) {
        ObjectNode window = windows.addObject();
        window.put("window", Durations.format(burn.window()));
        window.put("burnRate", burn.burnRate());
        window.put("events", burn.events());
        window.put("hasEnoughEvents", burn.hasEnoughEvents());
      }
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("status", "success");
    body.putObject("data").set("slos", list);
    json(ctx, body);
  }

  private void listSilences(RoutingContext ctx) {
    ArrayNode list = Json.MAPPER.createArrayNode();
    Instant now = clock.instant();
    for (SilenceSpec silence : silences.list()) {
      ObjectNode item = silenceJson(silence);
      item.put("active", silence.isActive(now));
      list.add(item);
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("status", "success");
    body.putObject("data").set("silences", list);
    json(ctx, body);
  }

  private void createSilence(RoutingContext ctx) {
    if (!isAuthorized(ctx)) {
      return;
    }
    SilenceSpec silence;
    try {
      silence = parseSilence(Json.MAPPER.readTree(ctx.body().asString()), clock.instant());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      error(ctx, 400, "invalid silence: the body is not JSON (" + e.getOriginalMessage() + ")");
      return;
    } catch (IllegalArgumentException | java.io.IOException e) {
      error(ctx, 400, "invalid silence: " + e.getMessage());
      return;
    }
    silences.add(silence);
    silencesChanged.accept(silences.list());
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("status", "success");
    body.putObject("data").put("silenceID", silence.id());
    json(ctx, body);
  }

  private void deleteSilence(RoutingContext ctx) {
    if (!isAuthorized(ctx)) {
      return;
    }
    String id = ctx.pathParam("id");
    if (!silences.remove(id)) {
      error(ctx, 404, "silence " + id + " not found");
      return;
    }
    silencesChanged.accept(silences.list());
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("status", "success");
    json(ctx, body);
  }

  private void reloadRules(RoutingContext ctx) {
    if (!isAuthorized(ctx)) {
      return;
    }
    reload.get().onComplete(result -> {
      if (result.succeeded()) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("status", "success");
        body.putObject("data").put("outcome", result.result());
        json(ctx, body);
      } else {
        error(ctx, 422, "reload rejected, previous rules kept: " + result.cause().getMessage());
      }
    });
  }

  /**
   * Checks the bearer token in constant time and responds with 401 or 403 itself when it fails.
   * The token is never logged or echoed.
   */
  private boolean isAuthorized(RoutingContext ctx) {
    if (token.isEmpty()) {
      error(ctx, 403, "write requests are disabled; set api.token in the configuration");
      return false;
    }
    String header = Optional.ofNullable(ctx.request().getHeader("Authorization")).orElse("");
    // The scheme name is case-insensitive (RFC 9110, section 11.1).
    String presented = header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).trim() : "";
    byte[] expected = token.reveal().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      error(ctx, 401, "missing or wrong bearer token");
      return false;
    }
    return true;
  }

  /**
   * Parses a silence: {@code {"matchers": {"tenant": "acme"}, "endsAt": "...Z"}} with optional
   * {@code startsAt}, {@code createdBy} and {@code comment}; matcher values take the rule file
   * forms ({@code =~re}, {@code !=value}, ...).
   */
  private static final List<String> SILENCE_FIELDS =
      List.of("matchers", "startsAt", "endsAt", "createdBy", "comment");
  private static final java.util.regex.Pattern LABEL_NAME =
      java.util.regex.Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final java.time.Duration MAX_SILENCE = java.time.Duration.ofDays(366);

  static SilenceSpec parseSilence(com.fasterxml.jackson.databind.JsonNode node, Instant now) {
    if (node == null || !node.path("matchers").isObject() || node.path("matchers").isEmpty()) {
      throw new IllegalArgumentException("matchers must be a non-empty object of label names to"
          + " values, e.g. {\"tenant\": \"acme\"}");
    }
    node.fieldNames().forEachRemaining(key -> {
      if (!SILENCE_FIELDS.contains(key)) {
        throw new IllegalArgumentException("unknown field \"" + key + "\"; a silence has "
            + String.join(", ", SILENCE_FIELDS));
      }
    });
    List<LabelMatcher> matchers = new ArrayList<>();
    node.get("matchers").fields().forEachRemaining(field -> {
      if (!LABEL_NAME.matcher(field.getKey()).matches()) {
        throw new IllegalArgumentException("matcher name \"" + field.getKey() + "\" is not a"
            + " label name; use letters, digits and _ such as \"tenant\"");
      }
      if (!field.getValue().isTextual()) {
        throw new IllegalArgumentException("matcher " + field.getKey() + " must be a string,"
            + " got " + field.getValue());
      }
      try {
        matchers.add(LabelMatcher.parse(field.getKey(), field.getValue().asText()));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("matcher " + field.getKey() + " is not a valid"
            + " regular expression: " + e.getDescription(), e);
      }
    });
    Instant startsAt = instant(node, "startsAt").orElse(now);
    Instant endsAt = instant(node, "endsAt").orElseThrow(() -> new IllegalArgumentException(
        "endsAt is missing; every silence expires, e.g. \"endsAt\": \"2027-01-05T08:00:00Z\""));
    if (!endsAt.isAfter(startsAt) || !endsAt.isAfter(now)) {
      throw new IllegalArgumentException("endsAt " + endsAt + " must be after startsAt and now");
    }
    if (endsAt.isAfter(now.plus(MAX_SILENCE))) {
      throw new IllegalArgumentException("endsAt " + endsAt + " is more than " + MAX_SILENCE.toDays()
          + " days away; silence for less and extend it when needed");
    }
    return new SilenceSpec(UUID.randomUUID().toString(), matchers, startsAt, endsAt,
        node.path("createdBy").asText("api"), node.path("comment").asText(""));
  }

  private static Optional<Instant> instant(com.fasterxml.jackson.databind.JsonNode node,
      String key) {
    if (!node.hasNonNull(key)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(node.get(key).asText()));
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(key + " \"" + node.get(key).asText()
          + "\" is not a UTC time such as 2027-01-05T08:00:00Z", e);
    }
  }

  private static ObjectNode silenceJson(SilenceSpec silence) {
    ObjectNode item = Json.MAPPER.createObjectNode();
    item.put("id", silence.id());
    ObjectNode matchers = item.putObject("matchers");
    for (LabelMatcher matcher : silence.matchers()) {
      String prefix = matcher.operator() == LabelMatcher.Operator.EQUAL ? ""
          : matcher.operator().symbol();
      matchers.put(matcher.name(), prefix + matcher.value());
    }
    item.put("startsAt", format(silence.startsAt()));
    item.put("endsAt", format(silence.endsAt()));
    item.put("createdBy", silence.createdBy());
    item.put("comment", silence.comment());
    return item;
  }

  private static void error(RoutingContext ctx, int status, String message) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("status", "error");
    body.put("error", message);
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.toString());
  }

  private void metrics(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    HttpServerResponse response = ctx.response()
        .putHeader("Content-Type", metrics.contentType(accept));
    ChunkedBody body = new ChunkedBody(response);
    try {
      metrics.write(accept, body);
    } catch (IOException | RuntimeException failure) {
      // Part of the body may be sent already, so the status cannot change: the connection is
      // reset, and the scraper gets a failed scrape rather than a cut-off body.
      LOG.warn("metrics rendering failed; error={}", failure.toString());
      response.reset();
      return;
    }
    body.finish();
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
      error(ctx, 400, "invalid state \"" + stateFilter.get()
          + "\"; use pending, firing or resolved");
      return;
    }
    ArrayNode list = Json.MAPPER.createArrayNode();
    alerts.get().stream()
        .filter(a -> stateFilter.map(s -> a.state().apiName().equals(s)).orElse(true))
        .sorted(Comparator.comparing(Alert::rule).thenComparing(a -> a.labels().toString()))
        .forEach(alert -> list.add(alertJson(alert)));
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("status", "success");
    body.putObject("data").set("alerts", list);
    json(ctx, body);
  }

  private void targets(RoutingContext ctx) {
    ArrayNode list = Json.MAPPER.createArrayNode();
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
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("status", "success");
    body.putObject("data").set("targets", list);
    json(ctx, body);
  }

  static ObjectNode alertJson(Alert alert) {
    ObjectNode item = Json.MAPPER.createObjectNode();
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
