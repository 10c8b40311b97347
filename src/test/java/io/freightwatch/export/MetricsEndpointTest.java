package io.freightwatch.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesStore;
import io.freightwatch.testing.Promtool;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Renders the store in the format the scraper's Accept header names. */
class MetricsEndpointTest {

  private static MetricsEndpoint endpoint() {
    SeriesStore store = new SeriesStore(Duration.ofMinutes(10));
    store.applyScrape(
        "notify",
        List.of(
            Sample.gauge(
                "freightwatch_notifications_queued",
                "Waiting notifications.",
                3,
                Labels.of("receiver", "pagerduty")),
            Sample.counter(
                "freightwatch_notifications_total",
                "Notifications by outcome.",
                7,
                Labels.of("receiver", "pagerduty", "outcome", "delivered"))),
        Instant.parse("2026-05-04T10:00:00Z"));
    return new MetricsEndpoint(store);
  }

  private static String text(MetricsEndpoint.Rendered rendered) {
    return new String(rendered.body(), StandardCharsets.UTF_8);
  }

  @Test
  void rendersPrometheusTextByDefault() {
    MetricsEndpoint.Rendered rendered = endpoint().render(null);

    assertThat(rendered.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    assertThat(text(rendered))
        .contains("# TYPE freightwatch_notifications_queued gauge\n")
        .contains("freightwatch_notifications_queued{receiver=\"pagerduty\"} 3.0\n")
        .contains("# TYPE freightwatch_notifications_total counter\n")
        .contains(
            "freightwatch_notifications_total{outcome=\"delivered\",receiver=\"pagerduty\"}"
                + " 7.0\n")
        .doesNotContain("# EOF");
  }

  @Test
  void rendersOpenMetricsWhenAccepted() {
    MetricsEndpoint.Rendered rendered =
        endpoint()
            .render("application/openmetrics-text; version=1.0.0; charset=utf-8,text/plain;q=0.5");

    assertThat(rendered.contentType())
        .isEqualTo("application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertThat(text(rendered))
        .contains("# TYPE freightwatch_notifications counter\n")
        .contains(
            "freightwatch_notifications_total{outcome=\"delivered\",receiver=\"pagerduty\"}"
                + " 7.0\n")
        .endsWith("# EOF\n");
  }

  @Test
  void histogramsAndSummariesPassPromtool() throws Exception {
    Path promtool = Promtool.require();
    SeriesStore store = new SeriesStore(Duration.ofMinutes(10));
    Labels root = Labels.of("tenant", "acme", "channel", "root");
    Labels web = Labels.of("service", "odoo-acme-web@kubernetes");
    String job = "freightwatch_odoo_queue_job_run_seconds";
    String latency = "freightwatch_traefik_service_latency_seconds";
    store.applyScrape("a", List.of(
        Sample.histogram(job + "_bucket", "Run time.", 1, root.with("le", "1.0")),
        Sample.histogram(job + "_bucket", "Run time.", 3, root.with("le", "+Inf")),
        Sample.histogram(job + "_sum", "Run time.", 40.5, root),
        Sample.histogram(job + "_count", "Run time.", 3, root),
        Sample.summary(latency, "Latency.", 0.2, web.with("quantile", "0.95")),
        Sample.summary(latency, "Latency.", 0.7, web.with("quantile", "0.99")),
        Sample.summary(latency + "_count", "Latency.", 88, web),
        Sample.summary(latency + "_sum", "Latency.", 12.25, web),
        Sample.counter("freightwatch_notifications_total", "Notifications.", 7,
            Labels.of("receiver", "ops"))),
        Instant.parse("2026-05-04T10:00:00Z"));

    // promtool check metrics reads the Prometheus text format only, not OpenMetrics.
    byte[] body = new MetricsEndpoint(store).render(null).body();
    Process process = new ProcessBuilder(promtool.toString(), "check", "metrics")
        .redirectErrorStream(true)
        .start();
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(body);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor()).as("promtool exit, output:%n%s", output).isZero();
    assertThat(output).as("promtool problems").isEmpty();
    assertThat(new String(body, StandardCharsets.UTF_8))
        .contains("# TYPE " + job + " histogram\n")
        .contains("# TYPE " + latency + " summary\n");
  }

  @Test
  void exportsJvmAndProcessMetrics() {
    String body = text(endpoint().render(null));

    assertThat(body)
        .contains("# TYPE jvm_memory_used_bytes gauge\n")
        .contains("# TYPE jvm_threads_current gauge\n")
        .contains("# TYPE jvm_classes_currently_loaded gauge\n")
        .contains("# TYPE jvm_gc_collection_seconds summary\n")
        .contains("# TYPE jvm_buffer_pool_used_bytes gauge\n")
        .contains("# TYPE jvm_compilation_time_seconds_total counter\n")
        .contains("# TYPE jvm_runtime_info gauge\n")
        .contains("# TYPE process_cpu_seconds_total counter\n");
  }

  @Test
  void nativeMemoryMetricsOnlyWithNativeMemoryTracking() {
    boolean tracking = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .anyMatch(argument -> argument.startsWith("-XX:NativeMemoryTracking=")
            && !argument.equals("-XX:NativeMemoryTracking=off"));

    assertThat(MetricsEndpoint.tracksNativeMemory()).isEqualTo(tracking);
    assertThat(text(endpoint().render(null)).contains("jvm_native_memory_committed_bytes"))
        .isEqualTo(tracking);
  }
}
