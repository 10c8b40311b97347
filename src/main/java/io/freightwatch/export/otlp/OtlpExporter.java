package io.freightwatch.export.otlp;

import io.freightwatch.config.ExportConfig;
import io.freightwatch.config.Secret;
import io.freightwatch.export.StoreSnapshot;
import io.freightwatch.store.MetricType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports every series of the store as OpenTelemetry metrics over OTLP (HTTP/protobuf or gRPC) with
 * the OpenTelemetry SDK. Gauges become gauges; counters become monotonic sums named without the
 * {@code _total} suffix, as OpenTelemetry names counters. Series labels become attributes. The
 * series of a histogram or summary are exported as the store contains them, one gauge per series name
 * ({@code _bucket} with an {@code le} attribute, {@code _sum}, {@code _count}, and the quantiles
 * with a {@code quantile} attribute).
 *
 * <p>The agent calls {@link #publish} on its event loop with a fresh {@link StoreSnapshot}; the
 * SDK's reader thread reads the latest one every export interval. Failed exports are logged by the
 * SDK and retried at the next interval.
 */
public final class OtlpExporter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OtlpExporter.class);

  private final SdkMeterProvider provider;
  private final Meter meter;
  private final Set<String> registered = new HashSet<>();
  private volatile StoreSnapshot snapshot = new StoreSnapshot(Map.of());

  /**
   * @param vertx used by the gRPC transport; unused for HTTP/protobuf
   * @param resource the agent's resource, see {@link KubernetesResource}
   */
  public OtlpExporter(ExportConfig.Otlp config, Resource resource, Vertx vertx) {
    MetricExporter exporter = exporter(config, vertx);
    this.provider =
        SdkMeterProvider.builder()
            .setResource(resource)
            .registerMetricReader(
                PeriodicMetricReader.builder(exporter).setInterval(config.interval()).build())
            .build();
    this.meter = provider.get("io.freightwatch");
    LOG.info(
        "OTLP export started endpoint={} protocol={} interval={} temporality={}",
        config.endpoint(),
        config.protocol().yamlName(),
        config.interval(),
        config.temporality());
  }

  /** Makes {@code latest} the data of the next export; call on the agent's event loop. */
  public void publish(StoreSnapshot latest) {
    snapshot = latest;
    for (StoreSnapshot.Family family : latest.families().values()) {
      if (registered.add(family.name())) {
        register(family);
      }
    }
  }

  /** Exports now and waits up to {@code timeoutSeconds}; blocks, so call it from a worker. */
  public boolean flush(long timeoutSeconds) {
    CompletableResultCode result = provider.forceFlush();
    return result.join(timeoutSeconds, TimeUnit.SECONDS).isSuccess();
  }

  /** Exports what is left and stops the SDK; blocks for up to 10 s, so call it from a worker. */
  @Override
  public void close() {
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }

  // NOTE: histograms reach OTLP as cumulative gauges, not as OTLP histogram points, because the
  // SDK's asynchronous instruments only record gauges and sums. A MetricProducer that builds
  // HistogramData from the snapshot (with its own deltas for the delta temporality) would fix this.
  private void register(StoreSnapshot.Family family) {
    String name = family.name();
    if (family.type() == MetricType.COUNTER) {
      String base = name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
      meter
          .counterBuilder(base)
          .ofDoubles()
          .setDescription(family.help())
          .buildWithCallback(
              measurement -> {
                StoreSnapshot.Family current = snapshot.families().get(name);
                if (current != null) {
                  current.points().forEach(p -> measurement.record(p.value(), attributes(p)));
                }
              });
    } else {
      meter
          .gaugeBuilder(name)
          .setDescription(family.help())
          .buildWithCallback(
              measurement -> {
                StoreSnapshot.Family current = snapshot.families().get(name);
                if (current != null) {
                  current.points().forEach(p -> measurement.record(p.value(), attributes(p)));
                }
              });
    }
  }

  private static Attributes attributes(StoreSnapshot.Point point) {
    AttributesBuilder builder = Attributes.builder();
    point.labels().forEach(builder::put);
    return builder.build();
  }

  private static MetricExporter exporter(ExportConfig.Otlp config, Vertx vertx) {
    AggregationTemporalitySelector temporality =
        config.temporality() == ExportConfig.Temporality.DELTA
            ? AggregationTemporalitySelector.deltaPreferred()
            : AggregationTemporalitySelector.alwaysCumulative();
    if (config.protocol() == ExportConfig.OtlpProtocol.GRPC) {
      VertxGrpcSenderProvider.useVertx(vertx);
      OtlpGrpcMetricExporterBuilder builder =
          OtlpGrpcMetricExporter.builder()
              .setEndpoint(config.endpoint().toString())
              .setTimeout(config.timeout())
              .setAggregationTemporalitySelector(temporality);
      for (Map.Entry<String, Secret> header : config.headers().entrySet()) {
        builder.addHeader(header.getKey(), header.getValue().reveal());
      }
      return builder.build();
    }
    OtlpHttpMetricExporterBuilder builder =
        OtlpHttpMetricExporter.builder()
            .setEndpoint(config.endpoint().toString())
            .setTimeout(config.timeout())
            .setAggregationTemporalitySelector(temporality);
    for (Map.Entry<String, Secret> header : config.headers().entrySet()) {
      builder.addHeader(header.getKey(), header.getValue().reveal());
    }
    return builder.build();
  }
}
