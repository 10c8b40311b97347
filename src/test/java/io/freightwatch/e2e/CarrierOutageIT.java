package io.freightwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.freightwatch.lab.Lab;
import io.freightwatch.testing.AgentUnderTest;
import io.freightwatch.testing.LabExtension;
import io.freightwatch.testing.WebhookCapture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A carrier API outage for one tenant of the lab: its label jobs fail and retry, the carrier label
 * backlog alert fires for that tenant alone with the count of label jobs waiting for a retry that
 * PostgreSQL holds, reaches the webhook once, and resolves once the carrier is back. The summary
 * names no value the agent does not know.
 */
@ExtendWith(LabExtension.class)
class CarrierOutageIT {

  private static final String RULE = "carrier_label_backlog";
  private static final Pattern RETRYING = Pattern.compile("(\\d+) label jobs in root\\.carrier");

  private final Lab lab;
  private WebhookCapture webhook;
  private AgentUnderTest agent;

  CarrierOutageIT(Lab lab) {
    this.lab = lab;
  }

  @BeforeEach
  void startAgent(@TempDir Path dir) throws Exception {
    webhook = new WebhookCapture();
    // The shipped rule (more than 20 label jobs waiting for a retry, for 2 minutes) takes minutes;
    // 10 jobs for 2 seconds exercises the same rule in seconds.
    agent = AgentUnderTest.start(lab, dir, webhook.url(), rule -> rule.name().equals(RULE)
        ? rule.withThreshold(10).withFor(Duration.ofSeconds(2)) : rule);
  }

  @AfterEach
  void stop() throws Exception {
    lab.faults().carrierOutage("acme", false);
    lab.workload().resume("acme");
    agent.close();
    webhook.close();
  }

  @Test
  void backlogAlertFollowsCarrierOutage() throws Exception {
    lab.faults().carrierOutage("acme", true);

    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
        .until(() -> !agent.alerts(RULE, "firing").isEmpty());
    assertThat(agent.alerts(RULE, "firing"))
        .extracting(a -> a.get("labels").get("tenant").asText())
        .containsExactly("acme");

    // Freeze acme's tables, then wait until the agent has scraped the frozen state.
    lab.workload().pause("acme");
    int truth = retryingLabels();
    await().atMost(Duration.ofSeconds(15)).until(() -> summaryCount() == truth);
    JsonNode alert = agent.alerts(RULE, "firing").get(0);
    String summary = alert.get("annotations").get("summary").asText();
    assertThat(retryingLabels()).as("frozen count of label jobs waiting for a retry")
        .isEqualTo(truth);
    assertThat(alert.get("value").asDouble()).isEqualTo(truth);
    assertThat(summary).doesNotContain("unknown");

    String fingerprint = alert.get("fingerprint").asText();
    await().atMost(Duration.ofSeconds(10)).until(() -> !webhook.received(RULE).isEmpty());
    Thread.sleep(4000); // several more evaluations: none of them may notify again
    assertThat(webhook.received(RULE))
        .singleElement()
        .satisfies(received -> {
          assertThat(received.status()).isEqualTo("firing");
          assertThat(received.fingerprint()).isEqualTo(fingerprint);
          assertThat(received.label("tenant")).isEqualTo("acme");
        });

    lab.faults().carrierOutage("acme", false);
    lab.workload().resume("acme");
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
        .until(() -> webhook.received(RULE).size() == 2);
    List<WebhookCapture.Received> received = webhook.received(RULE);
    assertThat(received.get(1).status()).isEqualTo("resolved");
    assertThat(received.get(1).fingerprint()).isEqualTo(fingerprint);
    // The firing text is rendered again at each evaluation, so its counts may differ from the
    // first notification's. The resolved text shows the worst of them, or the last one when the
    // backlog never grew past its first firing value.
    assertThat(received.get(1).summary()).startsWith("Resolved after firing for ")
        .containsAnyOf(". At its worst: Carrier labels for acme are backing up: ",
            ". While firing: Carrier labels for acme are backing up: ");
    assertThat(agent.alerts(RULE, "resolved")).hasSize(1);
  }

  private int summaryCount() throws Exception {
    List<JsonNode> firing = agent.alerts(RULE, "firing");
    if (firing.isEmpty()) {
      return -1;
    }
    return Integer.parseInt(match(RETRYING, firing.get(0).get("annotations").get("summary")
        .asText()));
  }

  /** Counts acme's label jobs that failed an attempt and wait for a retry, in PostgreSQL. */
  private int retryingLabels() throws Exception {
    String sql = """
        SELECT count(*) FROM queue_job
        WHERE state = 'pending' AND channel = 'root.carrier' AND retry > 0
        """;
    try (Connection connection = lab.postgres().connectPrimary("odoo_acme");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getInt(1);
    }
  }

  private static String match(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    assertThat(matcher.find()).as("\"%s\" in \"%s\"", pattern, text).isTrue();
    return matcher.group(1);
  }
}
