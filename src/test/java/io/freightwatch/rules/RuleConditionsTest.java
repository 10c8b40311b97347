package io.freightwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.config.RuleCondition;
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
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RuleConditionsTest {

  private static final Instant T0 = Instant.parse("2026-03-10T14:00:00Z");
  private static final String CALLS = "freightwatch_integration_requests_total";
  private static final String JOBS = "freightwatch_odoo_queue_jobs";

  private final SeriesStore store = new SeriesStore(Duration.ofHours(1));

  private static RuleSpec rule(String name, RuleCondition condition, Duration forDuration,
      Duration keepFiringFor, List<RuleSpec.Override> overrides) {
    return new RuleSpec(name, "test.yaml:1", "unused", List.of(), RuleSpec.ValueFunction.VALUE,
        Duration.ZERO, RuleSpec.Comparison.GREATER, Double.NaN, forDuration, Map.of(),
        new RuleSpec.Impact(RuleSpec.Domain.INTEGRATIONS, "",
            SummaryTemplate.parse("{{ $value }} for {{ $labels.tenant }}"),
            RuleSpec.Severity.WARNING, "ops", "runbooks/x.md", "", false),
        condition, keepFiringFor, overrides);
  }

  private static RuleCondition.Selector increase(String signal, Duration window,
      LabelMatcher... matchers) {
    return new RuleCondition.Selector(signal, List.of(matchers), RuleSpec.ValueFunction.INCREASE,
        window);
  }

  private void calls(String pod, double ok, double failed, Instant now) {
    Labels base = Labels.of("tenant", "acme", "integration", "dhl", "instance", pod);
    store.applyScrape("target:" + pod, List.of(
        Sample.counter(CALLS, "", ok, base.with("code", "200")),
        Sample.counter(CALLS, "", failed, base.with("code", "503"))), now);
  }

  private void jobs(String tenant, double pending, double started, Instant now) {
    Labels base = Labels.of("tenant", tenant, "channel", "root.edi");
    store.applyScrape("target:odoo/" + tenant, List.of(
        Sample.gauge(JOBS, "", pending, base.with("state", "pending")),
        Sample.gauge(JOBS, "", started, base.with("state", "started"))), now);
  }

  @Test
  void ratioTakesIncreasesBeforeSum() {
    RuleCondition ratio = new RuleCondition.Ratio(
        increase(CALLS, Duration.ofMinutes(2), LabelMatcher.parse("code", "=~5..")),
        increase(CALLS, Duration.ofMinutes(2)), List.of("integration"),
        RuleSpec.Comparison.GREATER, 0.02, 10);
    RuleEngine engine = new RuleEngine(store, List.of(rule("partner", ratio, Duration.ZERO,
        Duration.ZERO, List.of())));
    // Pod b restarts between the second and third scrape; its counters drop to near zero.
    double[][] a = {{10_000, 10}, {10_100, 11}, {10_200, 12}};
    double[][] b = {{50_000, 40}, {50_100, 41}, {90, 10}};
    List<AlertEvent> events = List.of();
    for (int i = 0; i < 3; i++) {
      calls("a", a[i][0], a[i][1], T0.plusSeconds(60L * i));
      calls("b", b[i][0], b[i][1], T0.plusSeconds(60L * i));
      events = engine.evaluate(T0.plusSeconds(60L * i));
    }

    // Per pod: a +200 ok +2 failed, b +190 ok (100, then 90 after the reset) +11 failed.
    assertThat(events).singleElement().satisfies(event -> {
      assertThat(event.alert().value()).isEqualTo(13.0 / 403.0);
      assertThat(event.alert().labels().get("integration")).isEqualTo("dhl");
    });
  }

  @Test
  void ratioBelowMinimumDenominatorDoesNotHold() {
    RuleCondition ratio = new RuleCondition.Ratio(
        increase(CALLS, Duration.ofMinutes(2), LabelMatcher.parse("code", "=~5..")),
        increase(CALLS, Duration.ofMinutes(2)), List.of("integration"),
        RuleSpec.Comparison.GREATER, 0.05, 100);
    RuleEngine engine = new RuleEngine(store, List.of(rule("partner", ratio, Duration.ZERO,
        Duration.ZERO, List.of())));
    calls("a", 10, 0, T0);
    engine.evaluate(T0);
    calls("a", 15, 5, T0.plusSeconds(60));

    assertThat(engine.evaluate(T0.plusSeconds(60))).isEmpty();
  }

  @Test
  void absentHoldsWithoutFreshSeries() {
    RuleCondition absent = new RuleCondition.Absent("freightwatch_odoo_edi_exchanges_total",
        List.of(LabelMatcher.equal("tenant", "acme")));
    RuleEngine engine = new RuleEngine(store, List.of(rule("edi_feed_missing", absent,
        Duration.ZERO, Duration.ZERO, List.of())));

    List<AlertEvent> events = engine.evaluate(T0);

    assertThat(events).singleElement().satisfies(event -> assertThat(
        event.alert().labels().get("tenant")).isEqualTo("acme"));
    store.applyScrape("target:odoo/acme", List.of(Sample.counter(
        "freightwatch_odoo_edi_exchanges_total", "", 4, Labels.of("tenant", "acme"))),
        T0.plusSeconds(60));
    assertThat(engine.evaluate(T0.plusSeconds(60))).singleElement()
        .satisfies(e -> assertThat(e.kind()).isEqualTo(AlertEvent.Kind.RESOLVED));
    store.markFailed("target:odoo/acme");
    assertThat(engine.evaluate(T0.plusSeconds(120))).singleElement()
        .satisfies(e -> assertThat(e.kind()).isEqualTo(AlertEvent.Kind.FIRING));
  }

  @Test
  void growthComparesWithWindowAgo() {
    RuleCondition growth = new RuleCondition.Growth(JOBS,
        List.of(LabelMatcher.equal("state", "pending")), Duration.ofMinutes(10),
        RuleSpec.Comparison.GREATER, 40);
    RuleEngine engine = new RuleEngine(store, List.of(rule("backlog_growth", growth,
        Duration.ZERO, Duration.ZERO, List.of())));
    List<AlertEvent> events = List.of();
    for (int minute = 0; minute <= 10; minute++) {
      jobs("acme", 100 + 5 * minute, 4, T0.plusSeconds(60L * minute));
      jobs("globex", 100 + 3 * minute, 4, T0.plusSeconds(60L * minute));
      events = engine.evaluate(T0.plusSeconds(60L * minute));
    }

    assertThat(events).singleElement().satisfies(event -> {
      assertThat(event.alert().labels().get("tenant")).isEqualTo("acme");
      assertThat(event.alert().value()).isEqualTo(50);
    });
  }

  @Test
  void allNeedsEveryConditionPerGroup() {
    RuleCondition pending = new RuleCondition.Threshold(new RuleCondition.Selector(JOBS,
        List.of(LabelMatcher.equal("state", "pending")), RuleSpec.ValueFunction.VALUE,
        Duration.ZERO), RuleSpec.Comparison.GREATER, 50);
    RuleCondition started = new RuleCondition.Threshold(new RuleCondition.Selector(JOBS,
        List.of(LabelMatcher.equal("state", "started")), RuleSpec.ValueFunction.VALUE,
        Duration.ZERO), RuleSpec.Comparison.GREATER_OR_EQUAL, 4);
    RuleCondition all = new RuleCondition.Combination(true, List.of(pending, started),
        List.of("tenant", "channel"));
    RuleCondition any = new RuleCondition.Combination(false, List.of(pending, started),
        List.of("tenant", "channel"));
    RuleEngine engine = new RuleEngine(store, List.of(
        rule("saturated", all, Duration.ZERO, Duration.ZERO, List.of()),
        rule("busy", any, Duration.ZERO, Duration.ZERO, List.of())));
    jobs("acme", 80, 4, T0);
    jobs("globex", 80, 1, T0);
    jobs("initech", 5, 1, T0);

    List<AlertEvent> events = engine.evaluate(T0);

    assertThat(events).filteredOn(e -> e.alert().rule().equals("saturated"))
        .extracting(e -> e.alert().labels().get("tenant")).containsExactly("acme");
    assertThat(events).filteredOn(e -> e.alert().rule().equals("busy"))
        .extracting(e -> e.alert().labels().get("tenant"))
        .containsExactlyInAnyOrder("acme", "globex");
    assertThat(events).allSatisfy(e -> assertThat(e.alert().labels().has("state")).isFalse());
  }

  @Test
  void keepFiringForHoldsAfterClear() {
    RuleCondition pending = new RuleCondition.Threshold(new RuleCondition.Selector(JOBS,
        List.of(LabelMatcher.equal("state", "pending")), RuleSpec.ValueFunction.VALUE,
        Duration.ZERO), RuleSpec.Comparison.GREATER, 50);
    RuleEngine engine = new RuleEngine(store, List.of(rule("backlog", pending, Duration.ZERO,
        Duration.ofMinutes(2), List.of())));
    jobs("acme", 80, 0, T0);
    assertThat(engine.evaluate(T0)).hasSize(1);

    for (int minute = 1; minute <= 2; minute++) {
      jobs("acme", 10, 0, T0.plusSeconds(60L * minute));
      assertThat(engine.evaluate(T0.plusSeconds(60L * minute))).as("minute %d", minute)
          .isEmpty();
    }
    jobs("acme", 10, 0, T0.plusSeconds(180));
    assertThat(engine.evaluate(T0.plusSeconds(180))).singleElement()
        .satisfies(e -> assertThat(e.kind()).isEqualTo(AlertEvent.Kind.RESOLVED));
  }

  @Test
  void overridesChangeThresholdPerTenant() {
    RuleCondition pending = new RuleCondition.Threshold(new RuleCondition.Selector(JOBS,
        List.of(LabelMatcher.equal("state", "pending")), RuleSpec.ValueFunction.VALUE,
        Duration.ZERO), RuleSpec.Comparison.GREATER, 50);
    List<RuleSpec.Override> overrides = List.of(
        new RuleSpec.Override(List.of(LabelMatcher.equal("tenant", "acme")), 200,
            Optional.empty(), Optional.of(RuleSpec.Severity.CRITICAL), false),
        new RuleSpec.Override(List.of(LabelMatcher.equal("tenant", "initech")), Double.NaN,
            Optional.empty(), Optional.empty(), true));
    RuleEngine engine = new RuleEngine(store, List.of(rule("backlog", pending, Duration.ZERO,
        Duration.ZERO, overrides).withThreshold(50)));
    jobs("acme", 120, 0, T0);
    jobs("globex", 120, 0, T0);
    jobs("initech", 500, 0, T0);

    assertThat(engine.evaluate(T0)).extracting(e -> e.alert().labels().get("tenant"))
        .containsExactly("globex");
    jobs("acme", 250, 0, T0.plusSeconds(60));
    assertThat(engine.evaluate(T0.plusSeconds(60))).singleElement().satisfies(event -> {
      assertThat(event.alert().labels().get("tenant")).isEqualTo("acme");
      assertThat(event.alert().severity()).isEqualTo("critical");
    });
  }

  @Test
  void reloadKeepsStateOfUnchangedRules() {
    RuleCondition pending = new RuleCondition.Threshold(new RuleCondition.Selector(JOBS,
        List.of(LabelMatcher.parse("state", "=~pending")), RuleSpec.ValueFunction.VALUE,
        Duration.ZERO), RuleSpec.Comparison.GREATER, 50);
    RuleSpec kept = rule("backlog", pending, Duration.ofMinutes(5), Duration.ZERO, List.of());
    RuleSpec changed = rule("other", pending, Duration.ZERO, Duration.ZERO, List.of());
    RuleEngine engine = new RuleEngine(store, List.of(kept, changed));
    jobs("acme", 80, 0, T0);
    engine.evaluate(T0);

    // The same rules read again from their files: new objects, new compiled patterns.
    engine.replaceRules(List.of(
        rule("backlog", pending, Duration.ofMinutes(5), Duration.ZERO, List.of()),
        rule("other", pending, Duration.ZERO, Duration.ZERO, List.of()).withThreshold(60)));
    jobs("acme", 80, 0, T0.plusSeconds(300));
    List<AlertEvent> events = engine.evaluate(T0.plusSeconds(300));

    assertThat(events).extracting(e -> e.alert().rule()).containsExactlyInAnyOrder("backlog",
        "other", "other");
    assertThat(events).filteredOn(e -> e.alert().rule().equals("backlog")).singleElement()
        .satisfies(e -> assertThat(e.alert().activeSince()).isEqualTo(T0));
  }
}
