package io.freightwatch.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * An HTTP server on a free loopback port that records every request with the test clock's time and
 * answers with whatever the test's responder returns (200 with an empty body by default).
 */
public final class RecordingServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final Clock clock;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile Function<Request, Response> responder = request -> Response.of(200, "");

  public RecordingServer(Clock clock) {
    this.clock = clock;
    try {
      server =
          vertx
              .createHttpServer()
              .requestHandler(
                  request ->
                      request
                          .body()
                          .onSuccess(
                              body -> {
                                Request recorded =
                                    new Request(
                                        request.method().name(),
                                        request.uri(),
                                        MultiMap.caseInsensitiveMultiMap()
                                            .addAll(request.headers()),
                                        body.toString(),
                                        clock.instant());
                                requests.add(recorded);
                                Response response = responder.apply(recorded);
                                var reply = request.response().setStatusCode(response.status());
                                response.headers().forEach(reply::putHeader);
                                reply.end(response.body());
                              }))
              .listen(0, "127.0.0.1")
              .await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("recording server did not start", e);
    }
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  public void respond(Function<Request, Response> responder) {
    this.responder = responder;
  }

  public List<Request> requests() {
    return new ArrayList<>(requests);
  }

  @Override
  public void close() {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("recording server did not stop", e);
    }
  }

  /** One received request. */
  public record Request(String method, String uri, MultiMap headers, String body, Instant at) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (Exception e) {
        throw new AssertionError("request body is not JSON: " + body, e);
      }
    }
  }

  /** The answer to one request. */
  public record Response(int status, Map<String, String> headers, String body) {
    public static Response of(int status, String body) {
      return new Response(status, Map.of(), body);
    }

    public static Response of(int status, String body, String header, String value) {
      return new Response(status, Map.of(header, value), body);
    }
  }
}
