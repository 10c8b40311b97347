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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Histograms built from the store's cumulative bucket, sum and count series. */
class HistogramFamilyTest {

  private static final Instant T0 = Instant.parse("2026-03-10T14:00:00Z");
  private static final String NAME = "freightwatch_job_seconds";
  private static final Labels ACME = Labels.of("tenant", "acme", "channel", "root");

  private final SeriesStore store = new SeriesStore(Duration.ofMinutes(10));
  private final StoreMetrics metrics = new StoreMetrics(store);

  @Test
  void rendersOneHistogramFamily() throws IOException {
    store.applyScrape("a", histogram(ACME, new String[] {"1.0", "5.0", "+Inf"},
        new double[] {2, 3, 4}, 9.5, 4), T0);

    String text = render();

    assertThat(text).contains("# TYPE " + NAME + " histogram\n")
        .contains(NAME + "_bucket{channel=\"root\",tenant=\"acme\",le=\"1.0\"} 2\n")
        .contains(NAME + "_bucket{channel=\"root\",tenant=\"acme\",le=\"5.0\"} 3\n")
        .contains(NAME + "_bucket{channel=\"root\",tenant=\"acme\",le=\"+Inf\"} 4\n")
        .contains(NAME + "_count{channel=\"root\",tenant=\"acme\"} 4\n")
        .contains(NAME + "_sum{channel=\"root\",tenant=\"acme\"} 9.5\n")
        .doesNotContain("# TYPE " + NAME + "_bucket")
        .doesNotContain("# TYPE " + NAME + "_count")
        .doesNotContain("# TYPE " + NAME + "_sum");
  }

  @Test
  void bucketsStayCumulativeAndInfEqualsCount() throws IOException {
    // The 5.0 bucket is below the 1.0 bucket, as after a reset that reached the series unevenly.
    store.applyScrape("a", histogram(ACME, new String[] {"1.0", "5.0", "30.0", "+Inf"},
        new double[] {3, 2, 6, 7}, 40, 7), T0);

    List<Long> buckets = values(render(), NAME + "_bucket{");
    List<Long> count = values(render(), NAME + "_count{");

    assertThat(buckets).containsExactly(3L, 3L, 6L, 7L).isSorted();
    assertThat(count).containsExactly(buckets.get(buckets.size() - 1));
  }

  @Test
  void followsNewValuesOfCachedFamily() throws IOException {
    String[] bounds = {"1.0", "+Inf"};
    store.applyScrape("a", histogram(ACME, bounds, new double[] {1, 1}, 0.5, 1), T0);
    render();

    store.applyScrape("a", histogram(ACME, bounds, new double[] {1, 4}, 20, 4), T0.plusSeconds(15));

    assertThat(values(render(), NAME + "_bucket{")).containsExactly(1L, 4L);
    assertThat(render()).contains(NAME + "_sum{channel=\"root\",tenant=\"acme\"} 20.0\n");
  }

  @Test
  void leavesOutDataPointWithNaNBucket() throws IOException {
    Labels globex = Labels.of("tenant", "globex", "channel", "root");
    List<Sample> samples = new ArrayList<>(histogram(ACME, new String[] {"1.0", "+Inf"},
        new double[] {Double.NaN, 2}, 3, 2));
    samples.addAll(histogram(globex, new String[] {"1.0", "+Inf"}, new double[] {1, 2}, 3, 2));
    store.applyScrape("a", samples, T0);

    String text = render();

    assertThat(text).doesNotContain("tenant=\"acme\"")
        .contains(NAME + "_count{channel=\"root\",tenant=\"globex\"} 2\n");
  }

  @Test
  void leavesOutDataPointWithoutInfBucket() throws IOException {
    store.applyScrape("a", histogram(ACME, new String[] {"1.0", "5.0"},
        new double[] {1, 2}, 3, 2), T0);

    String text = render();

    assertThat(text).doesNotContain(NAME);
  }

  @Test
  void omitsUnknownSum() throws IOException {
    List<Sample> samples = new ArrayList<>(histogram(ACME, new String[] {"+Inf"},
        new double[] {5}, Double.NaN, 5));
    store.applyScrape("a", samples, T0);

    assertThat(render()).contains(NAME + "_count{channel=\"root\",tenant=\"acme\"} 5\n")
        .doesNotContain(NAME + "_sum");
  }

  @Test
  void parsesBoundsAsPrometheusWritesThem() {
    assertThat(HistogramFamily.parseBound("+Inf")).contains(Double.POSITIVE_INFINITY);
    assertThat(HistogramFamily.parseBound("300")).contains(300.0);
    assertThat(HistogramFamily.parseBound("0.25")).contains(0.25);
    assertThat(HistogramFamily.parseBound("1e3")).contains(1000.0);
    assertThat(HistogramFamily.parseBound("")).isEmpty();
    assertThat(HistogramFamily.parseBound("NaN")).isEmpty();
    assertThat(HistogramFamily.parseBound("fast")).isEmpty();
  }

  private static List<Sample> histogram(
      Labels labels, String[] bounds, double[] cumulative, double sum, double count) {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < bounds.length; i++) {
      samples.add(Sample.histogram(NAME + "_bucket", "help", cumulative[i],
          labels.with("le", bounds[i])));
    }
    samples.add(Sample.histogram(NAME + "_sum", "help", sum, labels));
    samples.add(Sample.histogram(NAME + "_count", "help", count, labels));
    return samples;
  }

  private String render() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExpositionFormats.init().getPrometheusTextFormatWriter().write(out, metrics.collect());
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Returns the values of the lines that start with {@code prefix}, in order. */
  private static List<Long> values(String text, String prefix) {
    List<Long> values = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith(prefix)) {
        values.add(Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return values;
  }
}
