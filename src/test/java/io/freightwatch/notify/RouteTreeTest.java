package io.freightwatch.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.config.RouteConfig;
import io.freightwatch.store.LabelMatcher;
import io.freightwatch.store.Labels;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTreeTest {

  private static RouteConfig route(
      String receiver,
      List<LabelMatcher> matchers,
      boolean continueMatching,
      List<RouteConfig> children) {
    return new RouteConfig(
        receiver,
        matchers,
        continueMatching,
        List.of("alertname"),
        false,
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        Duration.ofHours(4),
        List.of(),
        children);
  }

  private static final RouteTree TREE =
      new RouteTree(
          route(
              "ops",
              List.of(),
              false,
              List.of(
                  route(
                      "pagerduty",
                      List.of(LabelMatcher.equal("severity", "critical")),
                      true,
                      List.of()),
                  route(
                      "teams",
                      List.of(LabelMatcher.parse("domain", "=~transport|warehouse")),
                      false,
                      List.of(
                          route(
                              "night",
                              List.of(LabelMatcher.equal("tenant", "acme")),
                              false,
                              List.of()))),
                  route(
                      "chat",
                      List.of(LabelMatcher.equal("domain", "transport")),
                      false,
                      List.of()))));

  private static List<String> receivers(String... labels) {
    return TREE.match(Labels.of(labels)).stream().map(r -> r.config().receiver()).toList();
  }

  @Test
  void unmatchedAlertStaysAtRoot() {
    assertThat(receivers("severity", "info", "domain", "finance")).containsExactly("ops");
  }

  @Test
  void continueTriesLaterSiblings() {
    assertThat(receivers("severity", "critical", "domain", "warehouse"))
        .containsExactly("pagerduty", "teams");
  }

  @Test
  void firstMatchStopsWithoutContinue() {
    assertThat(receivers("severity", "warning", "domain", "transport")).containsExactly("teams");
  }

  @Test
  void deepestMatchingChildWins() {
    assertThat(receivers("domain", "transport", "tenant", "acme")).containsExactly("night");
  }

  @Test
  void groupLabelsFollowGroupBy() {
    RouteTree.Route route = TREE.match(Labels.of("alertname", "x", "tenant", "acme")).get(0);

    assertThat(route.groupLabels(Labels.of("alertname", "x", "tenant", "acme")))
        .isEqualTo(Labels.of("alertname", "x"));
  }
}
