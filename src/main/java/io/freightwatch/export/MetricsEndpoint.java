package io.freightwatch.export;

import io.freightwatch.store.SeriesStore;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The agent's Prometheus registry: every stored series plus the JVM and process metrics, rendered
 * in the format named by the scraper's Accept header (Prometheus text 0.0.4 by default,
 * OpenMetrics 1.0 when requested).
 */
public final class MetricsEndpoint {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ExpositionFormats formats = ExpositionFormats.init();
  /** Size of the previous body, so the next one usually fits without growing the buffer. */
  private volatile int lastBodyBytes = 64 * 1024;

  public MetricsEndpoint(SeriesStore store) {
    registry.register(new StoreMetrics(store));
    JvmMetrics.builder().register(registry);
  }

  /** A rendered scrape: the body and its Content-Type. */
  public record Rendered(byte[] body, String contentType) {}

  /** Renders all metrics for a request with the given Accept header (may be null). */
  public Rendered render(String acceptHeader) {
    ExpositionFormatWriter writer = formats.findWriter(acceptHeader);
    ByteArrayOutputStream out = new ByteArrayOutputStream(lastBodyBytes + lastBodyBytes / 8);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException("rendering metrics failed", e);
    }
    lastBodyBytes = out.size();
    return new Rendered(out.toByteArray(), writer.getContentType());
  }
}
