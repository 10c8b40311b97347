package io.freightwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.freightwatch.config.AgentConfig;
import io.freightwatch.config.ConfigLoader;
import io.freightwatch.config.OdooSignals;
import io.freightwatch.config.SignalCatalogue;
import io.freightwatch.config.TraefikTarget;
import io.freightwatch.lab.Lab;
import io.freightwatch.testing.AgentUnderTest;
import io.freightwatch.testing.LabExtension;
import io.freightwatch.testing.WebhookCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compares the metric families /metrics shows against the lab with the signal catalogue, both
 * ways: every exported family is catalogued, and every catalogued family is exported unless
 * {@code signals-conditional.tsv} names the state in which it exists. The label names of each
 * exported family must be among the catalogue's labels for it.
 */
@ExtendWith(LabExtension.class)
class MetricCatalogueIT {

  private static final Pattern NAMED_GROUP = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

  private final Lab lab;

  MetricCatalogueIT(Lab lab) {
    this.lab = lab;
  }

  @Test
  void everyExportedSignalIsCatalogued(@TempDir Path dir) throws Exception {
    try (WebhookCapture webhook = new WebhookCapture();
        AgentUnderTest agent = AgentUnderTest.start(lab, dir, webhook.url(),
            UnaryOperator.identity())) {
      await().atMost(Duration.ofSeconds(60)).until(() ->
          agent.get("/readyz").statusCode() == 200
              && families(agent).contains("freightwatch_traefik_service_error_ratio"));

      Set<String> exported = families(agent);
      // Custom queries name their gauges in the configuration, so the catalogue cannot list them.
      exported.removeIf(name -> name.startsWith(OdooSignals.CustomQuery.METRIC_PREFIX));

      assertThat(exported)
          .as("families on /metrics that signals.tsv does not list")
          .isSubsetOf(SignalCatalogue.get().entries().keySet());
      assertThat(exported).contains("freightwatch_odoo_queue_jobs",
          "freightwatch_postgres_replication_lag_bytes", "freightwatch_redis_memory_used_bytes",
          "freightwatch_target_up");
    }
  }

  @Test
  void everyCataloguedSignalIsExported(@TempDir Path dir) throws Exception {
    Set<String> expected = new TreeSet<>(SignalCatalogue.get().entries().keySet());
    expected.removeAll(ConditionalSignals.load().keySet());
    try (WebhookCapture webhook = new WebhookCapture();
        AgentUnderTest agent = AgentUnderTest.start(lab, dir, webhook.url(),
            UnaryOperator.identity())) {
      try {
        await().atMost(Duration.ofSeconds(60)).until(() ->
            agent.get("/readyz").statusCode() == 200
                && families(agent).containsAll(expected));
      } catch (ConditionTimeoutException e) {
        // The assertion below names the families that never appeared.
      }
      Set<String> missing = new TreeSet<>(expected);
      missing.removeAll(families(agent));

      assertThat(missing)
          .as("catalogued families missing from /metrics against the idle lab; list a family"
              + " in signals-conditional.tsv when it exists only in some states")
          .isEmpty();
    }
  }

  @Test
  void exportedLabelsAreCatalogued(@TempDir Path dir) throws Exception {
    try (WebhookCapture webhook = new WebhookCapture();
        AgentUnderTest agent = AgentUnderTest.start(lab, dir, webhook.url(),
            UnaryOperator.identity())) {
      await().atMost(Duration.ofSeconds(60)).until(() ->
          agent.get("/readyz").statusCode() == 200
              && families(agent).contains("freightwatch_traefik_service_error_ratio"));

      Map<String, Set<String>> exported = labelNames(agent.get("/metrics").body());
      AgentConfig config = new ConfigLoader().load(dir.resolve("freightwatch.yaml"));
      Set<String> sloLabels = sloLabels(config);
      Set<String> serviceRuleLabels = serviceRuleLabels(config);
      exported.keySet().removeIf(name -> name.startsWith(OdooSignals.CustomQuery.METRIC_PREFIX));
      Map<String, SignalCatalogue.Entry> catalogue = SignalCatalogue.get().entries();

      Map<String, Set<String>> uncatalogued = new TreeMap<>();
      exported.forEach((family, labels) -> {
        SignalCatalogue.Entry entry = catalogue.get(family);
        if (entry == null) {
          return; // everyExportedSignalIsCatalogued reports the family itself
        }
        Set<String> extra = new TreeSet<>(labels);
        extra.removeAll(entry.labels());
        // Every histogram bucket carries le and every summary quantile carries quantile.
        if (entry.type().equals("histogram")) {
          extra.remove("le");
        }
        if (entry.type().equals("summary")) {
          extra.remove("quantile");
        }
        // The configuration names these labels, so the catalogue describes them in the help.
        if (family.startsWith("freightwatch_slo_")) {
          extra.removeAll(sloLabels);
        }
        if (family.startsWith("freightwatch_traefik_service_")
            && !family.equals("freightwatch_traefik_service_requests_total")) {
          extra.removeAll(serviceRuleLabels);
        }
        if (!extra.isEmpty()) {
          uncatalogued.put(family, extra);
        }
      });

      assertThat(exported).containsKeys("freightwatch_target_up",
          "freightwatch_postgres_replication_slot_active", "freightwatch_slo_sli_ratio");
      assertThat(uncatalogued)
          .as("labels on /metrics that signals.tsv does not list for their family")
          .isEmpty();
    }
  }

