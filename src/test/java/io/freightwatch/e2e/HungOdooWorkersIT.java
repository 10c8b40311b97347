package io.freightwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.freightwatch.lab.Lab;
import io.freightwatch.testing.AgentUnderTest;
import io.freightwatch.testing.LabExtension;
import io.freightwatch.testing.WebhookCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One tenant's Odoo workers stop replying (the lab's Odoo HTTP stand-in, since Odoo cannot run on
 * the build machines, keeps its health requests open): the probe reports that tenant down, the
 * shipped rule fires for it alone, and it resolves once the workers reply again.
 */
@ExtendWith(LabExtension.class)
class HungOdooWorkersIT {

  private final Lab lab;
  private String tenant;
  private WebhookCapture webhook;
  private AgentUnderTest agent;

  HungOdooWorkersIT(Lab lab) {
    this.lab = lab;
  }

  @BeforeEach
  void startAgent(@TempDir Path dir) throws Exception {
    tenant = lab.tenants().names().get(1);
    webhook = new WebhookCapture();
    agent = AgentUnderTest.start(lab, dir, webhook.url(),
        rule -> rule.withFor(Duration.ofSeconds(2)));
  }

  @AfterEach
  void stop() throws Exception {
    lab.faults().odooWorkersHung(tenant, false);
    agent.close();
    webhook.close();
  }

  @Test
  void hungTenantFiresAndResolves() throws Exception {
    String healthy = lab.tenants().names().get(0);
    // A freshly started agent's event loop was seen blocked for up to 2 s during its first
    // scrapes, long enough for probes of every tenant to time out, so the test waits for a quiet
    // start.
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
        agent.metric("freightwatch_odoo_http_up", Map.of("tenant", tenant)).orElse(0.0) == 1
            && agent.alerts("odoo_workers_not_answering", "firing").isEmpty()
            && agent.alerts("odoo_workers_not_answering", "pending").isEmpty());
    int before = webhook.received("odoo_workers_not_answering").size();

    lab.faults().odooWorkersHung(tenant, true);

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
        .until(() -> !firingFor(tenant).isEmpty());
    assertThat(firingFor(tenant)).singleElement().satisfies(alert ->
        assertThat(alert.get("labels").get("service").asText()).isEqualTo(tenant + "-web"));
    assertThat(agent.metric("freightwatch_odoo_http_up", Map.of("tenant", tenant)))
        .hasValue(0.0);
    assertThat(agent.metric("freightwatch_odoo_http_status_code", Map.of("tenant", tenant)))
        .isEmpty();
    assertThat(agent.metric("freightwatch_odoo_http_up", Map.of("tenant", healthy)))
        .hasValue(1.0);
    assertThat(agent.metric("freightwatch_odoo_http_db_up", Map.of("tenant", healthy)))
        .hasValue(1.0);
    assertThat(lab.odooHttp().unansweredRequests()).isPositive();

    lab.faults().odooWorkersHung(tenant, false);
    await().atMost(Duration.ofSeconds(60)).until(() -> sentFor(tenant, before)
        .contains("resolved"));
    assertThat(sentFor(tenant, before)).startsWith("firing", "resolved");
  }

  private List<JsonNode> firingFor(String name) throws Exception {
    return agent.alerts("odoo_workers_not_answering", "firing").stream()
        .filter(alert -> alert.get("labels").get("tenant").asText().equals(name))
        .toList();
  }

  /** Returns the statuses sent for the tenant's alert after the first {@code skip} messages. */
  private List<String> sentFor(String name, int skip) {
    List<WebhookCapture.Received> received = webhook.received("odoo_workers_not_answering");
    return received.subList(skip, received.size()).stream()
        .filter(message -> message.label("tenant").equals(name))
        .map(WebhookCapture.Received::status)
        .toList();
  }
}
