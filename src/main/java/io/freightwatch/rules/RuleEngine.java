package io.freightwatch.rules;

import io.freightwatch.config.RuleSpec;
import io.freightwatch.config.SummaryTemplate;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.Series;
import io.freightwatch.store.SeriesStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates every rule against the store and keeps the state of each alert. One alert exists per
 * rule and matching series. Must be used from the agent's event loop only.
 */
public final class RuleEngine {

  /** How long a resolved alert stays visible in the API. */
  public static final Duration RESOLVED_RETENTION = Duration.ofMinutes(15);

  private static final Logger LOG = LoggerFactory.getLogger(RuleEngine.class);

  private final SeriesStore store;
  private final Map<String, CompiledRule> rules = new LinkedHashMap<>();

  public RuleEngine(SeriesStore store, List<RuleSpec> specs) {
    this.store = store;
    for (RuleSpec spec : specs) {
      rules.put(spec.name(), new CompiledRule(spec));
    }
  }

  public List<RuleSpec> specs() {
    return rules.values().stream().map(rule -> rule.spec).toList();
  }

  /**
   * Evaluates every rule at {@code now} and returns the changes receivers must hear about, firing
   * ones first. Also writes the {@code freightwatch_alerts} series into the store.
   */
  public List<AlertEvent> evaluate(Instant now) {
    List<AlertEvent> events = new ArrayList<>();
    for (CompiledRule rule : rules.values()) {
      rule.evaluate(now, events);
    }
    events.sort(Comparator.comparing(AlertEvent::kind));
    writeAlertSeries(now);
    return events;
  }

  /** Returns every pending, firing and recently resolved alert. */
  public List<Alert> alerts() {
    List<Alert> result = new ArrayList<>();
    for (CompiledRule rule : rules.values()) {
      for (Instance instance : rule.instances.values()) {
        instance.snapshot().ifPresent(result::add);
      }
    }
    return result;
  }

  private void writeAlertSeries(Instant now) {
    Map<Labels, Integer> counts = new TreeMap<>();
    for (Alert alert : alerts()) {
      Labels key = Labels.of("alertname", alert.rule(), "state", alert.state().apiName(),
          "severity", alert.labels().get("severity"), "domain", alert.labels().get("domain"),
          "tenant", alert.labels().get("tenant"));
      counts.merge(key, 1, Integer::sum);
    }
    List<Sample> samples = new ArrayList<>();
    counts.forEach((labels, count) -> samples.add(Sample.gauge("freightwatch_alerts",
        "Alerts per rule, state, severity, domain and tenant.", count, labels)));
    store.applyScrape("rules", samples, now);
  }

  /** A rule with the state of its alerts. */
  private final class CompiledRule {
    private final RuleSpec spec;
    private final Map<Labels, Instance> instances = new HashMap<>();

    CompiledRule(RuleSpec spec) {
      this.spec = spec;
    }

    void evaluate(Instant now, List<AlertEvent> events) {
      Map<Labels, Boolean> seen = new HashMap<>();
      for (Series series : store.select(spec.signal(), spec.matchers())) {
        OptionalDouble value = valueOf(series, now);
        AlertStateMachine.Observation observation;
        if (series.isStale() || value.isEmpty()) {
          observation = AlertStateMachine.Observation.UNKNOWN;
        } else if (spec.comparison().test(value.getAsDouble(), spec.threshold())) {
          observation = AlertStateMachine.Observation.HOLDS;
        } else {
          observation = AlertStateMachine.Observation.CLEAR;
        }
        seen.put(series.labels(), Boolean.TRUE);
        Instance instance = instances.get(series.labels());
        if (instance == null) {
          if (observation != AlertStateMachine.Observation.HOLDS) {
            continue;
          }
          instance = new Instance(spec, series.labels());
          instances.put(series.labels(), instance);
        }
        // A clearing value is not stored: a resolved alert keeps the value and text it fired with.
        if (value.isPresent() && observation != AlertStateMachine.Observation.CLEAR) {
          instance.value = value.getAsDouble();
        }
        apply(instance, instance.machine.observe(observation, now), now, events);
      }
      Iterator<Instance> iterator = instances.values().iterator();
      while (iterator.hasNext()) {
        Instance instance = iterator.next();
        if (!seen.containsKey(instance.seriesLabels)) {
          // The series is gone: its condition no longer holds.
          apply(instance, instance.machine.observe(AlertStateMachine.Observation.CLEAR, now), now,
              events);
        }
        if (instance.isExpired(now)) {
          iterator.remove();
        }
      }
    }

