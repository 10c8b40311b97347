package io.freightwatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SignalCatalogueTest {

  private static final String HISTOGRAM = "freightwatch_odoo_queue_job_completion_seconds";
  private static final String SUMMARY = "freightwatch_traefik_service_latency_seconds";

  @Test
  void histogramSeriesAreKnown() {
    SignalCatalogue catalogue = SignalCatalogue.get();

    assertThat(catalogue.entries().get(HISTOGRAM).type()).isEqualTo("histogram");
    assertThat(catalogue.isKnown(HISTOGRAM + "_bucket")).isTrue();
    assertThat(catalogue.isKnown(HISTOGRAM + "_sum")).isTrue();
    assertThat(catalogue.isKnown(HISTOGRAM + "_count")).isTrue();
  }

  @Test
  void summarySeriesAreKnown() {
    SignalCatalogue catalogue = SignalCatalogue.get();

    assertThat(catalogue.entries().get(SUMMARY).type()).isEqualTo("summary");
    assertThat(catalogue.isKnown(SUMMARY)).isTrue();
    assertThat(catalogue.isKnown(SUMMARY + "_sum")).isTrue();
    assertThat(catalogue.isKnown(SUMMARY + "_count")).isTrue();
    assertThat(catalogue.isKnown(SUMMARY + "_bucket")).isFalse();
  }

  @Test
  void suffixOfGaugeIsUnknown() {
    SignalCatalogue catalogue = SignalCatalogue.get();

    assertThat(catalogue.isKnown("freightwatch_odoo_queue_jobs_count")).isFalse();
    assertThat(catalogue.isKnown("freightwatch_no_such_signal_bucket")).isFalse();
  }
}
