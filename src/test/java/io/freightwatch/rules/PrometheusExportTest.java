package io.freightwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.store.LabelMatcher;
import io.freightwatch.store.Labels;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusExportTest {

  @Test
  void wholeBoundMatchesBothSpellings() {
    LabelMatcher matcher = PrometheusExport.leMatcher(300);

    assertThat(matcher.operator()).isEqualTo(LabelMatcher.Operator.REGEX);
    assertThat(matcher.matches(Labels.of("le", "300"))).isTrue();
    assertThat(matcher.matches(Labels.of("le", "300.0"))).isTrue();
    assertThat(matcher.matches(Labels.of("le", "3000"))).isFalse();
    assertThat(matcher.matches(Labels.of("le", "300x0"))).isFalse();
  }

  @Test
  void fractionalBoundMatchesExactly() {
    LabelMatcher matcher = PrometheusExport.leMatcher(0.25);

    assertThat(matcher).isEqualTo(LabelMatcher.equal("le", "0.25"));
  }

  @Test
  void selectorQuotesBoundRegex() {
    String selector = PrometheusExport.selector("x_bucket",
        List.of(PrometheusExport.leMatcher(300)));

    assertThat(selector).isEqualTo("x_bucket{le=~`300|300\\.0`}");
  }
}
