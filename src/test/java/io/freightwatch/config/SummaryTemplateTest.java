package io.freightwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryTemplateTest {

  private static SummaryTemplate.Values values(double value, Map<String, Double> signals) {
    return new SummaryTemplate.Values() {
      @Override
      public String label(String name) {
        return name.equals("tenant") ? "acme" : "";
      }

      @Override
      public double value() {
        return value;
      }

      @Override
      public double threshold() {
        return 50;
      }

      @Override
      public double signal(String name) {
        return signals.getOrDefault(name, Double.NaN);
      }
    };
  }

  @Test
  void formatsNumbersWithThreeDigits() {
    assertThat(SummaryTemplate.formatNumber(57)).isEqualTo("57");
    assertThat(SummaryTemplate.formatNumber(1000)).isEqualTo("1000");
    assertThat(SummaryTemplate.formatNumber(99.95)).isEqualTo("100");
    assertThat(SummaryTemplate.formatNumber(110.4)).isEqualTo("110");
    assertThat(SummaryTemplate.formatNumber(150.4)).isEqualTo("150");
    assertThat(SummaryTemplate.formatNumber(200.3)).isEqualTo("200");
    assertThat(SummaryTemplate.formatNumber(1000.2)).isEqualTo("1000");
    assertThat(SummaryTemplate.formatNumber(0.1267)).isEqualTo("0.127");
    assertThat(SummaryTemplate.formatNumber(2.5)).isEqualTo("2.5");
    assertThat(SummaryTemplate.formatNumber(-3.25)).isEqualTo("-3.25");
    assertThat(SummaryTemplate.formatNumber(Double.NaN)).isEqualTo("unknown");
  }

  @Test
  void rendersPlaceholdersAndFormats() {
    SummaryTemplate template = SummaryTemplate.parse("{{ $labels.tenant }}: {{ $value }} over"
        + " {{ $threshold }}, {{ signal \"ratio\" | percent }}, {{ signal \"age\" | duration }},"
        + " {{ signal \"size\" | bytes }}, {{ $value | round }}");

    String text = template.render(values(57.4, Map.of("ratio", 0.9995, "age", 1532.0,
        "size", 7_500_000.0)));

    assertThat(text).isEqualTo("acme: 57.4 over 50, 100%, 25m 32s, 7.2 MiB, 57");
  }

  @Test
  void durationKeepsTenthsBelowTenSeconds() {
    assertThat(SummaryTemplate.formatDuration(4.7)).isEqualTo("4.7s");
    assertThat(SummaryTemplate.formatDuration(4.04)).isEqualTo("4s");
    assertThat(SummaryTemplate.formatDuration(9.94)).isEqualTo("9.9s");
    assertThat(SummaryTemplate.formatDuration(9.96)).isEqualTo("10s");
    assertThat(SummaryTemplate.formatDuration(1.0)).isEqualTo("1s");
    assertThat(SummaryTemplate.formatDuration(0.9996)).isEqualTo("1s");
    assertThat(SummaryTemplate.formatDuration(0.35)).isEqualTo("350ms");
    assertThat(SummaryTemplate.formatDuration(0)).isEqualTo("0ms");
  }

  @Test
  void durationKeepsLongerFormsWhole() {
    assertThat(SummaryTemplate.formatDuration(10.4)).isEqualTo("10s");
    assertThat(SummaryTemplate.formatDuration(42.6)).isEqualTo("43s");
    assertThat(SummaryTemplate.formatDuration(1532)).isEqualTo("25m 32s");
    assertThat(SummaryTemplate.formatDuration(3900)).isEqualTo("1h 5m");
    assertThat(SummaryTemplate.formatDuration(2 * 86400 + 7200)).isEqualTo("2d 2h");
  }

  @Test
  void percentKeepsThreeDigits() {
    SummaryTemplate template = SummaryTemplate.parse("{{ $value | percent }}");

    assertThat(template.render(values(0.0523, Map.of()))).isEqualTo("5.23%");
    assertThat(template.render(values(0.3, Map.of()))).isEqualTo("30%");
  }

  @Test
  void unknownValuesRenderUnknown() {
    SummaryTemplate template =
        SummaryTemplate.parse("{{ $labels.warehouse }} {{ signal \"missing\" | duration }}");

    assertThat(template.render(values(1, Map.of()))).isEqualTo("unknown unknown");
  }

  @Test
  void rejectsUnknownPlaceholder() {
    assertThatThrownBy(() -> SummaryTemplate.parse("{{ $valu }}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("{{ $valu }} is not understood; use $labels.NAME, $value, $threshold or"
            + " signal \"metric_name\"");
    assertThatThrownBy(() -> SummaryTemplate.parse("{{ $value | humanize }}"))
        .hasMessageContaining("uses unknown format \"humanize\"");
    assertThatThrownBy(() -> SummaryTemplate.parse("{{ $value"))
        .hasMessage("placeholder \"{{ $value\" at character 1 is not closed; end it with }}");
  }

  @Test
  void rejectsPlaceholderClosedByNextOne() {
    assertThatThrownBy(() -> SummaryTemplate.parse(
        "Tenant {{ $labels.tenant has {{ $value | percent }} failed"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("placeholder \"{{ $labels.tenant has\" at character 8 is not closed before"
            + " the next {{ at character 30; end it with }}");
  }
}
