package io.freightwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChunkedBodyTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void sendsLargeBodyWhole() throws Exception {
    // Larger than several chunks, written as single bytes and as runs longer than a chunk.
    byte[] expected = new byte[5 * ChunkedBody.CHUNK_BYTES + 123];
    new Random(7).nextBytes(expected);
    HttpServer server = vertx.createHttpServer()
        .requestHandler(request -> {
          ChunkedBody body = new ChunkedBody(request.response());
          for (int i = 0; i < 1000; i++) {
            body.write(expected[i]);
          }
          body.write(expected, 1000, 2 * ChunkedBody.CHUNK_BYTES);
          body.write(expected, 1000 + 2 * ChunkedBody.CHUNK_BYTES,
              expected.length - 1000 - 2 * ChunkedBody.CHUNK_BYTES);
          body.finish();
        })
        .listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    HttpResponse<byte[]> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/")).build(),
        HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    // Sent in chunks, so the length is not known up front.
    assertThat(response.headers().firstValue("content-length")).isEmpty();
    assertThat(response.body()).isEqualTo(expected);
  }
}
