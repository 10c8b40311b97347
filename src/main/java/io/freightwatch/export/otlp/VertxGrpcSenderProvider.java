package io.freightwatch.export.otlp;

import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Lets the OTLP gRPC exporter send through Vert.x's HTTP/2 client. The SDK finds gRPC senders
 * through {@link java.util.ServiceLoader}; its own ones need OkHttp (with the Kotlin runtime) or
 * grpc-java, and the JDK HttpClient sender speaks HTTP only, because the JDK client does not expose
 * the HTTP/2 trailers that carry a gRPC status.
 */
public final class VertxGrpcSenderProvider implements GrpcSenderProvider {

  private static final AtomicReference<Vertx> VERTX = new AtomicReference<>();

  /** Sets the Vert.x instance that senders created from now on use. */
  static void useVertx(Vertx vertx) {
    VERTX.set(vertx);
  }

  @Override
  public GrpcSender createSender(GrpcSenderConfig config) {
    Vertx vertx = VERTX.get();
    if (vertx == null) {
      throw new IllegalStateException(
          "no Vert.x instance for the OTLP gRPC sender; create the"
              + " exporter through OtlpExporter");
    }
    return new VertxGrpcSender(vertx, config);
  }
}
