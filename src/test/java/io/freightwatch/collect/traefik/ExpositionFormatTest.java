package io.freightwatch.collect.traefik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExpositionFormatTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "text/plain; version=0.0.4; charset=utf-8",
        "text/plain; version=0.0.4; charset=utf-8; escaping=values",
        "text/plain; version=0.0.4; charset=utf-8; escaping=underscores",
        "TEXT/PLAIN;VERSION=0.0.4;Charset=UTF-8",
        "text/plain; version=\"0.0.4\"",
        "text/plain"
      })
  void picksPrometheusTextFromContentType(String header) {
    assertThat(ExpositionFormat.fromContentType(Optional.of(header)))
        .isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/openmetrics-text; version=1.0.0; charset=utf-8",
        "application/openmetrics-text; version=0.0.1; charset=utf-8",
        "application/openmetrics-text;version=1.0.0;escaping=underscores"
      })
  void picksOpenMetricsFromContentType(String header) {
    assertThat(ExpositionFormat.fromContentType(Optional.of(header)))
        .isEqualTo(ExpositionFormat.OPENMETRICS);
  }

  @Test
  void defaultsToTextWithoutContentType() {
    assertThat(ExpositionFormat.fromContentType(Optional.empty()))
        .isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
    assertThat(ExpositionFormat.fromContentType(Optional.of(" ")))
        .isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
  }

  @Test
  void rejectsUnsupportedContentTypes() {
    assertThatThrownBy(() -> ExpositionFormat.fromContentType(Optional.of("text/html")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unsupported Content-Type \"text/html\": media type text/html is not a text format;"
                + " expected text/plain; version=0.0.4 or application/openmetrics-text;"
                + " version=1.0.0");
    assertThatThrownBy(
            () -> ExpositionFormat.fromContentType(Optional.of("text/plain; version=1.0.0")))
        .hasMessage(
            "unsupported Content-Type \"text/plain; version=1.0.0\": version 1.0.0 is not"
                + " supported, only 0.0.4; expected text/plain; version=0.0.4 or"
                + " application/openmetrics-text; version=1.0.0");
    assertThatThrownBy(
            () ->
                ExpositionFormat.fromContentType(
                    Optional.of("text/plain; version=0.0.4; charset=iso-8859-1")))
        .hasMessage(
            "unsupported Content-Type \"text/plain; version=0.0.4; charset=iso-8859-1\": charset"
                + " iso-8859-1 is not supported, only utf-8; expected text/plain; version=0.0.4"
                + " or application/openmetrics-text; version=1.0.0");
  }
}