    private OptionalDouble valueOf(Series series, Instant now) {
      return switch (spec.function()) {
        case VALUE -> Double.isNaN(series.latestValue())
            ? OptionalDouble.empty() : OptionalDouble.of(series.latestValue());
        case INCREASE -> series.increase(now, spec.window());
        case RATE -> series.rate(now, spec.window());
      };
    }

    private void apply(Instance instance, AlertStateMachine.Transition transition, Instant now,
        List<AlertEvent> events) {
      if (instance.machine.state().filter(s -> s != AlertState.RESOLVED).isPresent()) {
        instance.summary = renderSummary(instance);
      }
      switch (transition) {
        case FIRED -> {
          Alert alert = instance.snapshot().orElseThrow();
          LOG.info("alert firing rule={} fingerprint={} value={} summary=\"{}\"", spec.name(),
              alert.fingerprint(), SummaryTemplate.formatNumber(alert.value()), alert.summary());
          events.add(new AlertEvent(AlertEvent.Kind.FIRING, alert));
        }
        case RESOLVED -> {
          Alert alert = instance.snapshot().orElseThrow();
          LOG.info("alert resolved rule={} fingerprint={}", spec.name(), alert.fingerprint());
          events.add(new AlertEvent(AlertEvent.Kind.RESOLVED, alert));
        }
        case CANCELLED, STARTED_PENDING, NONE -> {
          // Pending alerts are visible in the API only; receivers hear about firing ones.
        }
      }
    }

    private String renderSummary(Instance instance) {
      return spec.impact().summary().render(new SummaryTemplate.Values() {
        @Override
        public String label(String name) {
          return instance.alertLabels.get(name);
        }

        @Override
        public double value() {
          return instance.value;
        }

        @Override
        public double threshold() {
          return spec.threshold();
        }

        @Override
        public double signal(String name) {
          return relatedValue(name, instance.seriesLabels);
        }
      });
    }
  }

  /**
   * Returns the latest value of the series named {@code name} that agrees with {@code labels} on
   * every label they share and shares the most labels with them; NaN when none does.
   */
  private double relatedValue(String name, Labels labels) {
    Series best = null;
    int bestShared = 0;
    for (Series candidate : store.select(name, List.of())) {
      int shared = 0;
      boolean agrees = true;
      for (Map.Entry<String, String> label : candidate.labels().asMap().entrySet()) {
        if (labels.has(label.getKey())) {
          if (!labels.get(label.getKey()).equals(label.getValue())) {
            agrees = false;
            break;
          }
          shared++;
        }
      }
      if (agrees && shared > bestShared) {
        best = candidate;
        bestShared = shared;
      }
    }
    return best == null ? Double.NaN : best.latestValue();
  }

  /** One alert: a rule applied to one series. */
  private static final class Instance {
    private final RuleSpec spec;
    private final Labels seriesLabels;
    private final Labels alertLabels;
    private final String fingerprint;
    private final AlertStateMachine machine;
    private double value = Double.NaN;
    private String summary = "";

    Instance(RuleSpec spec, Labels seriesLabels) {
      this.spec = spec;
      this.seriesLabels = seriesLabels;
      this.alertLabels = seriesLabels
          .withAll(Labels.of(spec.labels()))
          .with("alertname", spec.name())
          .with("severity", spec.impact().severity().yamlName())
          .with("domain", spec.impact().domain().yamlName())
          .with("owner", spec.impact().owner())
          .with("customer_facing", Boolean.toString(spec.impact().customerFacing()));
      this.fingerprint = Fingerprints.of(alertLabels);
      this.machine = new AlertStateMachine(spec.forDuration());
    }

    boolean isExpired(Instant now) {
      Optional<AlertState> state = machine.state();
      if (state.isEmpty()) {
        return true;
      }
      return state.get() == AlertState.RESOLVED
          && machine.resolvedAt().orElseThrow().plus(RESOLVED_RETENTION).isBefore(now);
    }

    Optional<Alert> snapshot() {
      return machine.state().map(state -> {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", summary);
        annotations.put("runbook", spec.impact().runbook());
        if (!spec.impact().dashboard().isEmpty()) {
          annotations.put("dashboard", spec.impact().dashboard());
        }
        if (!spec.impact().process().isEmpty()) {
          annotations.put("process", spec.impact().process());
        }
        return new Alert(fingerprint, spec.name(), alertLabels, annotations, state, value,
            machine.activeSince(), machine.firingSince(), machine.resolvedAt());
      });
    }
  }
}
