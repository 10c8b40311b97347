package io.freightwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.freightwatch.lab.Lab;
import io.freightwatch.testing.AgentUnderTest;
import io.freightwatch.testing.HeadlessChromium;
import io.freightwatch.testing.LabExtension;
import io.freightwatch.testing.WebhookCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads the status page of an agent running against the lab in headless Chromium and checks that
 * targets, firing alerts, SLOs and deliveries show the values the API reports. A screenshot is
 * kept in {@code target/status-page.png}.
 */
@ExtendWith(LabExtension.class)
class StatusPageIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RULE = "handheld_latency";
  private static final Path SCREENSHOT = Path.of("target", "status-page.png");

  private final Lab lab;
  private WebhookCapture webhook;
  private AgentUnderTest agent;
  private Instant agentStartedAt;
  private Instant cutoffAt;
  private HeadlessChromium chromium;

  StatusPageIT(Lab lab) {
    this.lab = lab;
  }

  @BeforeEach
  void startAgent(@TempDir Path dir) throws Exception {
    chromium = new HeadlessChromium(Files.createDirectories(dir.resolve("chromium")));
    webhook = new WebhookCapture();
    // Any handheld latency above 0 s fires after 1 s, so the page has live firing alerts without
    // a fault.
    agent = AgentUnderTest.start(lab, dir.resolve("agent"), webhook.url(), rule ->
        rule.name().equals(RULE) ? rule.withThreshold(0).withFor(Duration.ofSeconds(1)) : rule,
        calendarWithCutoffSoon());
  }

  @AfterEach
  void stop() throws Exception {
    agent.close();
    webhook.close();
  }

  @Test
  void pageShowsLiveAgentState() throws Exception {
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
        .until(() -> agent.get("/readyz").statusCode() == 200
            && !agent.alerts(RULE, "firing").isEmpty()
            && !webhook.received(RULE).isEmpty());
    JsonNode firing = agent.alerts(RULE, "firing").get(0);
    String tenant = firing.get("labels").get("tenant").asText();

    String dom = chromium.dumpDom(agent.baseUrl() + "/");

    assertThat(dom).contains("<title>Freightwatch status</title>");
    assertThat(dom).contains("id=\"readiness\" class=\"ok\">ready<");
    assertThat(targetHealth(dom, "postgres", "lab-primary")).isEqualTo("up");
    assertThat(targetHealth(dom, "postgres", "lab-replica")).isEqualTo("up");
    assertThat(targetHealth(dom, "redis", "sessions")).isEqualTo("up");
    assertThat(targetHealth(dom, "traefik", "ingress")).isEqualTo("up");
    assertThat(number(dom, "targets-up")).isGreaterThanOrEqualTo(4);
    assertThat(number(dom, "firing-count")).isGreaterThanOrEqualTo(1);
    assertThat(section(dom, "alerts"))
        .contains("data-domain=\"warehouse\"")
        .contains("data-tenant=\"" + tenant + "\"")
        .contains("data-alert=\"" + RULE + "\"")
        .contains("data-fingerprint=\"" + firing.get("fingerprint").asText() + "\"")
        .contains("Handheld scanners of " + tenant);
    assertTimeToCutoff(section(dom, "alerts"), Instant.now());
    JsonNode slos = JSON.readTree(agent.get("/api/v1/slos").body()).path("data").path("slos");
    if (slos.isEmpty()) {
      assertThat(section(dom, "slos")).contains("No SLOs configured.");
    }
    for (JsonNode slo : slos) {
      assertThat(section(dom, "slos"))
          .contains("data-slo=\"" + slo.path("name").asText() + "\"")
          .contains("error budget left");
    }
    assertThat(section(dom, "deliveries"))
        .containsPattern("data-receiver=\"ops\" data-outcome=\"delivered\"");
    assertThat(dom).doesNotContain("<script").doesNotContain("http://fonts")
        .doesNotContain("https://");

    Files.deleteIfExists(SCREENSHOT);
    chromium.screenshot(agent.baseUrl() + "/", SCREENSHOT, 1280, 1600);
    byte[] png = Files.readAllBytes(SCREENSHOT);
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    assertThat(png.length).as("screenshot size in bytes").isGreaterThan(10_000);
  }

  /**
   * Checks the time to cutoff against bounds. The page computes it when it renders, which is some
   * time between the agent's start and {@code renderedBy}, and a slow machine moves that moment.
   */
  private void assertTimeToCutoff(String alerts, Instant renderedBy) {
    Matcher matcher = Pattern.compile(
            "class=\"cutoff\">(\\d+)m (\\d+)s \\(lab pickup at (\\d\\d:\\d\\d) UTC\\)<")
        .matcher(alerts);
    assertThat(matcher.find()).as("time to cutoff in %s", alerts).isTrue();
    Duration shown = Duration.ofMinutes(Long.parseLong(matcher.group(1)))
        .plusSeconds(Long.parseLong(matcher.group(2)));
    assertThat(matcher.group(3))
        .isEqualTo(cutoffAt.atZone(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("HH:mm")));
    assertThat(shown)
        .isLessThanOrEqualTo(Duration.between(agentStartedAt, cutoffAt))
        .isGreaterThanOrEqualTo(Duration.between(renderedBy, cutoffAt).minusSeconds(1));
  }

  /**
   * Returns a calendar whose only site has a warehouse cutoff 40 minutes from now, inside the
   * one-hour escalation horizon, so that the firing handheld alerts name a time to cutoff.
   */
  private String calendarWithCutoffSoon() {
    agentStartedAt = Instant.now();
    cutoffAt = agentStartedAt.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(40));
    LocalTime cutoff = LocalTime.ofInstant(cutoffAt, ZoneOffset.UTC);
    return """
        calendar:
          escalation: {horizon: 1h, severity: critical}
          sites:
            - name: lab-warehouse
              tenants: [acme, globex, initech]
              time_zone: UTC
              cutoffs:
                - {name: lab pickup, days: [mon, tue, wed, thu, fri, sat, sun], at: "%s", domains: [warehouse]}
        """.formatted(cutoff.format(DateTimeFormatter.ofPattern("HH:mm")));
  }

  private static String targetHealth(String dom, String source, String target) {
    Matcher matcher = Pattern.compile("data-source=\"" + source + "\" data-target=\"" + target
        + "\" data-health=\"([a-z]+)\"").matcher(dom);
    assertThat(matcher.find()).as("row of target %s/%s", source, target).isTrue();
    return matcher.group(1);
  }

  private static int number(String dom, String id) {
    Matcher matcher = Pattern.compile("id=\"" + id + "\">(\\d+)<").matcher(dom);
    assertThat(matcher.find()).as("element #%s", id).isTrue();
    return Integer.parseInt(matcher.group(1));
  }

  private static String section(String dom, String id) {
    int start = dom.indexOf("<section id=\"" + id + "\">");
    assertThat(start).as("section #%s", id).isNotNegative();
    return dom.substring(start, dom.indexOf("</section>", start));
  }
}
