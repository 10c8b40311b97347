package io.freightwatch.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.freightwatch.config.ReceiverConfig;
import io.freightwatch.config.Secret;
import io.freightwatch.notify.webhook.WebhookReceiver;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertEvent;
import io.freightwatch.rules.AlertState;
import io.freightwatch.rules.Fingerprints;
import io.freightwatch.store.LabelMatcher;
import io.freightwatch.store.Labels;
import io.freightwatch.store.SeriesStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Delivers to a real HTTP server on a loopback port that fails on demand. */
class NotificationDispatcherTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-03-10T14:00:00Z");

  private Vertx vertx;
  private HttpServer server;
  private final List<JsonNode> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile int failureStatus = 503;
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void startServer() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer()
        .requestHandler(request -> request.body().onSuccess(body -> {
          requests.incrementAndGet();
          if (failuresLeft.getAndDecrement() > 0) {
            request.response().setStatusCode(failureStatus).putHeader("Retry-After", "0")
                .end("{\"error\":\"try later\"}");
            return;
          }
          try {
            received.add(JSON.readTree(body.toString()));
          } catch (Exception e) {
            request.response().setStatusCode(400).end("bad json");
            return;
          }
          request.response().setStatusCode(200).end();
        }))
        .listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private NotificationDispatcher dispatcher(List<LabelMatcher> matchers) {
    ReceiverConfig config = new ReceiverConfig("ops", "webhook",
        new Secret("http://127.0.0.1:" + server.actualPort() + "/hook", "inline"), Map.of(),
        matchers, true, Duration.ofSeconds(2), Duration.ofMillis(20), Duration.ofMillis(100),
        Duration.ofMinutes(5));
    WebClient client = WebClient.create(vertx);
    Receiver receiver = new WebhookReceiver(config, client, "http://agent.example:9187");
    NotificationDispatcher[] holder = new NotificationDispatcher[1];
    vertx.runOnContext(v -> holder[0] = new NotificationDispatcher(vertx, Clock.systemUTC(),
        new SeriesStore(Duration.ofMinutes(10)), List.of(config), Map.of("ops", receiver)));
    await().atMost(5, TimeUnit.SECONDS).until(() -> holder[0] != null);
    return holder[0];
  }

  private static Alert alert(String tenant, AlertState state) {
    Labels labels = Labels.of("alertname", "carrier_label_backlog", "tenant", tenant,
        "severity", "critical");
    return new Alert(Fingerprints.of(labels), "carrier_label_backlog", labels,
        Map.of("summary", "labels for " + tenant + " are late", "runbook", "runbooks/x.md"),
        state, 120, T0, Optional.of(T0.plusSeconds(120)),
        state == AlertState.RESOLVED ? Optional.of(T0.plusSeconds(600)) : Optional.empty());
  }

  private void dispatch(NotificationDispatcher dispatcher, AlertEvent... events) {
    vertx.runOnContext(v -> dispatcher.dispatch(List.of(events)));
  }

  @Test
  void postsAlertmanagerWebhookPayload() {
    NotificationDispatcher dispatcher = dispatcher(List.of());

    dispatch(dispatcher, new AlertEvent(AlertEvent.Kind.FIRING, alert("acme", AlertState.FIRING)));

    await().atMost(5, TimeUnit.SECONDS).until(() -> received.size() == 1);
    JsonNode body = received.get(0);
    assertThat(body.get("version").asText()).isEqualTo("4");
    assertThat(body.get("status").asText()).isEqualTo("firing");
    assertThat(body.get("receiver").asText()).isEqualTo("ops");
    assertThat(body.get("externalURL").asText()).isEqualTo("http://agent.example:9187");
    assertThat(body.get("groupLabels").get("alertname").asText())
        .isEqualTo("carrier_label_backlog");
    assertThat(body.get("truncatedAlerts").asInt()).isZero();
    JsonNode alert = body.get("alerts").get(0);
    assertThat(alert.get("status").asText()).isEqualTo("firing");
    assertThat(alert.get("labels").get("tenant").asText()).isEqualTo("acme");
    assertThat(alert.get("annotations").get("summary").asText())
        .isEqualTo("labels for acme are late");
    assertThat(alert.get("startsAt").asText()).isEqualTo("2026-03-10T14:02:00Z");
    assertThat(alert.get("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
    assertThat(alert.get("fingerprint").asText()).hasSize(16);
  }

  @Test
  void retriesUntilReceiverRecovers() {
    failuresLeft.set(3);
    NotificationDispatcher dispatcher = dispatcher(List.of());

    dispatch(dispatcher,
        new AlertEvent(AlertEvent.Kind.FIRING, alert("acme", AlertState.FIRING)),
        new AlertEvent(AlertEvent.Kind.RESOLVED, alert("acme", AlertState.RESOLVED)));

    await().atMost(10, TimeUnit.SECONDS).until(() -> received.size() == 2);
    assertThat(requests.get()).isEqualTo(5);
    assertThat(received).extracting(b -> b.get("status").asText())
        .containsExactly("firing", "resolved");
    assertThat(received.get(1).get("alerts").get(0).get("endsAt").asText())
        .isEqualTo("2026-03-10T14:10:00Z");
  }

  @Test
  void doesNotRetryClientErrors() throws Exception {
    failuresLeft.set(1);
    failureStatus = 400;
    NotificationDispatcher dispatcher = dispatcher(List.of());

    dispatch(dispatcher,
        new AlertEvent(AlertEvent.Kind.FIRING, alert("acme", AlertState.FIRING)),
        new AlertEvent(AlertEvent.Kind.FIRING, alert("globex", AlertState.FIRING)));

    await().atMost(5, TimeUnit.SECONDS).until(() -> received.size() == 1);
    assertThat(received.get(0).get("alerts").get(0).get("labels").get("tenant").asText())
        .isEqualTo("globex");
    assertThat(requests.get()).isEqualTo(2);
  }

  @Test
  void routesOnlyMatchingAlerts() {
    NotificationDispatcher dispatcher =
        dispatcher(List.of(LabelMatcher.equal("tenant", "globex")));

    dispatch(dispatcher,
        new AlertEvent(AlertEvent.Kind.FIRING, alert("acme", AlertState.FIRING)),
        new AlertEvent(AlertEvent.Kind.FIRING, alert("globex", AlertState.FIRING)));

    await().atMost(5, TimeUnit.SECONDS).until(() -> received.size() == 1);
    assertThat(received.get(0).get("commonLabels").get("tenant").asText()).isEqualTo("globex");
  }
}
