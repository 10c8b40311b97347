package io.freightwatch.collect.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.collect.postgres.StatementDeltas.StatementDelta;
import io.freightwatch.collect.postgres.StatementDeltas.StatementInterval;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The pg_stat_statements rows of a PostgreSQL 17 server read at 10:00:00 and 10:01:00, once with a
 * full reset at 10:00:30 and once with entry 333 evicted and created again at 10:00:40, plus the
 * same rows as PostgreSQL 16 and 13 return them.
 */
class StatementDeltasTest {

  private static final Instant T0 = Instant.parse("2025-03-10T10:00:00Z");
  private static final Instant T1 = Instant.parse("2025-03-10T10:01:00Z");
  private static final Instant OLD_RESET = Instant.parse("2025-03-01T00:00:00Z");

  @Test
  void firstReadingIsBaseline() {
    StatementDeltas deltas = new StatementDeltas();

    assertThat(deltas.update(pg17AtT0())).isEmpty();
  }

  @Test
  void fullResetCountsValuesSinceReset() {
    StatementDeltas deltas = new StatementDeltas();
    deltas.update(pg17AtT0());
    StatementSnapshot afterReset =
        new StatementSnapshot(
            T1,
            List.of(
                row(111, 300, 5_400, 90, "2025-03-10T10:00:30Z"),
                row(222, 6, 240, 3, "2025-03-10T10:00:31Z")),
            OptionalLong.of(0),
            Optional.of(Instant.parse("2025-03-10T10:00:30Z")));

    StatementInterval interval = deltas.update(afterReset).orElseThrow();

    Map<Long, StatementDelta> byQuery = byQueryId(interval);
    assertThat(byQuery).containsOnlyKeys(111L, 222L);
    assertThat(byQuery.get(111L).calls()).isEqualTo(300);
    assertThat(byQuery.get(111L).execMillis()).isEqualTo(5_400);
    assertThat(byQuery.get(111L).meanExecMillis()).contains(18.0);
    assertThat(byQuery.get(222L).calls()).isEqualTo(6);
    assertThat(byQuery.get(222L).execMillis()).isEqualTo(240);
    assertThat(byQuery.get(222L).meanExecMillis()).contains(40.0);
    assertThat(interval.afterReset()).isTrue();
    assertThat(interval.isPartial()).isTrue();
    assertThat(interval.covered()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void evictedEntryCountsAsNew() {
    StatementDeltas deltas = new StatementDeltas();
    deltas.update(pg17AtT0());

    StatementInterval interval = deltas.update(pg17EvictionAtT1()).orElseThrow();

    Map<Long, StatementDelta> byQuery = byQueryId(interval);
    assertThat(byQuery.get(111L).calls()).isEqualTo(900);
    assertThat(byQuery.get(111L).execMillis()).isEqualTo(16_200);
    assertThat(byQuery.get(111L).meanExecMillis()).contains(18.0);
    assertThat(byQuery.get(222L).calls()).isEqualTo(12);
    assertThat(byQuery.get(222L).execMillis()).isEqualTo(480);
    assertThat(byQuery.get(222L).meanExecMillis()).contains(40.0);
    StatementDelta evicted = byQuery.get(333L);
    assertThat(evicted.calls()).isEqualTo(12);
    assertThat(evicted.execMillis()).isEqualTo(530);
    assertThat(evicted.sharedBlocksRead()).isEqualTo(150);
    assertThat(evicted.covered()).isEqualTo(Duration.ofSeconds(20));
    assertThat(interval.evictedEntries()).hasValue(1);
    assertThat(interval.isPartial()).isFalse();
    assertThat(interval.unknownEntries()).isZero();
  }

  @Test
  void ranksStatementsByExecutionTime() {
    StatementDeltas deltas = new StatementDeltas();
    deltas.update(pg17AtT0());

    StatementInterval interval = deltas.update(pg17EvictionAtT1()).orElseThrow();

    assertThat(interval.statements())
        .extracting(StatementDelta::queryId)
        .containsExactly(111L, 333L, 222L);
  }

  @Test
  void withoutStatsSinceEvictionMakesEntriesUnknown() {
    StatementDeltas deltas = new StatementDeltas();
    deltas.update(withoutStatsSince(pg17AtT0()));

    StatementInterval interval =
        deltas.update(withoutStatsSince(pg17EvictionAtT1())).orElseThrow();

    assertThat(interval.statements()).isEmpty();
    assertThat(interval.unknownEntries()).isEqualTo(3);
    assertThat(interval.evictedEntries()).hasValue(1);
  }

  @Test
  void withoutInfoViewDecreaseIsUnknown() {
    StatementDeltas deltas = new StatementDeltas();
    deltas.update(pg13(withoutStatsSince(pg17AtT0())));

    StatementInterval interval =
        deltas.update(pg13(withoutStatsSince(pg17EvictionAtT1()))).orElseThrow();

    Map<Long, StatementDelta> byQuery = byQueryId(interval);
    assertThat(byQuery).containsOnlyKeys(111L, 222L);
    assertThat(byQuery.get(111L).calls()).isEqualTo(900);
    assertThat(byQuery.get(222L).execMillis()).isEqualTo(480);
    assertThat(interval.evictedEntries()).isEmpty();
    assertThat(interval.unknownEntries()).isEqualTo(1);
  }

  @Test
  void neverEmitsNegativeNumbers() {
    StatementDeltas deltas = new StatementDeltas();
    deltas.update(pg13(withoutStatsSince(pg17AtT0())));
    StatementSnapshot shrunk =
        pg13(
            withoutStatsSince(
                new StatementSnapshot(
                    T1,
                    List.of(row(111, 50_100, 800_000, 80_200, "2025-03-01T00:00:05Z")),
                    OptionalLong.of(12),
                    Optional.of(OLD_RESET))));

    StatementInterval interval = deltas.update(shrunk).orElseThrow();

    assertThat(interval.statements()).isEmpty();
    assertThat(interval.unknownEntries()).isEqualTo(1);
  }

  @Test
  void newEntryWithoutHistoryCountsWhole() {
    StatementDeltas deltas = new StatementDeltas();
    deltas.update(withoutStatsSince(pg17AtT0()));
    StatementSnapshot withNewEntry =
        withoutStatsSince(
            new StatementSnapshot(
                T1,
                List.of(
                    row(111, 50_900, 916_200, 80_100, "2025-03-01T00:00:05Z"),
                    row(444, 5, 100, 7, "2025-03-10T10:00:50Z")),
                OptionalLong.of(12),
                Optional.of(OLD_RESET)));

    StatementInterval interval = deltas.update(withNewEntry).orElseThrow();

    Map<Long, StatementDelta> byQuery = byQueryId(interval);
    assertThat(byQuery.get(444L).calls()).isEqualTo(5);
    assertThat(byQuery.get(111L).calls()).isEqualTo(900);
  }

  @Test
  void sumsEntriesOfOneStatement() {
    StatementDeltas deltas = new StatementDeltas();
    StatementRow.Key alice = new StatementRow.Key(10, 5, true, 111);
    StatementRow.Key bob = new StatementRow.Key(11, 5, true, 111);
    deltas.update(snapshot(T0, row(alice, 100, 1_000), row(bob, 10, 500)));

    StatementInterval interval =
        deltas.update(snapshot(T1, row(alice, 150, 1_400), row(bob, 30, 900))).orElseThrow();

    assertThat(interval.statements()).singleElement().satisfies(statement -> {
      assertThat(statement.calls()).isEqualTo(70);
      assertThat(statement.execMillis()).isEqualTo(800);
    });
  }

  @Test
  void oneUnknownEntryHidesWholeStatement() {
    StatementDeltas deltas = new StatementDeltas();
    StatementRow.Key alice = new StatementRow.Key(10, 5, true, 111);
    StatementRow.Key bob = new StatementRow.Key(11, 5, true, 111);
    deltas.update(snapshot(T0, row(alice, 100, 1_000), row(bob, 10, 500)));

    StatementInterval interval =
        deltas.update(snapshot(T1, row(alice, 150, 1_400), row(bob, 3, 50))).orElseThrow();

    assertThat(interval.statements()).isEmpty();
    assertThat(interval.unknownEntries()).isEqualTo(1);
  }

  private static StatementSnapshot pg17AtT0() {
    return new StatementSnapshot(
        T0,
        List.of(
            row(111, 50_000, 900_000, 80_000, "2025-03-01T00:00:05Z"),
            row(222, 1_200, 60_000, 2_000, "2025-03-09T08:00:00Z"),
            row(333, 10, 500, 4_000, "2025-03-10T09:30:00Z")),
        OptionalLong.of(12),
        Optional.of(OLD_RESET));
  }

  private static StatementSnapshot pg17EvictionAtT1() {
    return new StatementSnapshot(
        T1,
        List.of(
            row(111, 50_900, 916_200, 80_100, "2025-03-01T00:00:05Z"),
            row(222, 1_212, 60_480, 2_004, "2025-03-09T08:00:00Z"),
            row(333, 12, 530, 150, "2025-03-10T10:00:40Z")),
        OptionalLong.of(13),
        Optional.of(OLD_RESET));
  }

  private static StatementSnapshot withoutStatsSince(StatementSnapshot snapshot) {
    return new StatementSnapshot(
        snapshot.observedAt(),
        snapshot.rows().stream()
            .map(
                r ->
                    new StatementRow(
                        r.key(),
                        r.database(),
                        r.calls(),
                        r.totalExecMillis(),
                        r.maxExecMillis(),
                        r.rows(),
                        r.sharedBlocksRead(),
                        Optional.empty()))
            .toList(),
        snapshot.deallocations(),
        snapshot.statsReset());
  }

  private static StatementSnapshot pg13(StatementSnapshot snapshot) {
    return new StatementSnapshot(
        snapshot.observedAt(), snapshot.rows(), OptionalLong.empty(), Optional.empty());
  }

  private static StatementSnapshot snapshot(Instant at, StatementRow... rows) {
    return new StatementSnapshot(at, List.of(rows), OptionalLong.of(0), Optional.of(OLD_RESET));
  }

  private static StatementRow row(
      long queryId, long calls, double totalMillis, long blocksRead, String statsSince) {
    return new StatementRow(
        new StatementRow.Key(10, 5, true, queryId),
        "odoo_acme",
        calls,
        totalMillis,
        120,
        calls,
        blocksRead,
        Optional.of(Instant.parse(statsSince)));
  }

  private static StatementRow row(StatementRow.Key key, long calls, double totalMillis) {
    return new StatementRow(
        key, "odoo_acme", calls, totalMillis, 50, calls, 0, Optional.empty());
  }

  private static Map<Long, StatementDelta> byQueryId(StatementInterval interval) {
    return interval.statements().stream()
        .collect(Collectors.toMap(StatementDelta::queryId, Function.identity()));
  }
}
