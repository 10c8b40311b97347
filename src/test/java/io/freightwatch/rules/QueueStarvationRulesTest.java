package io.freightwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.config.RuleFileReader;
import io.freightwatch.config.RuleSpec;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The shipped queue rules against the signals of a tenant whose killed workers left three EDI jobs
 * started and one enqueued: root.edi has 4 slots, all held by suspects, root has 4 of 5 held and
 * root.reporting's long job is within its limit.
 */
class QueueStarvationRulesTest {

  private static final Instant T0 = Instant.parse("2025-03-10T10:00:00Z");
  private static final Labels ACME = Labels.of("tenant", "acme", "cluster", "eu1");

  private final SeriesStore store = new SeriesStore(Duration.ofHours(1));

  @Test
  void starvedChannelRaisesOneCriticalAlert() throws Exception {
    RuleEngine engine = engine("queue_channel_starved");

    List<AlertEvent> events = scrapeEveryFifteenSeconds(engine, Duration.ofMinutes(3));

    assertThat(events).singleElement().satisfies(event -> {
      assertThat(event.kind()).isEqualTo(AlertEvent.Kind.FIRING);
      assertThat(event.alert().labels().get("tenant")).isEqualTo("acme");
      assertThat(event.alert().labels().get("channel")).isEqualTo("root.edi");
      assertThat(event.alert().severity()).isEqualTo("critical");
      assertThat(event.alert().summary())
          .contains("root.edi")
          .contains("freightwatch_odoo_queue_job_dead_suspect_age_seconds")
          .contains("Verify before requeue");
    });
  }

  @Test
  void deadJobsAlertPerStateNotReporting() throws Exception {
    RuleEngine engine = engine("dead_job_runner_slots");

    List<AlertEvent> events = scrapeEveryFifteenSeconds(engine, Duration.ofMinutes(6));

    assertThat(events)
        .extracting(e -> e.alert().labels().get("channel") + "/" + e.alert().labels().get("state"))
        .containsExactlyInAnyOrder("root.edi/started", "root.edi/enqueued");
    assertThat(events)
        .allSatisfy(e -> assertThat(e.alert().summary()).contains("Verify before requeue"));
  }

  private RuleEngine engine(String name) throws Exception {
    List<RuleSpec> rules =
        new RuleFileReader()
            .readDirectory(Path.of("alert-rules")).stream()
                .filter(rule -> Set.of(name).contains(rule.name()))
                .toList();
    assertThat(rules).hasSize(1);
    return new RuleEngine(store, rules);
  }

  private List<AlertEvent> scrapeEveryFifteenSeconds(RuleEngine engine, Duration span) {
    List<AlertEvent> events = new ArrayList<>();
    for (long s = 0; s <= span.toSeconds(); s += 15) {
      Instant now = T0.plusSeconds(s);
      store.applyScrape("odoo/acme", incidentSamples(s), now);
      events.addAll(engine.evaluate(now));
    }
    return events;
  }

  private static List<Sample> incidentSamples(long elapsedSeconds) {
    List<Sample> samples = new ArrayList<>();
    capacity(samples, "root", 5, 4);
    capacity(samples, "root.edi", 4, 4);
    capacity(samples, "root.reporting", 1, 0);
    suspects(samples, "root.edi", "started", 3);
    suspects(samples, "root.edi", "enqueued", 1);
    suspects(samples, "root.reporting", "started", 0);
    suspects(samples, "root.reporting", "enqueued", 0);
    samples.add(
        Sample.gauge(
            "freightwatch_odoo_queue_job_oldest_pending_age_seconds",
            "",
            10_080 + elapsedSeconds,
            ACME.with("channel", "root.edi")));
    return samples;
  }

  private static void capacity(List<Sample> samples, String channel, int slots, int dead) {
    Labels labels = ACME.with("channel", channel);
    samples.add(Sample.gauge("freightwatch_odoo_queue_channel_capacity", "", slots, labels));
    samples.add(Sample.gauge("freightwatch_odoo_queue_channel_dead_slots", "", dead, labels));
  }

  private static void suspects(List<Sample> samples, String channel, String state, int jobs) {
    samples.add(
        Sample.gauge(
            "freightwatch_odoo_queue_job_dead_suspected_jobs",
            "",
            jobs,
            ACME.with("channel", channel).with("state", state)));
  }
}
