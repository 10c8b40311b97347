package io.freightwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.freightwatch.config.OdooSignals;
import io.freightwatch.config.SignalCatalogue;
import io.freightwatch.lab.Lab;
import io.freightwatch.testing.AgentUnderTest;
import io.freightwatch.testing.LabExtension;
import io.freightwatch.testing.WebhookCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compares the metric families /metrics shows against the lab with the signal catalogue, both
 * ways: every exported family is catalogued, and every catalogued family is exported unless
 * {@code signals-conditional.tsv} names the state in which it exists.
 */
@ExtendWith(LabExtension.class)
class MetricCatalogueIT {

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
  void conditionalSignalsAreCatalogued() throws Exception {
    assertThat(ConditionalSignals.load().keySet())
        .isSubsetOf(SignalCatalogue.get().entries().keySet());
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
