package io.freightwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.freightwatch.config.AgentConfig;
import io.freightwatch.config.ConfigLoader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The agent's silence, SLO and reload API, in process on a free port, without scrape targets:
 * rules that check for absent data fire without any.
 */
class AgentApiTest {

  private static final String TOKEN = "test-token-0123456789abcdef";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RULE = """
        - name: %s
          condition:
            absent: {signal: freightwatch_odoo_edi_exchanges_total, matchers: {tenant: acme}}
          impact:
            domain: integrations
            summary: "No EDI exchanges for {{ $labels.tenant }}"
            severity: warning
            owner: ops
            runbook: runbooks/%s.md
      """;
  private static final String SLO = """
      slos:
        - name: edi_gateway_availability
          objective: 0.999
          window: 30d
          sli:
            ratio:
              bad: {signal: requests_total, matchers: {code: "=~5.."}}
              total: {signal: requests_total}
          impact: {owner: ops, runbook: runbooks/slo_error_budget_burn.md}
      """;

  private static final Instant IN_A_MONTH =
      Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Vertx> started = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Vertx vertx : started) {
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void silencesNeedBearerToken() throws Exception {
    writeRules("rules:\n" + RULE.formatted("edi_feed_missing", "edi_feed_missing"));
    String base = start();
    String body = "{\"matchers\": {\"tenant\": \"acme\"}, \"endsAt\": \"" + IN_A_MONTH + "\","
        + " \"comment\": \"EDI partner migrates\"}";

    assertThat(send("POST", base + "/api/v1/silences", body, "").statusCode()).isEqualTo(401);
    HttpResponse<String> wrong = send("POST", base + "/api/v1/silences", body, "Bearer nope");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).doesNotContain(TOKEN);
    HttpResponse<String> created = send("POST", base + "/api/v1/silences", body,
        "Bearer " + TOKEN);
    assertThat(created.statusCode()).isEqualTo(200);
    String id = JSON.readTree(created.body()).at("/data/silenceID").asText();

    JsonNode silences = JSON.readTree(get(base + "/api/v1/silences")).at("/data/silences");
    assertThat(silences).singleElement().satisfies(silence -> {
      assertThat(silence.get("id").asText()).isEqualTo(id);
      assertThat(silence.at("/matchers/tenant").asText()).isEqualTo("acme");
      assertThat(silence.get("active").asBoolean()).isTrue();
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> firstAlert(base)
        .path("annotations").path("muted_by").asText().equals("silence " + id));

    assertThat(send("DELETE", base + "/api/v1/silences/" + id, "", "").statusCode())
        .isEqualTo(401);
    assertThat(send("DELETE", base + "/api/v1/silences/" + id, "", "Bearer " + TOKEN)
        .statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(get(base + "/api/v1/silences")).at("/data/silences")).isEmpty();
  }

  @Test
  void silencesSurviveRestart() throws Exception {
    writeRules("rules:\n" + RULE.formatted("edi_feed_missing", "edi_feed_missing"));
    String base = start();
    send("POST", base + "/api/v1/silences", "{\"matchers\": {\"tenant\": \"=~ac.*\"},"
        + " \"endsAt\": \"" + IN_A_MONTH + "\"}", "Bearer " + TOKEN);
    stop();
    started.clear();

    String restarted = start();

    JsonNode silences = JSON.readTree(get(restarted + "/api/v1/silences")).at("/data/silences");
    assertThat(silences).singleElement()
        .satisfies(s -> assertThat(s.at("/matchers/tenant").asText()).isEqualTo("=~ac.*"));
  }

  @Test
  void rejectsInvalidSilence() throws Exception {
    writeRules("rules:\n" + RULE.formatted("edi_feed_missing", "edi_feed_missing"));
    String base = start();

    HttpResponse<String> response = send("POST", base + "/api/v1/silences",
        "{\"matchers\": {\"tenant\": \"acme\"}}", "Bearer " + TOKEN);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo(
        "invalid silence: endsAt is missing; every silence expires, e.g. \"endsAt\":"
            + " \"2027-01-05T08:00:00Z\"");
  }

  @Test
  void rejectsSilencesWithUnknownFieldsOrBadMatchers() throws Exception {
    writeRules("rules:\n" + RULE.formatted("edi_feed_missing", "edi_feed_missing"));
    String base = start();
    String ends = "\"endsAt\": \"" + Instant.now().plusSeconds(3600) + "\"";

    assertThat(rejection(base, "{\"matchers\": {\"tenant\": \"acme\"}, \"created_by\": \"ana\", "
        + ends + "}")).isEqualTo("invalid silence: unknown field \"created_by\"; a silence has"
            + " matchers, startsAt, endsAt, createdBy, comment");
    assertThat(rejection(base, "{\"matchers\": {\"\": \"acme\"}, " + ends + "}"))
        .startsWith("invalid silence: matcher name \"\" is not a label name");
    assertThat(rejection(base, "{\"matchers\": {\"tenant\": 7}, " + ends + "}"))
        .isEqualTo("invalid silence: matcher tenant must be a string, got 7");
    assertThat(rejection(base, "{\"matchers\": {\"tenant\": \"acme\"}, \"endsAt\":"
        + " \"+1000000000-12-31T23:59:59Z\"}")).contains("is more than 366 days away");
    assertThat(rejection(base, "{\"matchers\": ")).startsWith("invalid silence: the body is not"
        + " JSON (");
    HttpResponse<String> lowerCase = send("POST", base + "/api/v1/silences",
        "{\"matchers\": {\"tenant\": \"acme\"}, " + ends + "}", "bearer " + TOKEN);
    assertThat(lowerCase.statusCode()).isEqualTo(200);
    assertThat(Path.of("file-uploads")).as("upload folder of the body handler").doesNotExist();
  }

  private String rejection(String base, String body) throws Exception {
    HttpResponse<String> response = send("POST", base + "/api/v1/silences", body,
        "Bearer " + TOKEN);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    return JSON.readTree(response.body()).get("error").asText();
  }

  @Test
  void logsReadyAfterStarted() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger logger = (Logger) LoggerFactory.getLogger(AgentVerticle.class);
    logger.addAppender(logs);
    try {
      writeRules(SLO);
      String base = start();

      await().atMost(Duration.ofSeconds(10)).until(() ->
          send("GET", base + "/readyz", "", "").statusCode() == 200);
      List<String> lifecycle = logs.list.stream().map(ILoggingEvent::getFormattedMessage)
          .filter(message -> message.startsWith("agent started")
              || message.startsWith("agent ready"))
          .map(message -> message.startsWith("agent ready") ? "agent ready" : "agent started")
          .toList();
      assertThat(lifecycle).containsExactly("agent started", "agent ready");
    } finally {
      logger.detachAppender(logs);
    }
  }

  @Test
  void slosEndpointReportsBudget() throws Exception {
    writeRules(SLO);
    String base = start();

    await().atMost(Duration.ofSeconds(10)).until(() ->
        JSON.readTree(get(base + "/api/v1/slos")).at("/data/slos").size() == 1);
    JsonNode slo = JSON.readTree(get(base + "/api/v1/slos")).at("/data/slos/0");
    assertThat(slo.get("name").asText()).isEqualTo("edi_gateway_availability");
    assertThat(slo.get("errorBudgetRemainingRatio").asDouble()).isEqualTo(1.0);
    assertThat(slo.get("timeToExhaustionSeconds").isNull()).isTrue();
    assertThat(slo.get("burnRates")).extracting(w -> w.get("window").asText())
        .containsExactly("5m", "30m", "1h", "2h", "6h", "1d", "3d");
    assertThat(get(base + "/metrics"))
        .contains("freightwatch_slo_error_budget_remaining_ratio{slo=\"edi_gateway_availability\"}"
            + " 1.0");
  }

  @Test
  void reloadKeepsStateAndRejectsInvalidFiles() throws Exception {
    writeRules("rules:\n" + RULE.formatted("edi_feed_missing", "edi_feed_missing"));
    String base = start();
    await().atMost(Duration.ofSeconds(10)).until(() -> alerts(base).size() == 1);
    String activeAt = firstAlert(base).get("activeAt").asText();

    writeRules("rules:\n" + RULE.formatted("edi_feed_missing", "edi_feed_missing")
        + RULE.formatted("edi_feed_missing_again", "edi_feed_missing_again"));
    await().atMost(Duration.ofSeconds(10)).until(() -> alerts(base).size() == 2);
    assertThat(alerts(base)).filteredOn(a -> a.get("rule").asText().equals("edi_feed_missing"))
        .singleElement()
        .satisfies(a -> assertThat(a.get("activeAt").asText()).isEqualTo(activeAt));

    writeRules("rules:\n  - name: broken\n    signal: x\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> get(base + "/metrics")
        .contains("freightwatch_rules_last_reload_successful 0.0"));
    HttpResponse<String> manual = send("POST", base + "/api/v1/rules/reload", "",
        "Bearer " + TOKEN);
    assertThat(manual.statusCode()).isEqualTo(422);
    assertThat(manual.body()).contains("rules.yaml:2: rules[0]: missing threshold");
    assertThat(alerts(base)).hasSize(2);
  }

  private void writeRules(String text) throws Exception {
    Path rules = dir.resolve("rules");
    Files.createDirectories(rules);
    Path file = rules.resolve("rules.yaml");
    Path temporary = rules.resolve("rules.yaml.tmp");
    Files.writeString(temporary, text);
    Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private String start() throws Exception {
    Path file = dir.resolve("freightwatch.yaml");
    Files.writeString(file, """
        agent:
          listen: 127.0.0.1:0
          data_directory: data
        rules:
          directory: rules
          evaluation_interval: 200ms
          reload_check_interval: 200ms
        api:
          token: ${env:API_TOKEN}
        """);
    AgentConfig config = new ConfigLoader(Map.of("API_TOKEN", TOKEN)).load(file);
    Vertx vertx = Vertx.vertx(new VertxOptions()
        .setMaxEventLoopExecuteTime(200)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    started.add(vertx);
    AgentVerticle agent = new AgentVerticle(config, Clock.systemUTC(),
        (cfg, context, scheduler) -> Future.succeededFuture());
    vertx.deployVerticle(agent).await(30, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + agent.port();
  }

  private List<JsonNode> alerts(String base) throws Exception {
    List<JsonNode> result = new ArrayList<>();
    JSON.readTree(get(base + "/api/v1/alerts")).at("/data/alerts").forEach(result::add);
    return result;
  }

  private JsonNode firstAlert(String base) throws Exception {
    List<JsonNode> alerts = alerts(base);
    return alerts.isEmpty() ? JSON.createObjectNode() : alerts.get(0);
  }

  private String get(String url) throws Exception {
    return send("GET", url, "", "").body();
  }

  private HttpResponse<String> send(String method, String url, String body,
      String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10))
        .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (!authorization.isEmpty()) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
