package io.freightwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.freightwatch.lab.Lab;
import io.freightwatch.testing.AgentUnderTest;
import io.freightwatch.testing.LabExtension;
import io.freightwatch.testing.WebhookCapture;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's primary stopped mid-run: the agent reports it down, keeps serving and recovers, and
 * the tenants' alerts are grouped under one infrastructure alert instead of paging one by one.
 */
@ExtendWith(LabExtension.class)
class PostgresOutageIT {

  private static final Map<String, String> PRIMARY =
      Map.of("source", "postgres", "target", "lab-primary");
  private static final Map<String, String> REPLICA =
      Map.of("source", "postgres", "target", "lab-replica");
  private static final Map<String, String> ACME = Map.of("source", "odoo", "target", "acme");

  private final Lab lab;
  private WebhookCapture webhook;
  private AgentUnderTest agent;

  PostgresOutageIT(Lab lab) {
    this.lab = lab;
  }

  @BeforeEach
  void startAgent(@TempDir Path dir) throws Exception {
    webhook = new WebhookCapture();
    // The infrastructure alert must be active before the tenants' alerts fire. The shipped rules
    // wait 30 s and 2 minutes; these shorter waits keep that order and the test short.
    agent = AgentUnderTest.start(lab, dir, webhook.url(), rule -> switch (rule.name()) {
      case "postgres_unreachable" -> rule.withFor(Duration.ofSeconds(1));
      case "tenant_database_unreachable", "agent_blind_spot" -> rule.withFor(
          Duration.ofSeconds(4));
      default -> rule;
    });
    await().atMost(Duration.ofSeconds(30)).until(() ->
        agent.get("/readyz").statusCode() == 200);
  }

  @AfterEach
  void stop() throws Exception {
    if (!lab.postgres().isPrimaryRunning()) {
      lab.postgres().startPrimary();
    }
    agent.close();
    webhook.close();
  }

  @Test
  void outageGroupsTenantAlertsUnderPrimary() throws Exception {
    lab.postgres().stopPrimary();

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() ->
        agent.alerts("tenant_database_unreachable", "firing").size() == 3
            && !webhook.received("postgres_unreachable").isEmpty());
    JsonNode infra = agent.alerts("postgres_unreachable", "firing").stream()
        .filter(a -> a.at("/labels/target").asText().equals("lab-primary"))
        .findFirst().orElseThrow();
    assertThat(infra.at("/annotations/affected_tenants").asText())
        .isEqualTo("acme, globex, initech");
    assertThat(infra.at("/annotations/summary").asText())
        .contains("Affects tenants acme, globex, initech");
    for (JsonNode tenant : agent.alerts("tenant_database_unreachable", "firing")) {
      assertThat(tenant.at("/annotations/grouped_under").asText())
          .isEqualTo(infra.get("fingerprint").asText());
      assertThat(tenant.at("/annotations/summary").asText())
          .startsWith("Probable cause: PostgreSQL cluster lab (postgres_unreachable).");
    }
    // Several evaluations later, still only the infrastructure alert has been sent.
    Thread.sleep(3000);
    assertThat(webhook.received("postgres_unreachable")).singleElement()
        .satisfies(received -> assertThat(received.label("target")).isEqualTo("lab-primary"));
    assertThat(webhook.received("tenant_database_unreachable")).isEmpty();
    assertThat(webhook.received("agent_blind_spot")).isEmpty();
  }

  @Test
  void upMetricFollowsPrimaryOutage() throws Exception {
    assertThat(agent.metric("freightwatch_target_up", PRIMARY)).contains(1.0);
    assertThat(agent.metric("freightwatch_target_up", ACME)).contains(1.0);

    lab.postgres().stopPrimary();

    await().atMost(Duration.ofSeconds(30)).until(() ->
        agent.metric("freightwatch_target_up", PRIMARY).orElse(-1.0) == 0.0
            && agent.metric("freightwatch_target_up", ACME).orElse(-1.0) == 0.0);
    HttpResponse<String> metrics = agent.get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("freightwatch_redis_memory_used_bytes");
    assertThat(agent.get("/healthz").statusCode()).isEqualTo(200);
    assertThat(agent.metric("freightwatch_target_up", REPLICA)).contains(1.0);
    // The tenants' last values are kept, and their alerts hold their state.
    assertThat(agent.metric("freightwatch_odoo_tenant_info", Map.of("tenant", "acme")))
        .contains(1.0);
    String targets = agent.get("/api/v1/targets").body();
    assertThat(targets).contains("\"target\":\"lab-primary\",\"health\":\"down\"");

    lab.postgres().startPrimary();

    await().atMost(Duration.ofSeconds(60)).until(() ->
        agent.metric("freightwatch_target_up", PRIMARY).orElse(-1.0) == 1.0
            && agent.metric("freightwatch_target_up", ACME).orElse(-1.0) == 1.0);
    assertThat(agent.metric("freightwatch_postgres_in_recovery",
        Map.of("instance", "lab-primary"))).contains(0.0);
  }
}
