package io.freightwatch.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.freightwatch.lab.Lab;
import io.freightwatch.testing.AgentUnderTest;
import io.freightwatch.testing.LabExtension;
import io.freightwatch.testing.TestPrometheus;
import io.freightwatch.testing.WebhookCapture;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluates every panel query of every shipped dashboard through the HTTP API of a real
 * Prometheus that scrapes an agent running against the lab. Each query runs twice, with the
 * first value of every template variable and with "All", and must succeed with data.
 */
@ExtendWith(LabExtension.class)
class DashboardQueriesIT {

  /** Made to fire at once, so that alert and notification panels have data without a fault. */
  private static final String FIRING_RULE = "handheld_latency";

  private final Lab lab;
  private WebhookCapture webhook;
  private AgentUnderTest agent;
  private TestPrometheus prometheus;

  DashboardQueriesIT(Lab lab) {
    this.lab = lab;
  }

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    webhook = new WebhookCapture();
    agent = AgentUnderTest.start(lab, dir.resolve("agent"), webhook.url(), rule ->
        rule.name().equals(FIRING_RULE)
            ? rule.withThreshold(0).withFor(Duration.ofSeconds(1)) : rule);
    String target = agent.baseUrl().replaceFirst("^http://", "");
    prometheus = TestPrometheus.start(dir.resolve("prometheus"), target);
  }

  @AfterEach
  void stop() throws Exception {
    if (prometheus != null) {
      prometheus.close();
    }
    agent.close();
    webhook.close();
  }

  @Test
  void everyPanelQueryReturnsData() throws Exception {
    Map<String, JsonNode> dashboards = Dashboards.all();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
        .until(() -> !webhook.received(FIRING_RULE).isEmpty());

    // Rates and increases need two samples in their window, and the counters of notification
    // outcomes appear with the first delivery: poll until every query has data or time is up.
    List<String> failures = new ArrayList<>();
    try {
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(3))
          .until(() -> {
            failures.clear();
            failures.addAll(failedQueries(dashboards));
            return failures.isEmpty();
          });
    } catch (ConditionTimeoutException e) {
      // The assertion below lists every failed query.
    }

    assertThat(failures).as("dashboard queries that failed or returned no data").isEmpty();
  }

  private List<String> failedQueries(Map<String, JsonNode> dashboards)
      throws IOException, InterruptedException {
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, JsonNode> dashboard : dashboards.entrySet()) {
      Map<String, String> first = new LinkedHashMap<>();
      Map<String, String> all = new LinkedHashMap<>();
      for (Dashboards.Variable variable : Dashboards.queryVariables(dashboard.getValue())) {
        String selector = Dashboards.substitute(variable.selector(), first);
        TreeSet<String> values = labelValues(selector, variable.label());
        if (values.isEmpty()) {
          failures.add(dashboard.getKey() + " variable $" + variable.name() + ": no values for "
              + selector);
          continue;
        }
        first.put(variable.name(), values.first());
        all.put(variable.name(), variable.allValue().isEmpty() ? values.first()
            : variable.allValue());
      }
      for (JsonNode panel : Dashboards.panels(dashboard.getValue())) {
        for (JsonNode target : panel.path("targets")) {
          String expr = target.path("expr").asText();
          for (Map<String, String> values : List.of(first, all)) {
            check(dashboard.getKey() + " panel '" + panel.path("title").asText() + "'",
                Dashboards.substitute(expr, values), failures);
          }
        }
      }
    }
    return failures;
  }

  private void check(String where, String promql, List<String> failures)
      throws IOException, InterruptedException {
    JsonNode response = prometheus.query(promql);
    if (!response.path("status").asText().equals("success")) {
      failures.add(where + ": " + response.path("error").asText() + " in " + promql);
    } else if (response.path("data").path("result").isEmpty()) {
      failures.add(where + ": no data for " + promql);
    }
  }

  private TreeSet<String> labelValues(String selector, String label)
      throws IOException, InterruptedException {
    TreeSet<String> values = new TreeSet<>();
    for (JsonNode series : prometheus.series(selector).path("data")) {
      String value = series.path(label).asText("");
      if (!value.isEmpty()) {
        values.add(value);
      }
    }
    return values;
  }
}
