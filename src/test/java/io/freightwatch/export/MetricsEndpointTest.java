package io.freightwatch.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesStore;
import java.nio.charset.StandardCharsets;
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
}
