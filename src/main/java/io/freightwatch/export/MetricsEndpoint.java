package io.freightwatch.export;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.freightwatch.store.SeriesStore;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmNativeMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;

/**
 * The agent's Prometheus registry: every stored series plus the JVM and process metrics, rendered
 * in the format named by the scraper's Accept header (Prometheus text 0.0.4 by default,
 * OpenMetrics 1.0 when requested).
 */
public final class MetricsEndpoint {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ExpositionFormats formats = ExpositionFormats.init();

  public MetricsEndpoint(SeriesStore store) {
    registry.register(new StoreMetrics(store));
    registerJvmMetrics(registry);
  }

  /**
   * Registers the client library's JVM and process metrics, the same set as its {@code
   * JvmMetrics}. The native memory metrics come only when the JVM tracks native memory. Without
   * tracking they export nothing, but their check starts the platform MBean server, which loaded
   * about 220 classes on JDK 17 (counted with {@code -Xlog:class+load}).
   */
  private static void registerJvmMetrics(PrometheusRegistry registry) {
    JvmThreadsMetrics.builder().register(registry);
    JvmBufferPoolMetrics.builder().register(registry);
    JvmClassLoadingMetrics.builder().register(registry);
    JvmCompilationMetrics.builder().register(registry);
    JvmGarbageCollectorMetrics.builder().register(registry);
    JvmMemoryPoolAllocationMetrics.builder().register(registry);
    JvmMemoryMetrics.builder().register(registry);
    if (tracksNativeMemory()) {
      JvmNativeMemoryMetrics.builder().register(registry);
    }
    JvmRuntimeInfoMetric.builder().register(registry);
    ProcessMetrics.builder().register(registry);
  }

  /**
   * Returns whether the JVM runs with native memory tracking (summary or detail). The HotSpot
   * diagnostic bean reads the flag without the platform MBean server. Other JVMs count as not
   * tracking.
   */
  static boolean tracksNativeMemory() {
    try {
      HotSpotDiagnosticMXBean hotspot =
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      return hotspot != null
          && !"off".equals(hotspot.getVMOption("NativeMemoryTracking").getValue());
    } catch (IllegalArgumentException noSuchOption) {
      return false;
    }
  }

  /** A rendered scrape: the body and its Content-Type. */
  public record Rendered(byte[] body, String contentType) {}

  /**
   * Renders all metrics for a request with the given Accept header (may be null) into one array,
   * for callers that need the whole body at once. The HTTP route streams it with {@link #write}.
   */
  public Rendered render(String acceptHeader) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      write(acceptHeader, out);
    } catch (IOException e) {
      throw new UncheckedIOException("rendering metrics failed", e);
    }
    return new Rendered(out.toByteArray(), contentType(acceptHeader));
  }

  /** Returns the Content-Type that {@link #write} uses for the given Accept header. */
  public String contentType(String acceptHeader) {
    return formats.findWriter(acceptHeader).getContentType();
  }

  /**
   * Writes all metrics for a request with the given Accept header to {@code out}, so that a
   * caller can send the body in pieces instead of holding all of it. With hundreds of tenants the
   * body is several megabytes, and holding it twice grew the heap at every scrape.
   */
  public void write(String acceptHeader, OutputStream out) throws IOException {
    formats.findWriter(acceptHeader).write(out, registry.scrape());
  }
}
