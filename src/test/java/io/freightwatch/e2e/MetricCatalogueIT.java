package io.freightwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Compares the metric families /metrics shows against the lab with the signal catalogue. */
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

      assertThat(exported)
          .as("families on /metrics that signals.tsv does not list")
          .isSubsetOf(SignalCatalogue.get().entries().keySet());
      assertThat(exported).contains("freightwatch_odoo_queue_jobs",
          "freightwatch_postgres_replication_lag_bytes", "freightwatch_redis_memory_used_bytes",
          "freightwatch_target_up");
    }
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
