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
 * backlog alert fires for that tenant alone with the pending count and oldest age PostgreSQL
 * holds, reaches the webhook once, and resolves once the carrier is back.
 */
@ExtendWith(LabExtension.class)
class CarrierOutageIT {

  private static final String RULE = "carrier_label_backlog";
  private static final Pattern PENDING = Pattern.compile("(\\d+) label jobs pending");
  private static final Pattern OLDEST = Pattern.compile("the oldest waiting ([0-9hms ]+)\\.");

  private final Lab lab;
  private WebhookCapture webhook;
  private AgentUnderTest agent;

  CarrierOutageIT(Lab lab) {
    this.lab = lab;
  }

  @BeforeEach
  void startAgent(@TempDir Path dir) throws Exception {
    webhook = new WebhookCapture();
    // The shipped threshold (50 jobs for 2 minutes) takes minutes at the lab's label rate;
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
    PendingLabels truth = pendingLabels();
    await().atMost(Duration.ofSeconds(15)).until(() -> summaryCount() == truth.count());
    PendingLabels after = pendingLabels();
    JsonNode alert = agent.alerts(RULE, "firing").get(0);
    String summary = alert.get("annotations").get("summary").asText();
    assertThat(after.count()).as("frozen pending count").isEqualTo(truth.count());
    assertThat(alert.get("value").asDouble()).isEqualTo(truth.count());
    long shownAgeSeconds = parseDuration(match(OLDEST, summary));
    assertThat(shownAgeSeconds)
        .as("oldest age in \"%s\" against PostgreSQL's %.1f s", summary, after.oldestSeconds())
        .isBetween((long) after.oldestSeconds() - 4, (long) Math.ceil(after.oldestSeconds()));

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
    // first notification's.
    assertThat(received.get(1).summary()).startsWith("Resolved after firing for ")
        .contains(". While firing: Carrier labels for acme are backing up: ");
    assertThat(agent.alerts(RULE, "resolved")).hasSize(1);
  }

  private int summaryCount() throws Exception {
    List<JsonNode> firing = agent.alerts(RULE, "firing");
    if (firing.isEmpty()) {
      return -1;
    }
    return Integer.parseInt(match(PENDING, firing.get(0).get("annotations").get("summary")
        .asText()));
  }

  /** Reads acme's label backlog straight from PostgreSQL, as the Odoo UI would count it. */
  private PendingLabels pendingLabels() throws Exception {
    String sql = """
        SELECT count(*),
               extract(epoch FROM (now() AT TIME ZONE 'UTC') - min(date_created) FILTER (
                   WHERE eta IS NULL OR eta <= now() AT TIME ZONE 'UTC' OR retry > 0))
        FROM queue_job
        WHERE state = 'pending' AND channel = 'root.carrier'
        """;
    try (Connection connection = lab.postgres().connectPrimary("odoo_acme");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return new PendingLabels(rows.getInt(1), rows.getDouble(2));
    }
  }

  private record PendingLabels(int count, double oldestSeconds) {}

  private static String match(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    assertThat(matcher.find()).as("\"%s\" in \"%s\"", pattern, text).isTrue();
    return matcher.group(1);
  }

  /** Parses the summary's duration format: {@code 1h 5m}, {@code 25m 3s}, {@code 42s}. */
  static long parseDuration(String text) {
    long seconds = 0;
    for (String part : text.trim().split(" ")) {
      long amount = Long.parseLong(part.substring(0, part.length() - 1));
      switch (part.charAt(part.length() - 1)) {
        case 'd' -> seconds += amount * 86400;
        case 'h' -> seconds += amount * 3600;
        case 'm' -> seconds += amount * 60;
        case 's' -> seconds += amount;
        default -> throw new IllegalArgumentException("unknown unit in " + text);
      }
    }
    return seconds;
  }
}
