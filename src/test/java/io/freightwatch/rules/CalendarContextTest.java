package io.freightwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.config.DependencyMap;
import io.freightwatch.config.OperationalCalendar;
import io.freightwatch.config.RuleSpec;
import io.freightwatch.config.SilenceSpec;
import io.freightwatch.config.SummaryTemplate;
import io.freightwatch.store.LabelMatcher;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesStore;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The operational calendar and silences applied to alerts, with a simulated clock. */
class CalendarContextTest {

  private static final ZoneId AMSTERDAM = ZoneId.of("Europe/Amsterdam");
  private static final String JOBS = "freightwatch_odoo_queue_jobs";

  private final SeriesStore store = new SeriesStore(Duration.ofMinutes(30));

  private static OperationalCalendar calendar(List<OperationalCalendar.Window> maintenance) {
    OperationalCalendar.Cutoff pickup = new OperationalCalendar.Cutoff("DHL pickup",
        EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(16, 0),
        Set.of(RuleSpec.Domain.TRANSPORT));
    OperationalCalendar.Site rotterdam = new OperationalCalendar.Site("rotterdam",
        List.of("acme"), List.of(), AMSTERDAM, new OperationalCalendar.OperatingHours(
            EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(6, 0),
            LocalTime.of(22, 0)),
        List.of(pickup), Set.of(LocalDate.parse("2026-12-25")), List.of(), maintenance,
        List.of(new OperationalCalendar.Period("peak freeze", LocalDate.parse("2026-11-16"),
            LocalDate.parse("2026-12-31"))));
    return new OperationalCalendar(Duration.ofHours(1), RuleSpec.Severity.CRITICAL,
        List.of(rotterdam));
  }

  private static RuleSpec backlog(boolean customerFacing) {
    return new RuleSpec("carrier_label_backlog", "test.yaml:1", JOBS,
        List.of(LabelMatcher.equal("state", "pending")), RuleSpec.ValueFunction.VALUE,
        Duration.ZERO, RuleSpec.Comparison.GREATER, 50, Duration.ZERO, Map.of(),
        new RuleSpec.Impact(RuleSpec.Domain.TRANSPORT, "carrier label printing",
            SummaryTemplate.parse("{{ $value }} labels pending for {{ $labels.tenant }}."),
            RuleSpec.Severity.WARNING, "transport", "runbooks/carrier_label_backlog.md", "",
            customerFacing));
  }

  private RuleEngine engine(OperationalCalendar calendar, Silences silences) {
    return new RuleEngine(store, List.of(backlog(true)), calendar, DependencyMap.EMPTY, silences,
        Optional.empty());
  }

  private void scrape(String tenant, double pending, Instant now) {
    store.applyScrape("target:odoo/" + tenant, List.of(Sample.gauge(JOBS, "", pending,
        Labels.of("tenant", tenant, "channel", "root.carrier", "state", "pending"))), now);
  }

  private static Instant local(String dateTime) {
    return LocalDateTime.parse(dateTime).atZone(AMSTERDAM).toInstant();
  }

  @Test
  void fortyMinutesBeforeCutoffEscalates() {
    RuleEngine engine = engine(calendar(List.of()), new Silences(List.of()));
    Instant now = local("2026-03-10T15:20:00");
    scrape("acme", 80, now);

    List<AlertEvent> events = engine.evaluate(now);

    assertThat(events).singleElement().satisfies(event -> {
      Alert alert = event.alert();
      assertThat(alert.severity()).isEqualTo("critical");
      assertThat(alert.annotations()).containsEntry("escalated_from", "warning")
          .containsEntry("cutoff", "DHL pickup at 16:00 Europe/Amsterdam")
          .containsEntry("time_to_cutoff", "40m 0s");
      assertThat(alert.summary()).isEqualTo("80 labels pending for acme. This threatens the DHL"
          + " pickup at 16:00 Europe/Amsterdam: 40m 0s left; escalated from warning to"
          + " critical.");
    });
  }

