package io.freightwatch.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OdooHttpStandInTest {

  private final Set<String> hung = ConcurrentHashMap.newKeySet();
  private Vertx vertx;
  private WebClient client;
  private OdooHttpStandIn standIn;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    standIn = await(OdooHttpStandIn.start(vertx, 0, List.of("acme", "globex"), hung::contains));
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    await(vertx.close());
  }

  @Test
  void healthRepliesLikeOdoo() throws Exception {
    HttpResponse<Buffer> plain = get(standIn.baseUrl("acme") + "/web/health");
    HttpResponse<Buffer> withDatabase =
        get(standIn.baseUrl("acme") + "/web/health?db_server_status=1");

    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(plain.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(plain.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(plain.bodyAsJsonObject().getMap()).isEqualTo(Map.of("status", "pass"));
    assertThat(withDatabase.bodyAsJsonObject().getBoolean("db_server_status")).isTrue();
  }

  @Test
  void unknownPathsAreNotFound() throws Exception {
    assertThat(get(standIn.baseUrl("initech") + "/web/health").statusCode()).isEqualTo(404);
    assertThat(get(standIn.baseUrl("acme") + "/web/login").statusCode()).isEqualTo(404);
  }

  @Test
  void hungTenantNeverReplies() throws Exception {
    hung.add("acme");

    assertThatThrownBy(() -> client.getAbs(standIn.baseUrl("acme") + "/web/health").send()
        .toCompletionStage().toCompletableFuture().get(500, TimeUnit.MILLISECONDS))
        .isInstanceOf(TimeoutException.class);
    assertThat(get(standIn.baseUrl("globex") + "/web/health").statusCode()).isEqualTo(200);
    assertThat(standIn.unansweredRequests()).isEqualTo(1);

    hung.remove("acme");
    assertThat(get(standIn.baseUrl("acme") + "/web/health").statusCode()).isEqualTo(200);
  }

  private HttpResponse<Buffer> get(String url) throws Exception {
    return await(client.getAbs(url).send());
  }

  private static <T> T await(Future<T> future)
      throws InterruptedException, ExecutionException, TimeoutException {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
