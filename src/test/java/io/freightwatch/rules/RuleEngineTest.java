package io.freightwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.config.RuleSpec;
import io.freightwatch.config.SummaryTemplate;
import io.freightwatch.store.LabelMatcher;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleEngineTest {

  private static final Instant T0 = Instant.parse("2026-03-10T14:00:00Z");
  private static final String JOBS = "freightwatch_odoo_queue_jobs";
  private static final String AGE = "freightwatch_odoo_queue_job_oldest_pending_age_seconds";

  private final SeriesStore store = new SeriesStore(Duration.ofMinutes(30));

  private static RuleSpec backlogRule(Duration forDuration) {
    return new RuleSpec("carrier_label_backlog", "test.yaml:1", JOBS,
        List.of(LabelMatcher.equal("channel", "root.carrier"),
            LabelMatcher.equal("state", "pending")),
        RuleSpec.ValueFunction.VALUE, Duration.ZERO, RuleSpec.Comparison.GREATER, 50,
        forDuration, Map.of("team", "transport"),
        new RuleSpec.Impact(RuleSpec.Domain.TRANSPORT, "carrier label printing",
            SummaryTemplate.parse("Carrier labels for {{ $labels.tenant }}: {{ $value }} pending,"
                + " oldest {{ signal \"" + AGE + "\" | duration }}"),
            RuleSpec.Severity.CRITICAL, "logistics-platform", "runbooks/carrier.md", "", true));
  }

  private void scrapeTenant(String tenant, double pending, double oldestAge, Instant time) {
    Labels base = Labels.of("tenant", tenant, "cluster", "lab");
    store.applyScrape("target:odoo/" + tenant, List.of(
        Sample.gauge(JOBS, "", pending, base.with("channel", "root.carrier").with("state",
            "pending")),
        Sample.gauge(JOBS, "", 3, base.with("channel", "root.edi").with("state", "pending")),
        Sample.gauge(AGE, "", oldestAge, base.with("channel", "root.carrier")),
        Sample.gauge(AGE, "", 5, base.with("channel", "root.edi"))), time);
  }

  @Test
  void firesForMatchingTenantOnly() {
    RuleEngine engine = new RuleEngine(store, List.of(backlogRule(Duration.ofMinutes(1))));
    scrapeTenant("acme", 120, 1500, T0);
    scrapeTenant("globex", 10, 20, T0);

    assertThat(engine.evaluate(T0)).isEmpty();
    assertThat(engine.alerts()).singleElement()
        .satisfies(a -> assertThat(a.state()).isEqualTo(AlertState.PENDING));

    scrapeTenant("acme", 130, 1560, T0.plusSeconds(60));
    scrapeTenant("globex", 12, 20, T0.plusSeconds(60));
    List<AlertEvent> events = engine.evaluate(T0.plusSeconds(60));

    assertThat(events).singleElement().satisfies(event -> {
      assertThat(event.kind()).isEqualTo(AlertEvent.Kind.FIRING);
      Alert alert = event.alert();
      assertThat(alert.labels().get("tenant")).isEqualTo("acme");
      assertThat(alert.labels().get("alertname")).isEqualTo("carrier_label_backlog");
      assertThat(alert.labels().get("severity")).isEqualTo("critical");
      assertThat(alert.labels().get("domain")).isEqualTo("transport");
      assertThat(alert.labels().get("team")).isEqualTo("transport");
      assertThat(alert.labels().get("customer_facing")).isEqualTo("true");
      assertThat(alert.value()).isEqualTo(130);
      assertThat(alert.summary())
          .isEqualTo("Carrier labels for acme: 130 pending, oldest 26m 0s");
      assertThat(alert.annotations()).containsEntry("runbook", "runbooks/carrier.md");
    });
  }

  @Test
  void resolvesWhenSeriesDisappears() {
    RuleEngine engine = new RuleEngine(store, List.of(backlogRule(Duration.ZERO)));
    scrapeTenant("acme", 120, 1500, T0);
    assertThat(engine.evaluate(T0)).hasSize(1);

    store.applyScrape("target:odoo/acme", List.of(), T0.plusSeconds(15));
    List<AlertEvent> events = engine.evaluate(T0.plusSeconds(15));

    assertThat(events).singleElement().satisfies(event -> {
      assertThat(event.kind()).isEqualTo(AlertEvent.Kind.RESOLVED);
      assertThat(event.alert().resolvedAt()).contains(T0.plusSeconds(15));
    });
  }

  @Test
  void holdsStateWhileTargetIsDown() {
    RuleEngine engine = new RuleEngine(store, List.of(backlogRule(Duration.ZERO)));
    scrapeTenant("acme", 120, 1500, T0);
    engine.evaluate(T0);

    store.markFailed("target:odoo/acme");

    assertThat(engine.evaluate(T0.plusSeconds(15))).isEmpty();
    assertThat(engine.alerts()).singleElement()
        .satisfies(a -> assertThat(a.state()).isEqualTo(AlertState.FIRING));
  }

  @Test
  void fingerprintIsStableAcrossEngines() {
    scrapeTenant("acme", 120, 1500, T0);
    RuleEngine first = new RuleEngine(store, List.of(backlogRule(Duration.ZERO)));
    RuleEngine second = new RuleEngine(store, List.of(backlogRule(Duration.ZERO)));

    String a = first.evaluate(T0).get(0).alert().fingerprint();
    String b = second.evaluate(T0).get(0).alert().fingerprint();

    assertThat(a).isEqualTo(b).hasSize(16);
  }

  @Test
  void increaseRuleUsesCounterDeltas() {
    RuleSpec evictions = new RuleSpec("redis_evictions", "test.yaml:1",
        "freightwatch_redis_evicted_keys_total", List.of(), RuleSpec.ValueFunction.INCREASE,
        Duration.ofSeconds(45), RuleSpec.Comparison.GREATER, 100, Duration.ZERO, Map.of(),
        new RuleSpec.Impact(RuleSpec.Domain.PLATFORM, "",
            SummaryTemplate.parse("{{ $value }} keys evicted"), RuleSpec.Severity.WARNING,
            "platform", "runbooks/redis.md", "", false));
    RuleEngine engine = new RuleEngine(store, List.of(evictions));
    Labels labels = Labels.of("instance", "sessions");
    double[] values = {1000, 1050, 20, 120};
    for (int i = 0; i < values.length; i++) {
      store.applyScrape("target:redis/sessions", List.of(Sample.counter(
          "freightwatch_redis_evicted_keys_total", "", values[i], labels)), T0.plusSeconds(15L * i));
    }

    List<AlertEvent> events = engine.evaluate(T0.plusSeconds(45));

    // 1000 -> 1050 is +50, the drop to 20 is a reset worth +20, then +100: 170 in all. The
    // samples span the whole window, so nothing is extrapolated.
    assertThat(events).singleElement().satisfies(event -> {
      assertThat(event.alert().value()).isEqualTo(170);
      assertThat(event.alert().summary()).isEqualTo("170 keys evicted");
    });
  }

  @Test
  void unknownSignalRendersUnknown() {
    RuleEngine engine = new RuleEngine(store, List.of(backlogRule(Duration.ZERO)));
    store.applyScrape("target:odoo/acme", List.of(Sample.gauge(JOBS, "", 60,
        Labels.of("tenant", "acme", "channel", "root.carrier", "state", "pending"))), T0);

    assertThat(engine.evaluate(T0)).singleElement().satisfies(event -> assertThat(
        event.alert().summary()).isEqualTo("Carrier labels for acme: 60 pending, oldest unknown"));
  }

  @Test
  void resolvedAlertKeepsFiringText() {
    RuleEngine engine = new RuleEngine(store, List.of(backlogRule(Duration.ZERO)));
    scrapeTenant("acme", 120, 1500, T0);
    engine.evaluate(T0);

    scrapeTenant("acme", 20, 30, T0.plusSeconds(15));
    List<AlertEvent> events = engine.evaluate(T0.plusSeconds(15));

    assertThat(events).singleElement().satisfies(event -> {
      assertThat(event.kind()).isEqualTo(AlertEvent.Kind.RESOLVED);
      assertThat(event.alert().value()).isEqualTo(120);
      assertThat(event.alert().summary()).startsWith("Carrier labels for acme: 120 pending");
    });
  }

  @Test
  void resolvedAlertKeepsWorstText() {
    RuleEngine engine = new RuleEngine(store, List.of(backlogRule(Duration.ZERO)));
    scrapeTenant("acme", 120, 1500, T0);
    engine.evaluate(T0);
    scrapeTenant("acme", 300, 1800, T0.plusSeconds(15));
    engine.evaluate(T0.plusSeconds(15));
    scrapeTenant("acme", 80, 600, T0.plusSeconds(30));
    engine.evaluate(T0.plusSeconds(30));

    scrapeTenant("acme", 20, 30, T0.plusSeconds(45));
    List<AlertEvent> events = engine.evaluate(T0.plusSeconds(45));

    assertThat(events).singleElement().satisfies(event -> {
      assertThat(event.kind()).isEqualTo(AlertEvent.Kind.RESOLVED);
      assertThat(event.alert().summary()).startsWith("Carrier labels for acme: 80 pending");
      assertThat(event.alert().annotations().get(Alert.WORST_SUMMARY))
          .startsWith("Carrier labels for acme: 300 pending, oldest 30m 0s");
    });
  }

  @Test
  void worstTextStartsAgainAtNextFiring() {
    RuleEngine engine = new RuleEngine(store, List.of(backlogRule(Duration.ZERO)));
    scrapeTenant("acme", 300, 1800, T0);
    engine.evaluate(T0);
    scrapeTenant("acme", 20, 30, T0.plusSeconds(15));
    engine.evaluate(T0.plusSeconds(15));

    scrapeTenant("acme", 90, 100, T0.plusSeconds(30));
    List<AlertEvent> events = engine.evaluate(T0.plusSeconds(30));

    assertThat(events).singleElement().satisfies(event -> {
      assertThat(event.kind()).isEqualTo(AlertEvent.Kind.FIRING);
      assertThat(event.alert().annotations()).doesNotContainKey(Alert.WORST_SUMMARY);
    });
  }
}