  @Test
  void escalationKeepsFingerprint() {
    RuleEngine early = engine(calendar(List.of()), new Silences(List.of()));
    scrape("acme", 80, local("2026-03-10T11:00:00"));
    Alert calm = early.evaluate(local("2026-03-10T11:00:00")).get(0).alert();
    RuleEngine late = engine(calendar(List.of()), new Silences(List.of()));
    scrape("acme", 80, local("2026-03-10T15:20:00"));
    Alert escalated = late.evaluate(local("2026-03-10T15:20:00")).get(0).alert();

    assertThat(calm.severity()).isEqualTo("warning");
    assertThat(calm.annotations()).doesNotContainKey("cutoff");
    assertThat(escalated.severity()).isEqualTo("critical");
    assertThat(escalated.fingerprint()).isEqualTo(calm.fingerprint());
  }

  @Test
  void firingAlertEscalatesAgainWhenCutoffNears() {
    RuleEngine engine = engine(calendar(List.of()), new Silences(List.of()));
    Instant noon = local("2026-03-10T12:00:00");
    scrape("acme", 80, noon);
    assertThat(engine.evaluate(noon)).singleElement()
        .satisfies(e -> assertThat(e.alert().severity()).isEqualTo("warning"));

    Instant before = local("2026-03-10T15:10:00");
    scrape("acme", 90, before);
    List<AlertEvent> events = engine.evaluate(before);

    assertThat(events).singleElement().satisfies(event -> {
      assertThat(event.kind()).isEqualTo(AlertEvent.Kind.FIRING);
      assertThat(event.alert().severity()).isEqualTo("critical");
      assertThat(event.alert().summary()).contains("50m 0s left");
    });
  }

  @Test
  void holidayHasNoCutoff() {
    RuleEngine engine = engine(calendar(List.of()), new Silences(List.of()));
    Instant christmas = local("2026-12-25T15:20:00");
    scrape("acme", 80, christmas);

    Alert alert = engine.evaluate(christmas).get(0).alert();

    assertThat(alert.severity()).isEqualTo("warning");
    assertThat(alert.annotations()).doesNotContainKey("cutoff")
        .containsEntry("release_freeze", "peak freeze");
  }

  @Test
  void maintenanceWindowMutesAlerts() {
    OperationalCalendar calendar = calendar(List.of(new OperationalCalendar.Window(
        "carrier API migration", LocalDateTime.parse("2026-03-10T09:00"),
        LocalDateTime.parse("2026-03-10T10:00"))));
    RuleEngine engine = engine(calendar, new Silences(List.of()));
    Instant during = local("2026-03-10T09:30:00");
    scrape("acme", 80, during);

    assertThat(engine.evaluate(during)).isEmpty();
    assertThat(engine.alerts()).singleElement().satisfies(alert -> assertThat(
        alert.annotations()).containsEntry("muted_by", "maintenance carrier API migration"));

    Instant after = local("2026-03-10T10:00:00");
    scrape("acme", 80, after);
    assertThat(engine.evaluate(after)).singleElement()
        .satisfies(e -> assertThat(e.kind()).isEqualTo(AlertEvent.Kind.FIRING));
  }

  @Test
  void silenceMutesUntilExpiry() {
    Instant start = local("2026-03-10T11:00:00");
    SilenceSpec silence = new SilenceSpec("s-1", List.of(LabelMatcher.equal("tenant", "acme")),
        start.minusSeconds(60), start.plusSeconds(600), "ops", "carrier told us");
    RuleEngine engine = engine(calendar(List.of()), new Silences(List.of(silence)));
    scrape("acme", 80, start);
    scrape("globex", 80, start);

    List<AlertEvent> events = engine.evaluate(start);

    assertThat(events).singleElement()
        .satisfies(e -> assertThat(e.alert().labels().get("tenant")).isEqualTo("globex"));
    Instant expired = start.plusSeconds(600);
    scrape("acme", 80, expired);
    scrape("globex", 80, expired);
    assertThat(engine.evaluate(expired)).singleElement()
        .satisfies(e -> assertThat(e.alert().labels().get("tenant")).isEqualTo("acme"));
  }

  @Test
  void internalAlertRoutesQuietlyAtNight() {
    RuleEngine engine = new RuleEngine(store, List.of(backlog(false)), calendar(List.of()),
        DependencyMap.EMPTY, new Silences(List.of()), Optional.empty());
    Instant night = local("2026-03-10T23:30:00");
    scrape("acme", 80, night);

    Alert alert = engine.evaluate(night).get(0).alert();

    assertThat(alert.labels().get("quiet")).isEqualTo("true");
    assertThat(alert.severity()).isEqualTo("warning");
  }
}
