package io.freightwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.config.DependencyMap;
import io.freightwatch.config.OperationalCalendar;
import io.freightwatch.config.SloSpec;
import io.freightwatch.slo.SloEngine;
import io.freightwatch.slo.SloFixtures;
import io.freightwatch.slo.SloStatus;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesStore;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Days of Traefik traffic replayed in a second against the SLO and rule engines, with a simulated
 * clock: the agent scrapes and evaluates every step, as it would in production.
 */
class SloScenarioTest {

  private static final Instant START = Instant.parse("2026-03-09T00:00:00Z");

  private final SeriesStore store = new SeriesStore(Duration.ofMinutes(10));
  private double total;
  private double errors;

  /**
   * A full outage at 99.9 % burns at 1000x: the 1-hour window passes 14.4x after 14.4 / 1000 of
   * an hour (51.84 s), so the page fires within that plus one evaluation step.
   */
  @Test
  void fullOutagePagesWithinBound() {
    Duration step = Duration.ofSeconds(15);
    Instant outage = START.plus(Duration.ofHours(2)).plusSeconds(20 * 15);
    Replay replay = new Replay(SloFixtures.availability("edi", 0.999, 100,
        SloSpec.defaultTiers(Duration.ofDays(30)), Map.of()));

    List<Fired> fired = replay.run(START, outage.plus(Duration.ofMinutes(5)), step,
        now -> now.isAfter(outage) ? 1.0 : 0.0, now -> 1500.0);

    Fired page = fired.stream().filter(f -> f.tier().equals("page")).findFirst().orElseThrow();
    Duration detection = Duration.between(outage, page.at());
    assertThat(detection).isPositive()
        .isLessThanOrEqualTo(Duration.ofMillis(51_840).plus(step));
    assertThat(page.alert().severity()).isEqualTo("critical");
    assertThat(page.alert().labels().get("alertname")).isEqualTo("slo_error_budget_burn");
    assertThat(page.alert().labels().get("slo")).isEqualTo("edi");
    assertThat(page.alert().summary()).contains("burns its error budget").contains("page above");
    assertThat(fired).allSatisfy(f -> assertThat(f.at()).isAfter(outage));
  }

  /** 0.5 % errors at 99.9 % burn at 5x: above the ticket tiers' 3x, below the pages' 6x. */
  @Test
  void slowBurnTicketsNotPages() {
    Replay replay = new Replay(SloFixtures.availability("edi", 0.999, 100,
        SloSpec.defaultTiers(Duration.ofDays(30)), Map.of()));

    List<Fired> fired = replay.run(START, START.plus(Duration.ofHours(30)),
        Duration.ofMinutes(1), now -> 0.005, now -> 6000.0);

    assertThat(fired).extracting(Fired::tier).containsExactly("ticket");
    assertThat(fired.get(0).alert().severity()).isEqualTo("warning");
    SloStatus status = replay.slos.status("edi").orElseThrow();
    assertThat(status.window(Duration.ofDays(1)).burnRate()).isBetween(4.99, 5.01);
    assertThat(status.timeToExhaustion()).isPresent();
  }

  /**
   * Day traffic with few errors, no traffic at night, and at 03:00 one failed request of two:
   * the burn is 0 without traffic, and the minimum event count keeps the lone error quiet.
   */
  @Test
  void zeroTrafficAtNightPagesNobody() {
    Replay replay = new Replay(SloFixtures.availability("edi", 0.999, 100,
        SloSpec.defaultTiers(Duration.ofDays(30)), Map.of()));
    List<Double> nightBurns = new ArrayList<>();

    List<Fired> fired = replay.run(START, START.plus(Duration.ofDays(2)), Duration.ofMinutes(1),
        now -> hour(now) == 3 && now.atZone(ZoneOffset.UTC).getMinute() == 0 ? 0.5 : 0.0005,
        now -> {
          int hour = hour(now);
          if (hour == 3 && now.atZone(ZoneOffset.UTC).getMinute() == 0) {
            return 2.0;
          }
          return hour >= 8 && hour < 20 ? 3000.0 : 0.0;
        },
        status -> {
          if (hour(status.at()) == 2) {
            nightBurns.add(status.window(Duration.ofMinutes(5)).burnRate());
          }
        });

    assertThat(fired).isEmpty();
    assertThat(nightBurns).isNotEmpty().allSatisfy(burn -> assertThat(burn).isZero());
  }

  private static int hour(Instant now) {
    return now.atZone(ZoneOffset.UTC).getHour();
  }

  /** A firing notification of a burn-rate alert. */
  private record Fired(Instant at, String tier, Alert alert) {}

  /** The agent's engines over the test's store. */
  private final class Replay {
    private final SloEngine slos;
    private final RuleEngine rules;

    Replay(SloSpec slo) {
      slos = new SloEngine(store, OperationalCalendar.EMPTY, Optional.empty());
      slos.install(slos.prepare(List.of(slo), START));
      rules = new RuleEngine(store, List.of(), OperationalCalendar.EMPTY, DependencyMap.EMPTY,
          new Silences(List.of()), Optional.of(slos));
    }

    List<Fired> run(Instant from, Instant to, Duration step,
        java.util.function.Function<Instant, Double> errorRatio,
        java.util.function.Function<Instant, Double> requestsPerStep) {
      return run(from, to, step, errorRatio, requestsPerStep, status -> { });
    }

    List<Fired> run(Instant from, Instant to, Duration step,
        java.util.function.Function<Instant, Double> errorRatio,
        java.util.function.Function<Instant, Double> requestsPerStep,
        java.util.function.Consumer<SloStatus> watcher) {
      List<Fired> fired = new ArrayList<>();
      for (Instant now = from; !now.isAfter(to); now = now.plus(step)) {
        // The increase scraped at {@code now} is the traffic of the step that ends at it.
        double requests = requestsPerStep.apply(now);
        total += requests;
        errors += requests * errorRatio.apply(now);
        Labels base = Labels.of("instance", "traefik-0", "service", "edi-gateway@file");
        store.applyScrape("target:traefik/edge", List.of(
            Sample.counter(SloFixtures.REQUESTS, "", total - errors, base.with("code", "200")),
            Sample.counter(SloFixtures.REQUESTS, "", errors, base.with("code", "503"))), now);
        for (AlertEvent event : rules.evaluate(now)) {
          if (event.kind() == AlertEvent.Kind.FIRING) {
            fired.add(new Fired(now, event.alert().labels().get("tier"), event.alert()));
          }
        }
        slos.status("edi").ifPresent(watcher);
      }
      return fired;
    }
  }
}