  @Test
  void labelNamesReadsEscapedValues() {
    String body = """
        # HELP freightwatch_alerts Alerts.
        # TYPE freightwatch_alerts gauge
        freightwatch_alerts{alertname="a,b",summary="say \\"x=1\\" {y}"} 1.0
        freightwatch_alerts{state="firing"} 1.0
        # TYPE freightwatch_notifications_total counter
        freightwatch_notifications_total 3.0
        """;

    Map<String, Set<String>> labels = labelNames(body);

    assertThat(labels.get("freightwatch_alerts")).containsExactly("alertname", "state", "summary");
    assertThat(labels.get("freightwatch_notifications_total")).isEmpty();
  }

  @Test
  void conditionalSignalsAreCatalogued() throws Exception {
    assertThat(ConditionalSignals.load().keySet())
        .isSubsetOf(SignalCatalogue.get().entries().keySet());
  }

  /** Returns the label names that the SLOs' {@code labels} maps set. */
  private static Set<String> sloLabels(AgentConfig config) {
    Set<String> names = new TreeSet<>();
    config.rules().slos().forEach(slo -> names.addAll(slo.labels().keySet()));
    return names;
  }

  /**
   * Returns the label names that the Traefik targets' service rules set: their fixed labels and
   * the named groups of their patterns.
   */
  private static Set<String> serviceRuleLabels(AgentConfig config) {
    Set<String> names = new TreeSet<>();
    for (TraefikTarget target : config.traefik()) {
      for (TraefikTarget.ServiceLabels rule : target.services()) {
        names.addAll(rule.labels().keySet());
        Matcher group = NAMED_GROUP.matcher(rule.pattern().pattern());
        while (group.find()) {
          names.add(group.group(1));
        }
      }
    }
    return names;
  }

  /**
   * Returns the label names seen on the samples of each freightwatch_ family, by family name. A
   * sample belongs to the family of the TYPE line above it, so the _bucket, _sum and _count
   * series of a histogram count for the histogram.
   */
  private static Map<String, Set<String>> labelNames(String body) {
    Map<String, Set<String>> names = new TreeMap<>();
    Set<String> current = null;
    for (String line : body.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String family = line.split(" ")[2];
        current = family.startsWith(SignalCatalogue.PREFIX)
            ? names.computeIfAbsent(family, name -> new TreeSet<>())
            : null;
      } else if (current != null && !line.isBlank() && !line.startsWith("#")) {
        current.addAll(sampleLabelNames(line));
      }
    }
    return names;
  }

  /** Returns the label names of one sample line of the Prometheus text format. */
  private static List<String> sampleLabelNames(String line) {
    List<String> names = new ArrayList<>();
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    if (brace < 0 || (space >= 0 && space < brace)) {
      return names;
    }
    int position = brace + 1;
    while (line.charAt(position) != '}') {
      int equals = line.indexOf('=', position);
      names.add(line.substring(position, equals).trim());
      // The value is quoted, and a backslash escapes the next character, so both are skipped.
      position = equals + 2;
      while (line.charAt(position) != '"') {
        position += line.charAt(position) == '\\' ? 2 : 1;
      }
      position++;
      if (line.charAt(position) == ',') {
        position++;
      }
    }
    return names;
  }

  /** Names of the freightwatch_ families on /metrics; TYPE lines name counters with _total. */
  private static Set<String> families(AgentUnderTest agent) throws Exception {
    Set<String> names = new TreeSet<>();
    for (String line : agent.get("/metrics").body().split("\n")) {
      if (line.startsWith("# TYPE freightwatch_")) {
        names.add(line.split(" ")[2]);
      }
    }
    return names;
  }
}
