package io.freightwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.freightwatch.lab.Lab;
import io.freightwatch.testing.AgentUnderTest;
import io.freightwatch.testing.LabExtension;
import io.freightwatch.testing.Promtool;
import io.freightwatch.testing.WebhookCapture;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code promtool check metrics} on the agent's /metrics against the lab, once the Odoo job
 * histograms count finished jobs and the Traefik latency summaries have quantiles, and requires no
 * problem at all. Then checks the histograms' buckets itself: promtool reads a single scrape and
 * does not compare a bucket with the next one or with {@code _count}.
 */
@ExtendWith(LabExtension.class)
class PromtoolCheckMetricsIT {

  private static final List<String> HISTOGRAMS = List.of(
      "freightwatch_odoo_queue_job_wait_seconds",
      "freightwatch_odoo_queue_job_run_seconds",
      "freightwatch_odoo_queue_job_completion_seconds");
  private static final List<String> SUMMARIES = List.of(
      "freightwatch_traefik_service_latency_seconds",
      "freightwatch_traefik_entrypoint_latency_seconds");
  /** One sample line: name, labels without braces, and value. */
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)"
      + "(?:\\{(.*)})? (\\S+)$");
  private static final Pattern LE = Pattern.compile(",?le=\"([^\"]*)\"");

  private final Lab lab;

  PromtoolCheckMetricsIT(Lab lab) {
    this.lab = lab;
  }

  @Test
  void metricsPassPromtoolCheck(@TempDir Path dir) throws Exception {
    Path promtool = Promtool.require();
    try (WebhookCapture webhook = new WebhookCapture();
        AgentUnderTest agent = AgentUnderTest.start(lab, dir, webhook.url(),
            UnaryOperator.identity())) {
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
          .until(() -> hasObservations(agent.get("/metrics").body()));
      String body = agent.get("/metrics").body();

      Process process = new ProcessBuilder(promtool.toString(), "check", "metrics")
          .redirectErrorStream(true)
          .start();
      try (OutputStream stdin = process.getOutputStream()) {
        stdin.write(body.getBytes(StandardCharsets.UTF_8));
      }
      String problems = new String(process.getInputStream().readAllBytes(),
          StandardCharsets.UTF_8);
      int exit = process.waitFor();

      assertThat(problems).as("promtool check metrics output").isEmpty();
      assertThat(exit).as("promtool check metrics exit code").isZero();
      for (String histogram : HISTOGRAMS) {
        assertThat(body).contains("# TYPE " + histogram + " histogram\n");
        checkBuckets(body, histogram);
      }
      for (String summary : SUMMARIES) {
        assertThat(body).contains("# TYPE " + summary + " summary\n")
            .containsPattern("(?m)^" + summary + "\\{.*quantile=\"0\\.95\"} ")
            .containsPattern("(?m)^" + summary + "_count\\{")
            .containsPattern("(?m)^" + summary + "_sum\\{");
      }
    }
  }

  /**
   * Returns true once a completion histogram counts a job and each latency summary has a 0.95
   * quantile. A channel's first jobs show up one scrape after the channel itself.
   */
  private static boolean hasObservations(String body) {
    boolean counted = samples(body, HISTOGRAMS.get(2) + "_count").values().stream()
        .anyMatch(value -> value > 0);
    boolean quantiles = SUMMARIES.stream().allMatch(summary ->
        Pattern.compile("(?m)^" + summary + "\\{.*quantile=\"0\\.95\"[,}]").matcher(body).find());
    return counted && quantiles;
  }

  /**
   * Checks that each data point's buckets grow with {@code le} and that the {@code +Inf} bucket
   * equals {@code _count}.
   */
  private static void checkBuckets(String body, String histogram) {
    Map<String, List<Double>> buckets = new LinkedHashMap<>();
    Map<String, Double> infBuckets = new LinkedHashMap<>();
    for (String line : body.split("\n")) {
      Matcher sample = SAMPLE.matcher(line);
      if (!sample.matches() || !sample.group(1).equals(histogram + "_bucket")) {
        continue;
      }
      Matcher le = LE.matcher(sample.group(2));
      assertThat(le.find()).as("le label in %s", line).isTrue();
      String point = le.replaceFirst("");
      double value = Double.parseDouble(sample.group(3));
      buckets.computeIfAbsent(point, p -> new ArrayList<>()).add(value);
      if (le.group(1).equals("+Inf")) {
        infBuckets.put(point, value);
      }
    }
    Map<String, Double> counts = samples(body, histogram + "_count");

    assertThat(buckets).as("%s data points", histogram).isNotEmpty();
    buckets.forEach((point, values) ->
        assertThat(values).as("%s buckets of {%s} in le order", histogram, point).isSorted());
    assertThat(infBuckets).as("%s +Inf buckets by data point", histogram).isEqualTo(counts);
  }

  /** Returns the values of the samples named {@code name}, by their labels. */
  private static Map<String, Double> samples(String body, String name) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (String line : body.split("\n")) {
      Matcher sample = SAMPLE.matcher(line);
      if (sample.matches() && sample.group(1).equals(name)) {
        values.put(sample.group(2) == null ? "" : sample.group(2),
            Double.parseDouble(sample.group(3)));
      }
    }
    return values;
  }
}
