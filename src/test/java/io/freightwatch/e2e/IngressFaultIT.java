package io.freightwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
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
 * A 5xx and latency spike on one Traefik service (served by the lab's Traefik stand-in, since
 * Traefik cannot be installed on the build machines) fires the ingress error ratio alert for that
 * service alone with the injected ratio, and the handheld latency alert with a slow p95.
 */
@ExtendWith(LabExtension.class)
class IngressFaultIT {

  private static final String SERVICE = "odoo-globex-handheld@kubernetes";
  private static final double ERROR_RATIO = 0.30;

  private final Lab lab;
  private WebhookCapture webhook;
  private AgentUnderTest agent;

  IngressFaultIT(Lab lab) {
    this.lab = lab;
  }

  @BeforeEach
  void startAgent(@TempDir Path dir) throws Exception {
    webhook = new WebhookCapture();
    agent = AgentUnderTest.start(lab, dir, webhook.url(), rule -> rule.withFor(Duration.ofSeconds(2)));
  }

  @AfterEach
  void stop() throws Exception {
    lab.faults().ingressFault(SERVICE, false);
    agent.close();
    webhook.close();
  }

  @Test
  void spikeFiresForFaultyServiceOnly() throws Exception {
    lab.faults().ingressFault(SERVICE, ERROR_RATIO, true);

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
        .until(() -> !agent.alerts("ingress_error_ratio", "firing").isEmpty());
    // Wait one full window (10 s) so that no request from before the fault is counted.
    Thread.sleep(11_000);

    List<JsonNode> firing = agent.alerts("ingress_error_ratio", "firing");
    assertThat(firing).singleElement().satisfies(alert -> {
      assertThat(alert.get("labels").get("service").asText()).isEqualTo(SERVICE);
      assertThat(alert.get("labels").get("tenant").asText()).isEqualTo("globex");
      assertThat(alert.get("labels").get("app").asText()).isEqualTo("handheld");
      assertThat(alert.get("value").asDouble()).isCloseTo(ERROR_RATIO, within(0.02));
    });
    double ratio = agent.metric("freightwatch_traefik_service_error_ratio",
        Map.of("service", SERVICE)).orElseThrow();
    assertThat(ratio).isCloseTo(ERROR_RATIO, within(0.02));
    assertThat(agent.metric("freightwatch_traefik_service_error_ratio",
        Map.of("service", "odoo-globex-web@kubernetes"))).hasValueSatisfying(
            healthy -> assertThat(healthy).isLessThan(0.05));

    await().atMost(Duration.ofSeconds(30)).until(() ->
        !agent.alerts("handheld_latency", "firing").isEmpty());
    JsonNode slow = agent.alerts("handheld_latency", "firing").get(0);
    assertThat(slow.get("labels").get("service").asText()).isEqualTo(SERVICE);
    // 90 % of requests take 2 to 4 s, so the p95 estimate lies in the (2.5, 5] bucket.
    assertThat(slow.get("value").asDouble()).isBetween(2.5, 5.0);
    assertThat(agent.alerts("handheld_latency", "firing"))
        .extracting(a -> a.get("labels").get("service").asText())
        .containsOnly(SERVICE);

    lab.faults().ingressFault(SERVICE, false);
    await().atMost(Duration.ofSeconds(60)).until(() ->
        webhook.received("ingress_error_ratio").stream().anyMatch(r -> r.status().equals("resolved")));
    assertThat(webhook.received("ingress_error_ratio"))
        .extracting(WebhookCapture.Received::status)
        .containsExactly("firing", "resolved");
  }
}
