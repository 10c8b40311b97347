package io.freightwatch.collect.traefik;

import static io.freightwatch.collect.traefik.ExpositionFormat.OPENMETRICS;
import static io.freightwatch.collect.traefik.ExpositionFormat.PROMETHEUS_TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpositionParserTest {

  private static final String TRAEFIK_TEXT =
      """
      # HELP process_start_time_seconds Start time of the process since unix epoch in seconds.
      # TYPE process_start_time_seconds gauge
      process_start_time_seconds 1.74100000012e+09
      # HELP traefik_service_requests_total How many HTTP requests processed on a service, \
      partitioned by status code, protocol, and method.
      # TYPE traefik_service_requests_total counter
      traefik_service_requests_total{code="200",method="GET",protocol="http",service="odoo@docker"} 1250
      traefik_service_requests_total{code="502",method="POST",protocol="http",service="odoo@docker"} 17
      # HELP traefik_service_request_duration_seconds How long it took to process the request.
      # TYPE traefik_service_request_duration_seconds histogram
      traefik_service_request_duration_seconds_bucket{code="200",method="GET",protocol="http",service="odoo@docker",le="0.1"} 812
      traefik_service_request_duration_seconds_bucket{code="200",method="GET",protocol="http",service="odoo@docker",le="+Inf"} 990
      traefik_service_request_duration_seconds_sum{code="200",method="GET",protocol="http",service="odoo@docker"} 143.2
      traefik_service_request_duration_seconds_count{code="200",method="GET",protocol="http",service="odoo@docker"} 990
      """;

  @Test
  void parsesTraefikTextIntoFamilies() {
    Exposition exposition = ExpositionParser.parse(TRAEFIK_TEXT, PROMETHEUS_TEXT);

    assertThat(exposition.families())
        .extracting(MetricFamily::name)
        .containsExactly(
            "process_start_time_seconds",
            "traefik_service_requests_total",
            "traefik_service_request_duration_seconds");
    MetricFamily requests = exposition.family("traefik_service_requests_total").orElseThrow();
    assertThat(requests.type()).isEqualTo(FamilyType.COUNTER);
    assertThat(requests.help())
        .isEqualTo(
            "How many HTTP requests processed on a service, partitioned by status code,"
                + " protocol, and method.");
    assertThat(requests.samples()).hasSize(2);
    ParsedSample errors = requests.samples().get(1);
    assertThat(errors.labels())
        .isEqualTo(
            LabelSet.of(
                "code", "502", "method", "POST", "protocol", "http", "service", "odoo@docker"));
    assertThat(errors.value()).isEqualTo(17.0);
    assertThat(errors.timestampMillis()).isEmpty();
    assertThat(exposition.samples("process_start_time_seconds").get(0).value())
        .isEqualTo(1.74100000012e+09);
  }

  @Test
  void groupsHistogramSamplesIntoOneFamily() {
    Exposition exposition = ExpositionParser.parse(TRAEFIK_TEXT, PROMETHEUS_TEXT);

    MetricFamily duration =
        exposition.family("traefik_service_request_duration_seconds").orElseThrow();
    assertThat(duration.type()).isEqualTo(FamilyType.HISTOGRAM);
    assertThat(duration.samples())
        .extracting(ParsedSample::name)
        .containsExactly(
            "traefik_service_request_duration_seconds_bucket",
            "traefik_service_request_duration_seconds_bucket",
            "traefik_service_request_duration_seconds_sum",
            "traefik_service_request_duration_seconds_count");
    assertThat(duration.samples().get(1).labels().get("le")).isEqualTo("+Inf");
    assertThat(exposition.samples("traefik_service_request_duration_seconds_bucket")).hasSize(2);
    assertThat(exposition.sampleCount()).isEqualTo(7);
  }

  @Test
  void resolvesLabelValueEscapes() {
    String text =
        "x{path=\"C:\\\\dir\",quote=\"say \\\"hi\\\"\",lines=\"a\\nb\",plain=\"{=,}\"} 1\n";

    LabelSet labels = ExpositionParser.parse(text, PROMETHEUS_TEXT).samples("x").get(0).labels();

    assertThat(labels.get("path")).isEqualTo("C:\\dir");
    assertThat(labels.get("quote")).isEqualTo("say \"hi\"");
    assertThat(labels.get("lines")).isEqualTo("a\nb");
    assertThat(labels.get("plain")).isEqualTo("{=,}");
  }

  @Test
  void resolvesHelpTextEscapes() {
    String text = "# HELP x a \\\\ backslash\\nand a line\n# TYPE x gauge\nx 1\n";

    MetricFamily family = ExpositionParser.parse(text, PROMETHEUS_TEXT).families().get(0);

    assertThat(family.help()).isEqualTo("a \\ backslash\nand a line");
  }

  @ParameterizedTest
  @CsvSource({
    "NaN, NaN",
    "nan, NaN",
    "+Inf, Infinity",
    "-Inf, -Infinity",
    "Inf, Infinity",
    "+infinity, Infinity",
    "1.5e+03, 1500",
    "-2E-2, -0.02",
    "1e3, 1000",
    "0.1, 0.1",
    "-0.3, -0.3",
    ".5, 0.5",
    "5., 5",
    "1250003000, 1250003000",
    "12345678901234567890, 12345678901234567890",
    "0.000000000000000000000000001, 1e-27",
    "007, 7"
  })
  void parsesValueSyntax(String written, double expected) {
    double value =
        ExpositionParser.parse("x " + written + "\n", PROMETHEUS_TEXT).samples("x").get(0).value();

    // Boxed, so that NaN equals NaN as Double.equals defines it.
    assertThat(value).isEqualTo(Double.valueOf(expected));
  }

  @Test
  void readsTextTimestampsInMilliseconds() {
    String text = "a 1 1700000000123\nb 2 -5\nc 3\n";

    Exposition exposition = ExpositionParser.parse(text, PROMETHEUS_TEXT);

    assertThat(exposition.samples("a").get(0).timestampMillis())
        .isEqualTo(OptionalLong.of(1_700_000_000_123L));
    assertThat(exposition.samples("b").get(0).timestampMillis()).isEqualTo(OptionalLong.of(-5));
    assertThat(exposition.samples("c").get(0).timestampMillis()).isEmpty();
  }

  @Test
  void acceptsTabsRunsOfBlanksAndTrailingComma() {
    String text = "  x{a=\"1\" , b = \"2\",}\t 7 \t 1000  \n\n";

    ParsedSample sample = ExpositionParser.parse(text, PROMETHEUS_TEXT).samples("x").get(0);

    assertThat(sample.labels()).isEqualTo(LabelSet.of("a", "1", "b", "2"));
    assertThat(sample.value()).isEqualTo(7.0);
    assertThat(sample.timestampMillis()).isEqualTo(OptionalLong.of(1000));
  }

  @Test
  void ignoresPlainCommentsInText() {
    String text = "# just a note\n#\n# HELP\n# UNIT x seconds\nx 1\n";

    Exposition exposition = ExpositionParser.parse(text, PROMETHEUS_TEXT);

    assertThat(exposition.families()).hasSize(1);
    assertThat(exposition.families().get(0).unit()).isEmpty();
  }

  @Test
  void treatsUndeclaredSamplesAsUnknown() {
    String text = "foo_bucket{le=\"1\"} 3\nfoo 2\n";

    Exposition exposition = ExpositionParser.parse(text, PROMETHEUS_TEXT);

    assertThat(exposition.families())
        .extracting(MetricFamily::name, MetricFamily::type)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("foo_bucket", FamilyType.UNKNOWN),
            org.assertj.core.groups.Tuple.tuple("foo", FamilyType.UNKNOWN));
  }

  @Test
  void dropsLabelsWithEmptyValues() {
    String text = "x{a=\"\",b=\"1\"} 1\n";

    ParsedSample sample = ExpositionParser.parse(text, PROMETHEUS_TEXT).samples("x").get(0);

    assertThat(sample.labels()).isEqualTo(LabelSet.of("b", "1"));
  }

  @Test
  void parsesEmptyTextAsNoFamilies() {
    assertThat(ExpositionParser.parse("", PROMETHEUS_TEXT).families()).isEmpty();
  }

  @Test
  void parsesOpenMetricsCounterWithCreatedAndExemplar() {
    String text =
        """
        # TYPE requests counter
        # UNIT requests
        # HELP requests Requests served, with a \\"quoted\\" word.
        requests_total{code="200"} 1027 1700000000.5 # {trace_id="abc123"} 0.67 1700000000.25
        requests_created{code="200"} 1699990000.0
        # EOF
        """;

    Exposition exposition = ExpositionParser.parse(text, OPENMETRICS);

    MetricFamily family = exposition.families().get(0);
    assertThat(family.name()).isEqualTo("requests");
    assertThat(family.type()).isEqualTo(FamilyType.COUNTER);
    assertThat(family.help()).isEqualTo("Requests served, with a \"quoted\" word.");
    assertThat(family.samples())
        .extracting(ParsedSample::name)
        .containsExactly("requests_total", "requests_created");
    ParsedSample total = family.samples().get(0);
    assertThat(total.value()).isEqualTo(1027.0);
    assertThat(total.timestampMillis()).isEqualTo(OptionalLong.of(1_700_000_000_500L));
    Exemplar exemplar = total.exemplar().orElseThrow();
    assertThat(exemplar.labels()).isEqualTo(LabelSet.of("trace_id", "abc123"));
    assertThat(exemplar.value()).isEqualTo(0.67);
    assertThat(exemplar.timestampMillis()).isEqualTo(OptionalLong.of(1_700_000_000_250L));
    assertThat(family.samples().get(1).value()).isEqualTo(1.69999e9);
  }

  @Test
  void parsesOpenMetricsHistogramWithUnit() {
    String text =
        """
        # TYPE request_duration_seconds histogram
        # UNIT request_duration_seconds seconds
        request_duration_seconds_bucket{le="0.1"} 4 # {trace_id="t1"} 0.05
        request_duration_seconds_bucket{le="5.0"} 9
        request_duration_seconds_bucket{le="+Inf"} 10
        request_duration_seconds_count 10
        request_duration_seconds_sum 12.5
        request_duration_seconds_created 1.7e9
        # EOF\
        """;

    MetricFamily family = ExpositionParser.parse(text, OPENMETRICS).families().get(0);

    assertThat(family.type()).isEqualTo(FamilyType.HISTOGRAM);
    assertThat(family.unit()).isEqualTo("seconds");
    assertThat(family.samples()).hasSize(6);
    assertThat(family.samples().get(0).exemplar()).isPresent();
    assertThat(family.samples().get(1).labels().get("le")).isEqualTo("5.0");
  }

  @Test
  void parsesOpenMetricsGaugeAndInfoFamilies() {
    String text =
        """
        # TYPE build info
        build_info{version="3.1.0"} 1
        # TYPE temperature gauge
        temperature NaN
        # TYPE errors unknown
        errors -Inf
        # EOF
        """;

    Exposition exposition = ExpositionParser.parse(text, OPENMETRICS);

    assertThat(exposition.families())
        .extracting(MetricFamily::name, MetricFamily::type)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("build", FamilyType.INFO),
            org.assertj.core.groups.Tuple.tuple("temperature", FamilyType.GAUGE),
            org.assertj.core.groups.Tuple.tuple("errors", FamilyType.UNKNOWN));
    assertThat(exposition.samples("temperature").get(0).value()).isNaN();
  }

  @Test
  void rejectsBrokenPrometheusText() {
    List<String[]> cases =
        List.of(
            new String[] {
              "x{a=\"b\"}\n",
              "line 1, column 9: expected a blank between the series and its value"
                  + " (text: x{a=\"b\"})"
            },
            new String[] {
              "ok 1\nx{a=\"\\x\"} 1\n",
              "line 2, column 6: expected an escape \\\\, \\\" or \\n in the label value"
                  + " (text: x{a=\"\\x\"} 1)"
            },
            new String[] {
              "x{a=\"open} 1\n",
              "line 1, column 5: expected a closing '\"' for the label value that starts here"
                  + " (text: x{a=\"open} 1)"
            },
            new String[] {
              "x{a \"b\"} 1\n",
              "line 1, column 5: expected '=' after label name a (text: x{a \"b\"} 1)"
            },
            new String[] {
              "x{a=b} 1\n",
              "line 1, column 5: expected a label value in double quotes after a="
                  + " (text: x{a=b} 1)"
            },
            new String[] {
              "x{a=\"1\" b=\"2\"} 1\n",
              "line 1, column 9: expected ',' or '}' after the value of label a"
                  + " (text: x{a=\"1\" b=\"2\"} 1)"
            },
            new String[] {
              "x{1a=\"1\"} 1\n", "line 1, column 3: expected a label name (text: x{1a=\"1\"} 1)"
            },
            new String[] {
              "x 1,5\n",
              "line 1, column 3: expected a number, NaN, +Inf or -Inf as the sample value"
                  + " (text: x 1,5)"
            },
            new String[] {
              "x 2d\n",
              "line 1, column 3: expected a number, NaN, +Inf or -Inf as the sample value"
                  + " (text: x 2d)"
            },
            new String[] {
              "x 1 12.5\n",
              "line 1, column 5: expected a timestamp in integer milliseconds, or the end of the"
                  + " line (text: x 1 12.5)"
            },
            new String[] {
              "x 1 100 extra\n",
              "line 1, column 9: expected the end of the line after the sample"
                  + " (text: x 1 100 extra)"
            },
            new String[] {"9x 1\n", "line 1, column 1: expected a metric name or # (text: 9x 1)"},
            new String[] {
              "x{a=\"1\",a=\"2\"} 1\n",
              "line 1, column 1: expected each label name once, but a is given twice"
                  + " (text: x{a=\"1\",a=\"2\"} 1)"
            },
            new String[] {
              "x{a=\"1\"} 1\ny 2\nx{a=\"1\"} 3\n",
              "line 3, column 1: expected each series once, but this one is also on line 1"
                  + " (text: x{a=\"1\"} 3)"
            },
            new String[] {
              "# TYPE x gauge\n# TYPE x counter\n",
              "line 2, column 8: expected one # TYPE line per metric family, but x has two"
                  + " (text: # TYPE x counter)"
            },
            new String[] {
              "x 1\n# TYPE x gauge\n",
              "line 2, column 8: expected # TYPE before the samples of x (text: # TYPE x gauge)"
            },
            new String[] {
              "# HELP x one\n# HELP x two\n",
              "line 2, column 8: expected one # HELP line per metric family, but x has two"
                  + " (text: # HELP x two)"
            },
            new String[] {
              "# TYPE x gaugehistogram\n",
              "line 1, column 10: expected a type of counter, gauge, histogram, summary or"
                  + " untyped (text: # TYPE x gaugehistogram)"
            },
            new String[] {
              "# HELP x bad \\t escape\n",
              "line 1, column 14: expected an escape \\\\ or \\n (text: # HELP x bad \\t escape)"
            },
            new String[] {
              "# TYPE h histogram\nh_bucket{code=\"200\"} 1\n",
              "line 2, column 1: expected a label le on h_bucket (text: h_bucket{code=\"200\"} 1)"
            },
            new String[] {
              "# TYPE h histogram\nh_bucket{le=\"fast\"} 1\n",
              "line 2, column 1: expected a number in label le, not \"fast\""
                  + " (text: h_bucket{le=\"fast\"} 1)"
            },
            new String[] {
              "# TYPE h histogram\nh 1\n",
              "line 2, column 1: expected a sample name with a suffix that fits histogram family h"
                  + " (text: h 1)"
            },
            new String[] {
              "# TYPE s summary\ns{quantile=\"p99\"} 1\n",
              "line 2, column 1: expected a number in label quantile, not \"p99\""
                  + " (text: s{quantile=\"p99\"} 1)"
            },
            new String[] {
              "x_total 1 # {trace_id=\"a\"} 1\n",
              "line 1, column 11: expected a timestamp in integer milliseconds, or the end of"
                  + " the line (text: x_total 1 # {trace_id=\"a\"} 1)"
            });

    for (String[] testCase : cases) {
      assertThatThrownBy(() -> ExpositionParser.parse(testCase[0], PROMETHEUS_TEXT))
          .as("input %s", testCase[0])
          .isInstanceOf(ExpositionFormatException.class)
          .hasMessage(testCase[1]);
    }
  }

  @Test
  void rejectsBrokenOpenMetrics() {
    List<String[]> cases =
        List.of(
            new String[] {
              "# TYPE x gauge\nx 1\n",
              "line 2, column 4: expected # EOF as the last line of OpenMetrics text (text: x 1)"
            },
            new String[] {
              "", "line 1, column 1: expected # EOF as the last line of OpenMetrics text (text: )"
            },
            new String[] {
              "x 1\n# EOF\nx 2\n", "line 3, column 1: expected nothing after # EOF (text: x 2)"
            },
            new String[] {
              "# a comment\n# EOF\n",
              "line 1, column 1: expected # HELP, # TYPE, # UNIT or # EOF; OpenMetrics has no"
                  + " other comments (text: # a comment)"
            },
            new String[] {
              "x  1\n# EOF\n",
              "line 1, column 3: expected a number, NaN, +Inf or -Inf as the sample value"
                  + " (text: x  1)"
            },
            new String[] {
              "x{a=\"1\",} 1\n# EOF\n",
              "line 1, column 9: expected a label name (text: x{a=\"1\",} 1)"
            },
            new String[] {
              "# TYPE x gauge\nx 1 # {trace_id=\"a\"} 1\n# EOF\n",
              "line 2, column 5: expected no exemplar: only counter _total and _bucket samples"
                  + " have one (text: x 1 # {trace_id=\"a\"} 1)"
            },
            new String[] {
              "# TYPE x counter\nx_total 1 # trace 1\n# EOF\n",
              "line 2, column 10: expected ' # {' starting an exemplar, or the end of the line"
                  + " (text: x_total 1 # trace 1)"
            },
            new String[] {
              "# TYPE x untyped\n# EOF\n",
              "line 1, column 10: expected a type of counter, gauge, histogram, gaugehistogram,"
                  + " stateset, info, summary or unknown (text: # TYPE x untyped)"
            },
            new String[] {
              "# TYPE x_bytes gauge\n# UNIT x_bytes seconds\n# EOF\n",
              "line 2, column 16: expected a unit that ends the metric name, as in x_seconds for"
                  + " seconds (text: # UNIT x_bytes seconds)"
            },
            new String[] {
              "x 1\n# HELP x late\n# EOF\n",
              "line 2, column 8: expected # HELP before the samples of x (text: # HELP x late)"
            },
            new String[] {
              "x 1 1.5e3x\n# EOF\n",
              "line 1, column 5: expected a timestamp in seconds (text: x 1 1.5e3x)"
            });

    for (String[] testCase : cases) {
      assertThatThrownBy(() -> ExpositionParser.parse(testCase[0], OPENMETRICS))
          .as("input %s", testCase[0])
          .isInstanceOf(ExpositionFormatException.class)
          .hasMessage(testCase[1]);
    }
  }

  @Test
  void cutsLongLinesAroundTheError() {
    String labels = "a=\"" + "v".repeat(120) + "\"";
    String line = "x{" + labels + ",b=oops} 1";

    assertThatThrownBy(() -> ExpositionParser.parse(line + "\n", PROMETHEUS_TEXT))
        .isInstanceOf(ExpositionFormatException.class)
        .hasMessage(
            "line 1, column 130: expected a label value in double quotes after b= (text: ..."
                + line.substring(56)
                + ")")
        .satisfies(
            e -> {
              ExpositionFormatException error = (ExpositionFormatException) e;
              assertThat(error.lineNumber()).isEqualTo(1);
              assertThat(error.column()).isEqualTo(130);
              assertThat(error.expected()).isEqualTo("a label value in double quotes after b=");
            });
  }

  @Test
  void parsesFiftyThousandSeriesScrape() {
    StringBuilder text = new StringBuilder("# TYPE traefik_service_requests_total counter\n");
    for (int service = 0; service < 10_000; service++) {
      for (String code : List.of("200", "201", "404", "502", "503")) {
        text.append("traefik_service_requests_total{code=\"")
            .append(code)
            .append("\",method=\"GET\",protocol=\"http\",service=\"odoo-t")
            .append(service)
            .append("@kubernetes\"} ")
            .append(service * 10L + code.charAt(2))
            .append('\n');
      }
    }

    Exposition exposition = ExpositionParser.parse(text.toString(), PROMETHEUS_TEXT);

    List<ParsedSample> samples = exposition.samples("traefik_service_requests_total");
    assertThat(exposition.sampleCount()).isEqualTo(50_000);
    assertThat(samples.get(49_999).labels().get("service")).isEqualTo("odoo-t9999@kubernetes");
    assertThat(samples.get(49_999).value()).isEqualTo(99_990 + '3');
    // Repeated label values come from the parser's pool, one String per distinct text.
    assertThat(samples.get(49_999).labels().get("method"))
        .isSameAs(samples.get(0).labels().get("method"));
  }
  @Test
  void matchesParseDoubleOnRandomValues() {
    Random random = new Random(20261205);
    for (int i = 0; i < 200_000; i++) {
      String written = randomDecimal(random);
      byte[] bytes = written.getBytes(StandardCharsets.US_ASCII);

      double parsed = ExpositionNumbers.parseFloat(bytes, 0, bytes.length);

      assertThat(Double.doubleToRawLongBits(parsed))
          .as("value %s", written)
          .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(written)));
    }
  }

  @Test
  void readsRandomValuesOnSampleLines() {
    Random random = new Random(7);
    StringBuilder text = new StringBuilder("# TYPE x gauge\n");
    String[] written = new String[5_000];
    for (int i = 0; i < written.length; i++) {
      written[i] = randomDecimal(random);
      text.append("x{i=\"").append(i).append("\"} ").append(written[i]).append('\n');
    }

    List<ParsedSample> samples = ExpositionParser.parse(text.toString(), PROMETHEUS_TEXT)
        .samples("x");

    for (int i = 0; i < written.length; i++) {
      assertThat(Double.doubleToRawLongBits(samples.get(i).value()))
          .as("value %s", written[i])
          .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(written[i])));
    }
  }

  @Test
  void parsesBytesLikeTheSameText() {
    String text =
        "# HELP city_requests_total Requests per city, \u00e9t\u00e9 included.\n"
            + "# TYPE city_requests_total counter\n"
            + "city_requests_total{city=\"Z\u00fcrich\",team=\"\ud83d\ude9a fleet\"} 3\n"
            + "city_requests_total{city=\"S\u00e3o Paulo\",team=\"\ud83d\ude9a fleet\"} 4\n";

    Exposition fromBytes =
        ExpositionParser.parse(text.getBytes(StandardCharsets.UTF_8), PROMETHEUS_TEXT);
    Exposition fromText = ExpositionParser.parse(text, PROMETHEUS_TEXT);

    List<ParsedSample> samples = fromBytes.samples("city_requests_total");
    assertThat(samples).isEqualTo(fromText.samples("city_requests_total"));
    assertThat(samples.get(0).labels().get("city")).isEqualTo("Z\u00fcrich");
    assertThat(samples.get(1).labels().get("team")).isEqualTo("\ud83d\ude9a fleet");
    assertThat(fromBytes.families().get(0).help())
        .isEqualTo("Requests per city, \u00e9t\u00e9 included.");
  }

  @Test
  void countsColumnsInCharactersNotBytes() {
    String text = "x{city=\"Z\u00fcrich\"} 1\ny{city=\"Z\u00fcrich\",} 1 2 3\n";

    assertThatThrownBy(
            () -> ExpositionParser.parse(text.getBytes(StandardCharsets.UTF_8), PROMETHEUS_TEXT))
        .isInstanceOf(ExpositionFormatException.class)
        .hasMessage(
            "line 2, column 23: expected the end of the line after the sample"
                + " (text: y{city=\"Z\u00fcrich\",} 1 2 3)");
  }

  @Test
  void findsRepeatedSeriesFarApart() {
    StringBuilder text = new StringBuilder("# TYPE x counter\n");
    for (int i = 0; i < 2_000; i++) {
      text.append("x_total{code=\"200\",i=\"").append(i).append("\"} 1\n");
    }
    text.append("x_total{i=\"3\",code=\"200\"} 2\n");

    assertThatThrownBy(() -> ExpositionParser.parse(text.toString(), PROMETHEUS_TEXT))
        .isInstanceOf(ExpositionFormatException.class)
        .hasMessage(
            "line 2002, column 1: expected each series once, but this one is also on line 5"
                + " (text: x_total{i=\"3\",code=\"200\"} 2)");
  }

  @Test
  void reportsRepeatedSeriesBeforeLaterError() {
    String text = "a{k=\"1\"} 1\nb 2\n  a{k=\"1\",e=\"\"} 3\nc 4\nd{k=} 5\n";

    assertThatThrownBy(() -> ExpositionParser.parse(text, PROMETHEUS_TEXT))
        .isInstanceOf(ExpositionFormatException.class)
        .hasMessage(
            "line 3, column 3: expected each series once, but this one is also on line 1"
                + " (text:   a{k=\"1\",e=\"\"} 3)");
  }

  @Test
  void readsLinesThatRepeatPartsOfThePrevious() {
    String[] names = {"r", "r_total", "req", "requests_total"};
    String[] labelNames = {"a", "ab", "code", "service", "le"};
    String[] values = {
      "", "1", "12", "120", "x\\\"y", "a\\\\", "odoo-t1@docker", "odoo-t12@docker"
    };
    Random random = new Random(42);
    StringBuilder text = new StringBuilder();
    List<String> expectedNames = new ArrayList<>();
    List<LabelSet> expectedLabels = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    while (expectedNames.size() < 3_000) {
      String name = names[random.nextInt(names.length)];
      List<String> pairs = new ArrayList<>();
      StringBuilder line = new StringBuilder(name);
      int labelCount = random.nextInt(4);
      List<String> shuffled = new ArrayList<>(List.of(labelNames));
      java.util.Collections.shuffle(shuffled, random);
      if (labelCount > 0 || random.nextBoolean()) {
        line.append('{');
        for (int i = 0; i < labelCount; i++) {
          String value = values[random.nextInt(values.length)];
          line.append(i > 0 ? "," : "").append(shuffled.get(i)).append("=\"").append(value)
              .append('"');
          pairs.add(shuffled.get(i));
          pairs.add(value.replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        line.append('}');
      }
      LabelSet labels = LabelSet.of(pairs.toArray(String[]::new));
      if (seen.add(name + labels)) {
        text.append(line).append(' ').append(expectedNames.size()).append('\n');
        expectedNames.add(name);
        expectedLabels.add(labels);
      }
    }

    Exposition exposition = ExpositionParser.parse(text.toString(), PROMETHEUS_TEXT);

    List<ParsedSample> samples = new ArrayList<>();
    exposition.families().forEach(family -> samples.addAll(family.samples()));
    samples.sort(java.util.Comparator.comparingDouble(ParsedSample::value));
    assertThat(samples).hasSize(expectedNames.size());
    for (int i = 0; i < samples.size(); i++) {
      assertThat(samples.get(i).name()).as("line %s", i + 1).isEqualTo(expectedNames.get(i));
      assertThat(samples.get(i).labels()).as("line %s", i + 1).isEqualTo(expectedLabels.get(i));
    }
  }

  @Test
  void treatsReorderedLabelsAsSameSeries() {
    String text = "x{a=\"1\",b=\"2\"} 1\nx{b=\"2\",a=\"1\"} 2\n";

    assertThatThrownBy(() -> ExpositionParser.parse(text, PROMETHEUS_TEXT))
        .isInstanceOf(ExpositionFormatException.class)
        .hasMessageStartingWith(
            "line 2, column 1: expected each series once, but this one is also on line 1");
  }

  @Test
  void keepsTimestampOfEachSample() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      text.append("x{i=\"").append(i).append("\"} 1");
      if (i % 3 == 0) {
        text.append(' ').append(1_700_000_000_000L + i);
      }
      text.append('\n');
    }

    List<ParsedSample> samples =
        ExpositionParser.parse(text.toString(), PROMETHEUS_TEXT).samples("x");

    for (int i = 0; i < 300; i++) {
      OptionalLong expected =
          i % 3 == 0 ? OptionalLong.of(1_700_000_000_000L + i) : OptionalLong.empty();
      assertThat(samples.get(i).timestampMillis()).as("sample %s", i).isEqualTo(expected);
    }
  }

  /**
   * Returns a decimal in one of the forms exporters write: integers, fixed-point and exponent
   * notation, with and without signs, leading zeros and many digits.
   */
  private static String randomDecimal(Random random) {
    return switch (random.nextInt(7)) {
      case 0 -> Long.toString(random.nextLong() >>> random.nextInt(64));
      case 1 -> Double.toString(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
      case 2 -> Double.toString(Double.longBitsToDouble(random.nextLong() >>> 2));
      case 3 -> String.format(java.util.Locale.ROOT, "%." + random.nextInt(18) + "f",
          random.nextDouble() * random.nextInt(1_000_000));
      case 4 -> (random.nextBoolean() ? "-" : "+") + random.nextInt(100_000) + "."
          + random.nextInt(1_000) + "e" + (random.nextBoolean() ? "+" : "-")
          + random.nextInt(30);
      case 5 -> "000" + random.nextInt(1_000) + "." + random.nextInt(100) + "E"
          + (random.nextInt(700) - 350);
      default -> Long.toString(random.nextLong()) + "." + Long.toString(random.nextLong() >>> 1);
    };
  }
}
