package io.freightwatch.export.otlp;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One gRPC unary call per export over HTTP/2: cleartext with prior knowledge for {@code http://}
 * endpoints, TLS with ALPN for {@code https://}. The message is framed as gRPC requires (a
 * compressed flag, a 4-byte length, the protobuf), and the status is read from the trailers, or
 * from the headers of a trailers-only answer.
 */
final class VertxGrpcSender implements GrpcSender {

  private final GrpcSenderConfig config;
  private final HttpClient client;
  private final URI target;

  VertxGrpcSender(Vertx vertx, GrpcSenderConfig config) {
    this.config = config;
    URI endpoint = config.getEndpoint();
    boolean tls = "https".equalsIgnoreCase(endpoint.getScheme());
    HttpClientOptions options =
        new HttpClientOptions()
            .setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false)
            .setConnectTimeout((int) config.getConnectTimeout().toMillis());
    if (tls) {
      options.setSsl(true).setUseAlpn(true);
    }
    this.client = vertx.createHttpClient(options);
    String base = endpoint.toString().replaceAll("/+$", "");
    this.target = URI.create(base + "/" + config.getFullMethodName().replaceAll("^/", ""));
  }

  @Override
  public void send(
      MessageWriter message, Consumer<GrpcResponse> onResponse, Consumer<Throwable> onError) {
    Buffer body;
    try {
      body = frame(message);
    } catch (IOException e) {
      onError.accept(e);
      return;
    }
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(target.toString())
            .setTimeout(config.getTimeout().toMillis());
    client
        .request(options)
        .compose(
            request -> {
              request.putHeader("content-type", "application/grpc+proto");
              request.putHeader("te", "trailers");
              if (config.getCompressor() != null) {
                request.putHeader("grpc-encoding", config.getCompressor().getEncoding());
              }
              for (Map.Entry<String, List<String>> header :
                  config.getHeadersSupplier().get().entrySet()) {
                request.putHeader(header.getKey(), header.getValue());
              }
              return request.send(body);
            })
        .compose(response -> response.body().map(payload -> result(response, payload)))
        .onSuccess(onResponse::accept)
        .onFailure(onError::accept);
  }

  @Override
  public CompletableResultCode shutdown() {
    CompletableResultCode result = new CompletableResultCode();
    client.close().onComplete(done -> result.succeed());
    return result;
  }

  private Buffer frame(MessageWriter message) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(message.getContentLength());
    boolean compressed = config.getCompressor() != null;
    if (compressed) {
      try (OutputStream out = config.getCompressor().compress(bytes)) {
        message.writeMessage(out);
      }
    } else {
      message.writeMessage(bytes);
    }
    byte[] payload = bytes.toByteArray();
    Buffer buffer = Buffer.buffer(payload.length + 5);
    buffer.appendByte((byte) (compressed ? 1 : 0));
    buffer.appendInt(payload.length);
    buffer.appendBytes(payload);
    return buffer;
  }

  private static GrpcResponse result(HttpClientResponse response, Buffer payload) {
    MultiMap trailers = response.trailers();
    String status = trailers.get("grpc-status");
    String description = trailers.get("grpc-message");
    if (status == null) {
      status = response.getHeader("grpc-status");
      description = response.getHeader("grpc-message");
    }
    GrpcStatusCode code;
    if (status != null) {
      code = GrpcStatusCode.fromValue(Integer.parseInt(status.trim()));
    } else if (response.statusCode() != 200) {
      code = httpStatusToGrpc(response.statusCode());
      description = "HTTP " + response.statusCode();
    } else {
      code = GrpcStatusCode.UNKNOWN;
      description = "no grpc-status in the response";
    }
    String text = description == null ? "" : URLDecoder.decode(description, StandardCharsets.UTF_8);
    byte[] message = payload.length() > 5 ? payload.getBytes(5, payload.length()) : new byte[0];
    return new Response(code, text, message);
  }

  /** Maps an HTTP status without gRPC status to a gRPC code, as the gRPC HTTP/2 spec lists. */
  private static GrpcStatusCode httpStatusToGrpc(int status) {
    return switch (status) {
      case 400 -> GrpcStatusCode.INTERNAL;
      case 401 -> GrpcStatusCode.UNAUTHENTICATED;
      case 403 -> GrpcStatusCode.PERMISSION_DENIED;
      case 404 -> GrpcStatusCode.UNIMPLEMENTED;
      case 429, 502, 503, 504 -> GrpcStatusCode.UNAVAILABLE;
      default -> GrpcStatusCode.UNKNOWN;
    };
  }

  private record Response(GrpcStatusCode code, String description, byte[] message)
      implements GrpcResponse {
    @Override
    public GrpcStatusCode getStatusCode() {
      return code;
    }

    @Override
    public String getStatusDescription() {
      return description;
    }

    @Override
    public byte[] getResponseMessage() {
      return message;
    }
  }
}
