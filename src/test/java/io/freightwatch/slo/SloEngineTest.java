package io.freightwatch.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.freightwatch.config.OperationalCalendar;
import io.freightwatch.config.RuleSpec;
import io.freightwatch.config.SloSpec;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesStore;
import io.freightwatch.store.durable.DurableStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SloEngineTest {

  private static final Instant T0 = Instant.parse("2026-03-10T10:00:00Z");

  @TempDir Path dir;

  private SeriesStore store = new SeriesStore(Duration.ofMinutes(30));

  /**
   * Two Traefik replicas serve the EDI gateway; replica B restarts between t1 and t2. Increases
   * are taken per replica before the sum, so B's restart counts its new values.
   */
  @Test
  void sumsIncreasesPerReplicaBeforeBurn() {
    SloSpec slo = SloFixtures.availability("edi", 0.999, 0,
        List.of(SloFixtures.tier(Duration.ofMinutes(3), Duration.ofMinutes(1))), Map.of());
    SloEngine engine = engine(slo, Optional.empty());
    double[][] a = {{100_000, 50}, {100_600, 52}, {101_200, 54}, {101_800, 56}};
    double[][] b = {{80_000, 40}, {80_500, 41}, {400, 1}, {900, 3}};
    double[] bStart = {1741000000, 1741000000, 1741000090, 1741000090};

    for (int i = 0; i < 4; i++) {
      replica("a", 1741000000, a[i][0], a[i][1], T0.plusSeconds(60L * i));
      replica("b", bStart[i], b[i][0], b[i][1], T0.plusSeconds(60L * i));
      engine.update(T0.plusSeconds(60L * i));
      if (i == 2) {
        SloStatus.WindowBurn interval = engine.status("edi").orElseThrow()
            .window(Duration.ofMinutes(1));
        assertThat(interval.events()).isEqualTo(1000);
        assertThat(interval.badEvents()).isEqualTo(3);
      }
    }

    SloStatus.WindowBurn fleet = engine.status("edi").orElseThrow()
        .window(Duration.ofMinutes(3));
    assertThat(fleet.events()).isEqualTo(3200);
    assertThat(fleet.badEvents()).isEqualTo(10);
    assertThat(fleet.badEvents() / fleet.events()).isCloseTo(0.003125, offset(1e-12));
    assertThat(fleet.burnRate()).isCloseTo(3.125, offset(1e-9));
  }

  @Test
  void replicaScaledDownStopsCounting() {
    SloSpec slo = SloFixtures.availability("edi", 0.999, 0,
        List.of(SloFixtures.tier(Duration.ofMinutes(3), Duration.ofMinutes(1))), Map.of());
    SloEngine engine = engine(slo, Optional.empty());
    replica("a", 1741000000, 1000, 0, T0);
    replica("b", 1741000000, 5000, 0, T0);
    engine.update(T0);
    replica("a", 1741000000, 1100, 0, T0.plusSeconds(60));
    store.applyScrape("target:traefik/b", List.of(), T0.plusSeconds(60));
    engine.update(T0.plusSeconds(60));

    SloStatus.WindowBurn burn = engine.status("edi").orElseThrow()
        .window(Duration.ofMinutes(3));
    assertThat(burn.events()).isEqualTo(100);
    assertThat(burn.badEvents()).isZero();
  }

  /**
   * Fifteen minutes of history, the last two at 50 % errors. The 5-minute window is fully observed
   * and burns fast, but the 1-hour window and the 30-day budget count their unobserved minutes as
   * good, so two bad minutes neither page on the long window nor spend the month's budget.
   */
  @Test
  void shortHistoryJudgesOnlyWhatItCovers() {
    SloSpec slo = SloFixtures.availability("edi", 0.99, 0,
        SloSpec.defaultTiers(Duration.ofDays(30)), Map.of());
    SloEngine engine = engine(slo, Optional.empty());
    double errors = 0;
    for (int minute = 0; minute <= 15; minute++) {
      errors += minute >= 14 ? 50 : 0;
      replica("a", 1741000000, 100.0 * minute, errors, T0.plusSeconds(60L * minute));
      engine.update(T0.plusSeconds(60L * minute));
    }

    SloStatus status = engine.status("edi").orElseThrow();
    SloStatus.WindowBurn fiveMinutes = status.window(Duration.ofMinutes(5));
    assertThat(fiveMinutes.events()).isEqualTo(500);
    assertThat(fiveMinutes.badEvents()).isEqualTo(100);
    assertThat(fiveMinutes.burnRate()).isCloseTo(20, offset(1e-9));
    SloStatus.WindowBurn hour = status.window(Duration.ofHours(1));
    assertThat(hour.events()).isEqualTo(1500);
    // 100 bad of the 6,000 events a full hour contains at the observed rate.
    assertThat(hour.burnRate()).isCloseTo(100.0 / 6000 / 0.01, offset(1e-9));
    // 100 bad of 4,320,000 expected events in 30 days, against a budget of 1 %.
    assertThat(status.errorBudgetRemainingRatio())
        .isCloseTo(1 - 100.0 / (0.01 * 100 * 60 * 24 * 30), offset(1e-9));
  }

  @Test
  void zeroTrafficBurnsNothing() {
    SloSpec slo = SloFixtures.availability("edi", 0.999, 100,
        SloSpec.defaultTiers(Duration.ofDays(30)), Map.of());
    SloEngine engine = engine(slo, Optional.empty());
    for (int minute = 0; minute <= 120; minute++) {
      replica("a", 1741000000, 5000, 7, T0.plusSeconds(60L * minute));
      engine.update(T0.plusSeconds(60L * minute));
    }

    SloStatus status = engine.status("edi").orElseThrow();
    assertThat(status.windows()).allSatisfy(window -> {
      assertThat(window.burnRate()).isZero();
      assertThat(window.hasEnoughEvents()).isFalse();
    });
    assertThat(status.errorBudgetRemainingRatio()).isEqualTo(1.0);
    assertThat(status.timeToExhaustion()).isEmpty();
    assertThat(store.select("freightwatch_slo_burn_rate", List.of()))
        .isNotEmpty()
        .allSatisfy(series -> assertThat(series.latestValue()).isFinite().isZero());
  }

  @Test
  void budgetSurvivesAgentRestart() {
    SloSpec slo = SloFixtures.availability("edi", 0.999, 0,
        SloSpec.defaultTiers(Duration.ofDays(30)), Map.of());
    Instant restartAt = T0.plus(Duration.ofHours(3));
    SloStatus before;
    try (DurableStore durable = DurableStore.open(dir)) {
      SloEngine engine = engine(slo, Optional.of(durable));
      for (Instant now = T0; !now.isAfter(restartAt); now = now.plusSeconds(60)) {
        long minute = Duration.between(T0, now).toMinutes();
        replica("a", 1741000000, 1000 * minute, minute / 4, now);
        engine.update(now);
      }
      before = engine.status("edi").orElseThrow();
      durable.commit();
    }
    assertThat(before.badEvents()).isEqualTo(45);

    store = new SeriesStore(Duration.ofMinutes(30));
    try (DurableStore durable = DurableStore.open(dir)) {
      SloEngine engine = engine(slo, Optional.of(durable));
      replica("a", 1741000000, 1000 * 181, 45, restartAt.plusSeconds(30));
      engine.update(restartAt.plusSeconds(30));
      SloStatus after = engine.status("edi").orElseThrow();

      assertThat(after.events()).isEqualTo(before.events());
      assertThat(after.badEvents()).isEqualTo(before.badEvents());
      assertThat(after.errorBudgetRemainingRatio()).isEqualTo(before.errorBudgetRemainingRatio());
      assertThat(after.window(Duration.ofHours(1)).burnRate())
          .isEqualTo(before.window(Duration.ofHours(1)).burnRate());
    }
  }

  @Test
  void maintenanceWindowStopsBurn() {
    OperationalCalendar.Site site = new OperationalCalendar.Site("rotterdam", List.of("acme"),
        List.of(), ZoneOffset.UTC, OperationalCalendar.OperatingHours.ALWAYS, List.of(),
        Set.of(), List.of(), List.of(new OperationalCalendar.Window("database upgrade",
            LocalDateTime.parse("2026-03-10T10:30"), LocalDateTime.parse("2026-03-10T11:00"))),
        List.of());
    OperationalCalendar calendar = new OperationalCalendar(Duration.ofHours(1),
        RuleSpec.Severity.CRITICAL, List.of(site));
    SloSpec slo = SloFixtures.availability("edi", 0.999, 0,
        SloSpec.defaultTiers(Duration.ofDays(30)), Map.of("tenant", "acme"));
    SloEngine engine = new SloEngine(store, calendar, Optional.empty());
    engine.install(engine.prepare(List.of(slo), T0));

    // Healthy for 30 minutes, a full outage during the 30-minute window, healthy again after.
    double total = 0;
    double errors = 0;
    for (int minute = 0; minute <= 90; minute++) {
      Instant now = T0.plusSeconds(60L * minute);
      total += 600;
      if (minute > 30 && minute <= 60) {
        errors += 600;
      }
      replica("a", 1741000000, total, errors, now);
      engine.update(now);
      if (minute == 45) {
        assertThat(engine.status("edi").orElseThrow().inMaintenance()).isTrue();
      }
    }

    SloStatus status = engine.status("edi").orElseThrow();
    assertThat(status.badEvents()).isZero();
    assertThat(status.errorBudgetRemainingRatio()).isEqualTo(1.0);
    // 90 one-minute intervals, less the 31 with a sample inside 10:30-11:00.
    assertThat(status.events()).isEqualTo(600 * 59);
    assertThat(status.inMaintenance()).isFalse();
  }

  private SloEngine engine(SloSpec slo, Optional<DurableStore> durable) {
    SloEngine engine = new SloEngine(store, OperationalCalendar.EMPTY, durable);
    engine.install(engine.prepare(List.of(slo), T0));
    return engine;
  }

  /** Scrapes one Traefik replica: {@code total} requests, {@code errors} of them 5xx. */
  private void replica(String name, double startTime, double total, double errors,
      Instant now) {
    Labels base = Labels.of("instance", name, "service", "edi-gateway@file");
    store.applyScrape("target:traefik/" + name, List.of(
        Sample.gauge("process_start_time_seconds", "", startTime,
            Labels.of("instance", name)),
        Sample.counter(SloFixtures.REQUESTS, "", total - errors, base.with("code", "200")),
        Sample.counter(SloFixtures.REQUESTS, "", errors, base.with("code", "500"))), now);
  }
}
