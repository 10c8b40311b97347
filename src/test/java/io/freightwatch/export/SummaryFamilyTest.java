package io.freightwatch.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesStore;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Summaries built from the store's quantile, sum and count series. */
class SummaryFamilyTest {

  private static final Instant T0 = Instant.parse("2026-03-10T14:00:00Z");
  private static final String NAME = "freightwatch_request_latency_seconds";
  private static final Labels WEB = Labels.of("service", "web");

  private final SeriesStore store = new SeriesStore(Duration.ofMinutes(10));
  private final StoreMetrics metrics = new StoreMetrics(store);

  @Test
  void rendersQuantilesCountAndSum() throws IOException {
    store.applyScrape("a", List.of(
        Sample.summary(NAME, "help", 0.4, WEB.with("quantile", "0.95")),
        Sample.summary(NAME, "help", 0.9, WEB.with("quantile", "0.99")),
        Sample.summary(NAME + "_count", "help", 120, WEB),
        Sample.summary(NAME + "_sum", "help", 31.5, WEB)), T0);

    String text = render();

    assertThat(text).contains("# TYPE " + NAME + " summary\n")
        .contains(NAME + "{service=\"web\",quantile=\"0.95\"} 0.4\n")
        .contains(NAME + "{service=\"web\",quantile=\"0.99\"} 0.9\n")
        .contains(NAME + "_count{service=\"web\"} 120\n")
        .contains(NAME + "_sum{service=\"web\"} 31.5\n")
        .doesNotContain("# TYPE " + NAME + "_count")
        .doesNotContain("# TYPE " + NAME + "_sum");
  }

  @Test
  void rendersCountWithoutQuantiles() throws IOException {
    // A subject without requests in the window has no quantiles but keeps its count.
    store.applyScrape("a", List.of(Sample.summary(NAME + "_count", "help", 7, WEB)), T0);

    assertThat(render()).contains("# TYPE " + NAME + " summary\n")
        .contains(NAME + "_count{service=\"web\"} 7\n")
        .doesNotContain("quantile=");
  }

  @Test
  void leavesOutNaNQuantile() throws IOException {
    store.applyScrape("a", List.of(
        Sample.summary(NAME, "help", Double.NaN, WEB.with("quantile", "0.95")),
        Sample.summary(NAME, "help", 0.9, WEB.with("quantile", "0.99"))), T0);

    assertThat(render()).contains(NAME + "{service=\"web\",quantile=\"0.99\"} 0.9\n")
        .doesNotContain("quantile=\"0.95\"");
  }

  @Test
  void leavesOutQuantileOutsideZeroToOne() throws IOException {
    store.applyScrape("a", List.of(
        Sample.summary(NAME, "help", 3, WEB.with("quantile", "95")),
        Sample.summary(NAME + "_count", "help", 10, WEB)), T0);

    assertThat(render()).contains(NAME + "_count{service=\"web\"} 10\n")
        .doesNotContain("quantile=");
  }

  private String render() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExpositionFormats.init().getPrometheusTextFormatWriter().write(out, metrics.collect());
    return out.toString(StandardCharsets.UTF_8);
  }
}
