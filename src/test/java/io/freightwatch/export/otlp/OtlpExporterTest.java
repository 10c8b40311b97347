package io.freightwatch.export.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
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
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.sdk.resources.Resource;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

  private static final Instant T0 = Instant.parse("2026-05-04T10:00:00Z");
  private static final String WAIT_SECONDS = "freightwatch_odoo_queue_job_wait_seconds";
  private static final String LATENCY_SECONDS = "freightwatch_traefik_service_latency_seconds";
  private static final Map<String, String> CHANNEL =
      Map.of("tenant", "acme", "channel", "root.carrier");

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
    return exporter(protocol, path, ExportConfig.Temporality.CUMULATIVE);
  }

  private OtlpExporter exporter(
      ExportConfig.OtlpProtocol protocol, String path, ExportConfig.Temporality temporality) {
    ExportConfig.Otlp config =
        new ExportConfig.Otlp(
            URI.create("http://127.0.0.1:" + collector.actualPort() + path),
            protocol,
            Duration.ofHours(1),
            Duration.ofSeconds(5),
            Map.of("x-api-key", new Secret("k-123", "env:OTLP_KEY")),
            temporality,
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

  @Test
  void exportsHistogramAsOtlpHistogram() {
    try (OtlpExporter exporter = exporter(ExportConfig.OtlpProtocol.HTTP_PROTOBUF, "/v1/metrics")) {
      exporter.publish(histogramSnapshot(new double[] {2, 3, 4}, 9.5, T0));
      assertThat(exporter.flush(10)).as("export succeeded").isTrue();
    }

    await().atMost(5, TimeUnit.SECONDS).until(() -> !received.isEmpty());
    Map<String, Metric> metrics = metrics(received.get(0).request());
    assertThat(metrics)
        .containsOnlyKeys(
            "freightwatch_odoo_queue_jobs",
            "freightwatch_odoo_queue_job_failures",
            WAIT_SECONDS,
            LATENCY_SECONDS);
    Metric metric = metrics.get(WAIT_SECONDS);
    assertThat(metric.hasHistogram()).as("sent as an OTLP histogram").isTrue();
    assertThat(metric.getDescription()).isEqualTo("Time jobs waited before they started.");
    assertThat(metric.getHistogram().getAggregationTemporality())
        .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    assertThat(metric.getHistogram().getDataPointsCount()).isEqualTo(1);
    HistogramDataPoint point = metric.getHistogram().getDataPoints(0);
    assertThat(point.getExplicitBoundsList()).containsExactly(1.0, 5.0);
    assertThat(point.getBucketCountsList()).containsExactly(2L, 1L, 1L);
    assertThat(point.getCount()).isEqualTo(4);
    assertThat(point.getSum()).isEqualTo(9.5);
    assertThat(attributes(point.getAttributesList())).isEqualTo(CHANNEL);
    assertThat(received.get(0).request().getResourceMetrics(0).getScopeMetricsList())
        .extracting(scope -> scope.getScope().getName())
        .containsOnly("io.freightwatch");
    checkGaugeAndCounter(metrics);
  }

  @Test
  void exportsSummaryAsOtlpSummary() {
    try (OtlpExporter exporter = exporter(ExportConfig.OtlpProtocol.GRPC, "")) {
      exporter.publish(histogramSnapshot(new double[] {2, 3, 4}, 9.5, T0));
      assertThat(exporter.flush(10)).as("export succeeded").isTrue();
    }

    await().atMost(5, TimeUnit.SECONDS).until(() -> !received.isEmpty());
    Map<String, Metric> metrics = metrics(received.get(0).request());
    Metric metric = metrics.get(LATENCY_SECONDS);
    assertThat(metric.hasSummary()).as("sent as an OTLP summary").isTrue();
    assertThat(metric.getSummary().getDataPointsCount()).isEqualTo(1);
    SummaryDataPoint point = metric.getSummary().getDataPoints(0);
    assertThat(point.getQuantileValuesList())
        .extracting(
            SummaryDataPoint.ValueAtQuantile::getQuantile,
            SummaryDataPoint.ValueAtQuantile::getValue)
        .containsExactly(tuple(0.5, 0.012), tuple(0.99, 0.25));
    assertThat(point.getCount()).isEqualTo(120);
    assertThat(point.getSum()).isEqualTo(3.5);
    assertThat(attributes(point.getAttributesList())).isEqualTo(Map.of("service", "api@docker"));
    checkGaugeAndCounter(metrics);
  }

  @Test
  void summaryWithoutCountOrSumSendsZero() {
    SeriesStore store = new SeriesStore(Duration.ofMinutes(10));
    Labels service = Labels.of("service", "web@docker");
    store.applyScrape(
        "traefik",
        List.of(
            Sample.summary(LATENCY_SECONDS, "", 0.03, service.with("quantile", "0.9")),
            Sample.summary(LATENCY_SECONDS, "", Double.NaN, service.with("quantile", "0.99"))),
        T0);
    try (OtlpExporter exporter = exporter(ExportConfig.OtlpProtocol.HTTP_PROTOBUF, "/v1/metrics")) {
      exporter.publish(StoreSnapshot.of(store));
      assertThat(exporter.flush(10)).as("export succeeded").isTrue();
    }

    await().atMost(5, TimeUnit.SECONDS).until(() -> !received.isEmpty());
    Map<String, Metric> metrics = metrics(received.get(0).request());
    assertThat(metrics).containsOnlyKeys(LATENCY_SECONDS);
    SummaryDataPoint point = metrics.get(LATENCY_SECONDS).getSummary().getDataPoints(0);
    assertThat(point.getQuantileValuesList())
        .extracting(
            SummaryDataPoint.ValueAtQuantile::getQuantile,
            SummaryDataPoint.ValueAtQuantile::getValue)
        .as("the quantile without a value is left out")
        .containsExactly(tuple(0.9, 0.03));
    assertThat(point.getCount()).isZero();
    assertThat(point.getSum()).isZero();
  }

  @Test
  void deltaHistogramSendsIncreaseSinceLastExport() {
    try (OtlpExporter exporter =
        exporter(
            ExportConfig.OtlpProtocol.HTTP_PROTOBUF,
            "/v1/metrics",
            ExportConfig.Temporality.DELTA)) {
      exporter.publish(histogramSnapshot(new double[] {2, 3, 4}, 9.5, T0));
      assertThat(exporter.flush(10)).as("first export succeeded").isTrue();
      exporter.publish(histogramSnapshot(new double[] {5, 7, 10}, 30, T0.plusSeconds(60)));
      assertThat(exporter.flush(10)).as("second export succeeded").isTrue();
      // The source restarted: every count is below the previous export's.
      exporter.publish(histogramSnapshot(new double[] {1, 1, 2}, 0.75, T0.plusSeconds(120)));
      assertThat(exporter.flush(10)).as("third export succeeded").isTrue();
    }

    await().atMost(5, TimeUnit.SECONDS).until(() -> received.size() >= 3);
    List<HistogramDataPoint> points = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Metric metric = metrics(received.get(i).request()).get(WAIT_SECONDS);
      assertThat(metric.getHistogram().getAggregationTemporality())
          .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA);
      points.add(metric.getHistogram().getDataPoints(0));
    }

    assertThat(points.get(0).getBucketCountsList()).containsExactly(2L, 1L, 1L);
    assertThat(points.get(0).getCount()).isEqualTo(4);
    assertThat(points.get(0).getSum()).isEqualTo(9.5);

    HistogramDataPoint increase = points.get(1);
    assertThat(increase.getExplicitBoundsList()).containsExactly(1.0, 5.0);
    assertThat(increase.getBucketCountsList()).containsExactly(3L, 1L, 2L);
    assertThat(increase.getCount()).isEqualTo(6);
    assertThat(increase.getSum()).isEqualTo(20.5);
    assertThat(increase.getStartTimeUnixNano()).isEqualTo(points.get(0).getTimeUnixNano());
    assertThat(attributes(increase.getAttributesList())).isEqualTo(CHANNEL);

    HistogramDataPoint afterReset = points.get(2);
    assertThat(afterReset.getBucketCountsList()).containsExactly(1L, 0L, 1L);
    assertThat(afterReset.getCount()).isEqualTo(2);
    assertThat(afterReset.getSum()).isEqualTo(0.75);
    assertThat(afterReset.getStartTimeUnixNano()).isEqualTo(increase.getTimeUnixNano());
  }

  /**
   * Returns the gauge and counter of {@link #snapshot()} with a histogram whose {@code le="1"},
   * {@code "5"} and {@code "+Inf"} buckets have the cumulative counts {@code buckets}, and a
   * summary.
   */
  private static StoreSnapshot histogramSnapshot(double[] buckets, double sum, Instant time) {
    SeriesStore store = new SeriesStore(Duration.ofMinutes(10));
    Labels acme = Labels.of("tenant", "acme", "channel", "root.carrier", "state", "pending");
    Labels channel = Labels.of(CHANNEL);
    String help = "Time jobs waited before they started.";
    Labels service = Labels.of("service", "api@docker");
    String latencyHelp = "Request latency by service.";
    store.applyScrape(
        "odoo",
        List.of(
            Sample.gauge("freightwatch_odoo_queue_jobs", "Jobs by state.", 57, acme),
            Sample.counter(
                "freightwatch_odoo_queue_job_failures_total", "Failed jobs.", 12, channel),
            Sample.histogram(WAIT_SECONDS + "_bucket", help, buckets[0], channel.with("le", "1")),
            Sample.histogram(WAIT_SECONDS + "_bucket", help, buckets[1], channel.with("le", "5")),
            Sample.histogram(
                WAIT_SECONDS + "_bucket", help, buckets[2], channel.with("le", "+Inf")),
            Sample.histogram(WAIT_SECONDS + "_sum", help, sum, channel),
            Sample.histogram(WAIT_SECONDS + "_count", help, buckets[2], channel),
            Sample.summary(LATENCY_SECONDS, latencyHelp, 0.25, service.with("quantile", "0.99")),
            Sample.summary(LATENCY_SECONDS, latencyHelp, 0.012, service.with("quantile", "0.5")),
            Sample.summary(LATENCY_SECONDS + "_sum", latencyHelp, 3.5, service),
            Sample.summary(LATENCY_SECONDS + "_count", latencyHelp, 120, service)),
        time);
    return StoreSnapshot.of(store);
  }

  private static Map<String, Metric> metrics(ExportMetricsServiceRequest request) {
    Map<String, Metric> metrics = new TreeMap<>();
    request
        .getResourceMetricsList()
        .forEach(
            resource ->
                resource
                    .getScopeMetricsList()
                    .forEach(
                        scope ->
                            scope
                                .getMetricsList()
                                .forEach(metric -> metrics.put(metric.getName(), metric))));
    return metrics;
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
    Map<String, Metric> metrics = metrics(request);
    assertThat(metrics)
        .containsOnlyKeys("freightwatch_odoo_queue_jobs", "freightwatch_odoo_queue_job_failures");
    checkGaugeAndCounter(metrics);
  }

  private static void checkGaugeAndCounter(Map<String, Metric> metrics) {
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
