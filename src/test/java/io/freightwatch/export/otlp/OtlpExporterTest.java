package io.freightwatch.export.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.freightwatch.config.ExportConfig;
import io.freightwatch.config.Secret;
import io.freightwatch.export.StoreSnapshot;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesStore;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.sdk.resources.Resource;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Exports store series to a local OTLP receiver that decodes each request with the
 * opentelemetry-proto classes, over HTTP/protobuf and over gRPC (HTTP/2 without TLS).
 */
class OtlpExporterTest {

  private static final Map<String, String> DOWNWARD_API =
      Map.of(
          "K8S_POD_NAME", "freightwatch-7d9f-abcde",
          "K8S_NAMESPACE_NAME", "monitoring",
          "K8S_NODE_NAME", "aks-system-001");

  private final Vertx vertx = Vertx.vertx();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private HttpServer collector;

  private record Received(
      String transport, String path, String contentType, ExportMetricsServiceRequest request) {}

  @BeforeEach
  void startCollector() throws Exception {
    collector =
        vertx
            .createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
            .requestHandler(request -> request.body().onSuccess(body -> handle(request, body)))
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void handle(HttpServerRequest request, Buffer body) {
    String contentType = String.valueOf(request.getHeader("content-type"));
    try {
      if (contentType.startsWith("application/grpc")) {
        int length = body.getInt(1);
        received.add(
            new Received(
                "grpc",
                request.path(),
                contentType,
                ExportMetricsServiceRequest.parseFrom(body.getBytes(5, 5 + length))));
        byte[] reply = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
        Buffer framed =
            Buffer.buffer().appendByte((byte) 0).appendInt(reply.length).appendBytes(reply);
        request
            .response()
            .putHeader("content-type", "application/grpc")
            .putTrailer("grpc-status", "0")
            .end(framed);
      } else {
        received.add(
            new Received(
                "http",
                request.path(),
                contentType,
                ExportMetricsServiceRequest.parseFrom(body.getBytes())));
        request
            .response()
            .putHeader("content-type", "application/x-protobuf")
            .end(Buffer.buffer(ExportMetricsServiceResponse.getDefaultInstance().toByteArray()));
      }
    } catch (Exception e) {
      request.response().setStatusCode(400).end(e.toString());
    }
  }

  private static StoreSnapshot snapshot() {
    SeriesStore store = new SeriesStore(Duration.ofMinutes(10));
    Labels acme = Labels.of("tenant", "acme", "channel", "root.carrier", "state", "pending");
    store.applyScrape(
        "odoo",
        List.of(
            Sample.gauge("freightwatch_odoo_queue_jobs", "Jobs by state.", 57, acme),
            Sample.counter(
                "freightwatch_odoo_queue_job_failures_total",
                "Failed jobs.",
                12,
                Labels.of("tenant", "acme", "channel", "root.carrier"))),
        Instant.parse("2026-05-04T10:00:00Z"));
    return StoreSnapshot.of(store);
  }

  private OtlpExporter exporter(ExportConfig.OtlpProtocol protocol, String path) {
    ExportConfig.Otlp config =
        new ExportConfig.Otlp(
            URI.create("http://127.0.0.1:" + collector.actualPort() + path),
            protocol,
            Duration.ofHours(1),
            Duration.ofSeconds(5),
            Map.of("x-api-key", new Secret("k-123", "env:OTLP_KEY")),
            ExportConfig.Temporality.CUMULATIVE,
            Map.of("deployment.environment", "test"));
    Resource resource = KubernetesResource.of(DOWNWARD_API, "0.1.0", config.resourceAttributes());
    return new OtlpExporter(config, resource, vertx);
  }

  @Test
  void exportsOverHttpProtobuf() {
    try (OtlpExporter exporter = exporter(ExportConfig.OtlpProtocol.HTTP_PROTOBUF, "/v1/metrics")) {
      exporter.publish(snapshot());
      assertThat(exporter.flush(10)).as("export succeeded").isTrue();
    }

    await().atMost(5, TimeUnit.SECONDS).until(() -> !received.isEmpty());
    Received first = received.get(0);
    assertThat(first.transport()).isEqualTo("http");
    assertThat(first.path()).isEqualTo("/v1/metrics");
    assertThat(first.contentType()).isEqualTo("application/x-protobuf");
    checkMetrics(first.request());
  }

  @Test
  void exportsOverGrpc() {
    try (OtlpExporter exporter = exporter(ExportConfig.OtlpProtocol.GRPC, "")) {
      exporter.publish(snapshot());
      assertThat(exporter.flush(10)).as("export succeeded").isTrue();
    }

    await().atMost(5, TimeUnit.SECONDS).until(() -> !received.isEmpty());
    Received first = received.get(0);
    assertThat(first.transport()).isEqualTo("grpc");
    assertThat(first.path())
        .isEqualTo("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export");
    checkMetrics(first.request());
  }

  private static void checkMetrics(ExportMetricsServiceRequest request) {
    assertThat(request.getResourceMetricsCount()).isEqualTo(1);
    var resourceMetrics = request.getResourceMetrics(0);
    Map<String, String> resource = attributes(resourceMetrics.getResource().getAttributesList());
    assertThat(resource)
        .containsEntry("service.name", "freightwatch")
        .containsEntry("service.version", "0.1.0")
        .containsEntry("k8s.pod.name", "freightwatch-7d9f-abcde")
        .containsEntry("k8s.namespace.name", "monitoring")
        .containsEntry("k8s.node.name", "aks-system-001")
        .containsEntry("service.instance.id", "freightwatch-7d9f-abcde")
        .containsEntry("deployment.environment", "test");
    Map<String, Metric> metrics = new TreeMap<>();
    resourceMetrics
        .getScopeMetricsList()
        .forEach(
            scope ->
                scope.getMetricsList().forEach(metric -> metrics.put(metric.getName(), metric)));
    assertThat(metrics)
        .containsOnlyKeys("freightwatch_odoo_queue_jobs", "freightwatch_odoo_queue_job_failures");

    Metric gauge = metrics.get("freightwatch_odoo_queue_jobs");
    assertThat(gauge.hasGauge()).isTrue();
    NumberDataPoint jobs = gauge.getGauge().getDataPoints(0);
    assertThat(jobs.getAsDouble()).isEqualTo(57);
    assertThat(attributes(jobs.getAttributesList()))
        .isEqualTo(Map.of("tenant", "acme", "channel", "root.carrier", "state", "pending"));

    Metric counter = metrics.get("freightwatch_odoo_queue_job_failures");
    assertThat(counter.hasSum()).isTrue();
    assertThat(counter.getSum().getIsMonotonic()).isTrue();
    assertThat(counter.getSum().getAggregationTemporality())
        .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    assertThat(counter.getSum().getDataPoints(0).getAsDouble()).isEqualTo(12);
  }

  private static Map<String, String> attributes(List<KeyValue> list) {
    Map<String, String> map = new TreeMap<>();
    list.forEach(kv -> map.put(kv.getKey(), kv.getValue().getStringValue()));
    return map;
  }
}
