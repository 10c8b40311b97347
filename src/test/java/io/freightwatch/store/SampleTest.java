package io.freightwatch.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SampleTest {

  private static final Labels ROOT = Labels.of("channel", "root");

  @Test
  void histogramSeriesShareFamilyName() {
    Sample bucket = Sample.histogram("x_seconds_bucket", "", 1, ROOT.with("le", "+Inf"));
    Sample sum = Sample.histogram("x_seconds_sum", "", 2, ROOT);
    Sample count = Sample.histogram("x_seconds_count", "", 1, ROOT);

    assertThat(bucket.familyName()).isEqualTo("x_seconds");
    assertThat(sum.familyName()).isEqualTo("x_seconds");
    assertThat(count.familyName()).isEqualTo("x_seconds");
  }

  @Test
  void summarySeriesShareFamilyName() {
    Sample quantile = Sample.summary("x_seconds", "", 0.5, ROOT.with("quantile", "0.99"));
    Sample count = Sample.summary("x_seconds_count", "", 4, ROOT);

    assertThat(quantile.familyName()).isEqualTo("x_seconds");
    assertThat(count.familyName()).isEqualTo("x_seconds");
  }

  @Test
  void gaugeKeepsSuffixInFamilyName() {
    assertThat(Sample.gauge("x_count", "", 1, ROOT).familyName()).isEqualTo("x_count");
  }

  @Test
  void rejectsBucketWithoutLe() {
    assertThatThrownBy(() -> Sample.histogram("x_seconds_bucket", "", 1, ROOT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a histogram series has the le label exactly when its name ends in _bucket;"
            + " got x_seconds_bucket{channel=\"root\"}");
  }

  @Test
  void rejectsHistogramWithoutSuffix() {
    assertThatThrownBy(() -> Sample.histogram("x_seconds", "", 1, ROOT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a histogram series name must end in _bucket, _sum or _count: x_seconds");
  }

  @Test
  void rejectsQuantileOnSummaryCount() {
    assertThatThrownBy(() -> Sample.summary("x_seconds_count", "", 1,
        ROOT.with("quantile", "0.5")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a summary series has either the quantile label or a name ending in _sum or"
            + " _count; got x_seconds_count{channel=\"root\",quantile=\"0.5\"}");
  }
}
