package io.freightwatch.export.otlp;

import io.freightwatch.config.ExportConfig;
import io.freightwatch.config.Secret;
import io.freightwatch.export.StoreSnapshot;
import io.freightwatch.store.MetricType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporterBuilder;
import io.opentelemetry.sdk.common.Clock;
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
 * the OpenTelemetry SDK. Gauges become gauges, and counters become monotonic sums named without the
 * {@code _total} suffix, as OpenTelemetry names counters. Series labels become attributes.
 *
 * <p>Each histogram family becomes one OTLP Histogram named after the family, with one data point
 * per label set without {@code le}. Its explicit bounds are the {@code le} values without {@code
 * +Inf}, its bucket counts are the counts of each bucket alone derived from the cumulative {@code
 * _bucket} series, its count is the {@code +Inf} bucket and its sum comes from {@code _sum}. A data
 * point without a {@code _sum} series is sent with sum 0, because SDK 1.68 always writes the sum.
 * Histograms follow the configured temporality: with {@link ExportConfig.Temporality#DELTA} each
 * point carries the increase since the previous export, see {@link HistogramSummaryProducer}.
 *
 * <p>Each summary family becomes one OTLP Summary, always cumulative, with one data point per label
 * set without {@code quantile}: the quantile values, the count from {@code _count} and the sum from
 * {@code _sum}. A quantile without a value is left out. OTLP requires a count and a sum, so a data
 * point without a {@code _count} or {@code _sum} series is sent with 0 in its place.
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
    HistogramSummaryProducer producer =
        new HistogramSummaryProducer(() -> snapshot, config.temporality(), Clock.getDefault());
    this.provider =
        SdkMeterProvider.builder()
            .setResource(resource)
            .registerMetricReader(
                PeriodicMetricReader.builder(exporter).setInterval(config.interval()).build())
            .registerMetricProducer(producer)
            .build();
    this.meter = provider.get(HistogramSummaryProducer.SCOPE.getName());
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
      // The producer exports the series of histograms and summaries grouped into their families.
      boolean isScalar = family.type() == MetricType.GAUGE || family.type() == MetricType.COUNTER;
      if (isScalar && registered.add(family.name())) {
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
    return HistogramSummaryProducer.attributes(point.labels());
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
