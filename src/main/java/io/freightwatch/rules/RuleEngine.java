package io.freightwatch.rules;

import io.freightwatch.config.DependencyMap;
import io.freightwatch.config.OperationalCalendar;
import io.freightwatch.config.RuleSpec;
import io.freightwatch.config.SloSpec;
import io.freightwatch.config.SummaryTemplate;
import io.freightwatch.slo.SloEngine;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.Series;
import io.freightwatch.store.SeriesIndex;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates every rule and SLO burn-rate tier against the store and keeps the state of each
 * alert: one alert per rule and label set. After each evaluation the operational calendar,
 * silences and dependency map decide which alerts are escalated, muted or grouped under an
 * infrastructure alert, and only the rest reach receivers. Must be used from the agent's event
 * loop only.
 */
public final class RuleEngine {

  /** How long a resolved alert stays visible in the API. */
  public static final Duration RESOLVED_RETENTION = Duration.ofMinutes(15);

  private static final Logger LOG = LoggerFactory.getLogger(RuleEngine.class);

  private final SeriesStore store;
  private final ConditionEvaluator evaluator;
  private final Optional<SloEngine> slos;
  private final Silences silences;
  private final AlertContext context;
  private Map<String, AlertRule> rules = new LinkedHashMap<>();
  private final List<AlertInstance> retired = new ArrayList<>();
  /** Label sets of freightwatch_alerts, reused so that the store compares them by identity. */
  private final Map<String, Labels> alertSeriesLabels = new HashMap<>();
  private Map<Labels, Integer> writtenCounts = Map.of();

  /** Creates an engine without calendar, dependency map, silences or SLOs. */
  public RuleEngine(SeriesStore store, List<RuleSpec> specs) {
    this(store, specs, OperationalCalendar.EMPTY, DependencyMap.EMPTY, new Silences(List.of()),
        Optional.empty());
  }

  /**
   * @param slos the SLO engine whose burn rates the burn-rate alerts read; the rule engine
   *     updates it at the start of every evaluation
   */
  public RuleEngine(SeriesStore store, List<RuleSpec> specs, OperationalCalendar calendar,
      DependencyMap dependencies, Silences silences, Optional<SloEngine> slos) {
    this.store = store;
    this.evaluator = new ConditionEvaluator(store);
    this.slos = slos;
    this.silences = silences;
    this.context = new AlertContext(store, calendar, dependencies, silences);
    replaceRules(specs);
    slos.ifPresent(engine -> replaceSloRules(engine.specs()));
  }

  public List<RuleSpec> specs() {
    List<RuleSpec> specs = new ArrayList<>();
    rules.values().forEach(rule -> {
      if (rule instanceof CompiledRule compiled) {
        specs.add(compiled.spec);
      }
    });
    return specs;
  }

  public Silences silences() {
    return silences;
  }

  /**
   * Replaces the rules. Rules whose {@link RuleSpec#signature()} is unchanged keep their alerts'
   * state; alerts of removed or changed rules resolve at the next evaluation.
   */
  public void replaceRules(List<RuleSpec> specs) {
    Map<String, AlertRule> next = new LinkedHashMap<>();
    for (RuleSpec spec : specs) {
      AlertRule existing = rules.get(spec.name());
      if (existing instanceof CompiledRule compiled
          && compiled.spec.signature().equals(spec.signature())) {
        next.put(spec.name(), existing);
      } else {
        next.put(spec.name(), new CompiledRule(spec));
      }
    }
    rules.values().forEach(rule -> {
      if (rule instanceof CompiledSlo slo) {
        next.put(rule.name, slo);
      }
    });
    retire(next);
    rules = next;
  }

  /** Replaces the SLO burn-rate alerts after the SLO engine got new SLOs. */
  public void replaceSloRules(List<SloSpec> specs) {
    Map<String, AlertRule> next = new LinkedHashMap<>();
    rules.values().forEach(rule -> {
      if (rule instanceof CompiledRule) {
        next.put(rule.name, rule);
      }
    });
    for (SloSpec spec : specs) {
      String name = SloAlerts.ALERT_NAME + ":" + spec.name();
      AlertRule existing = rules.get(name);
      if (existing instanceof CompiledSlo slo && slo.spec.signature().equals(spec.signature())) {
        next.put(name, existing);
      } else {
        next.put(name, new CompiledSlo(spec));
      }
    }
    retire(next);
    rules = next;
  }

  /** Replaces the calendar and dependency map, as after a configuration reload. */
  public void setContext(OperationalCalendar calendar, DependencyMap dependencies) {
    context.set(calendar, dependencies);
  }

  /**
   * Evaluates every rule at {@code now} and returns the changes receivers must hear about, firing
   * ones first. Also writes the {@code freightwatch_alerts} series into the store.
   */
  public List<AlertEvent> evaluate(Instant now) {
    SeriesIndex index = evaluator.startEvaluation();
    slos.ifPresent(engine -> engine.update(now, index));
    silences.expire(now);
    List<AlertInstance> active = new ArrayList<>();
    for (AlertRule rule : rules.values()) {
      rule.evaluate(now);
      active.addAll(rule.instances.values());
    }
    for (AlertInstance instance : retired) {
      instance.lastTransition = instance.machine.observe(AlertStateMachine.Observation.CLEAR,
          now);
      active.add(instance);
    }
    retired.clear();
    context.apply(active, now);
    for (AlertRule rule : rules.values()) {
      for (AlertInstance instance : rule.instances.values()) {
        if (instance.isActive() && instance.needsRender(rule.readsOtherSignals())) {
          instance.summary = instance.summaryPrefix + rule.render(instance)
              + instance.summarySuffix;
        }
        instance.trackWorst(rule.worseDirection());
      }
    }
    List<AlertEvent> events = notifications(active);
    rules.values().forEach(rule -> rule.instances.values().removeIf(i -> i.isExpired(now)));
    events.sort(Comparator.comparing(AlertEvent::kind));
    writeAlertSeries(now);
    return events;
  }

  /** Returns every pending, firing and recently resolved alert. */
  public List<Alert> alerts() {
    List<Alert> result = new ArrayList<>();
    for (AlertRule rule : rules.values()) {
      for (AlertInstance instance : rule.instances.values()) {
        instance.snapshot().ifPresent(result::add);
      }
    }
    return result;
  }

  private void retire(Map<String, AlertRule> next) {
    for (Map.Entry<String, AlertRule> entry : rules.entrySet()) {
      if (next.get(entry.getKey()) != entry.getValue()) {
        entry.getValue().instances.values().stream()
            .filter(AlertInstance::isFiring)
            .forEach(retired::add);
      }
    }
  }

  private List<AlertEvent> notifications(List<AlertInstance> instances) {
    List<AlertEvent> events = new ArrayList<>();
    for (AlertInstance instance : instances) {
      if (instance.lastTransition == AlertStateMachine.Transition.FIRED) {
        LOG.info("alert firing rule={} fingerprint={} value={} muted_by={} summary=\"{}\"",
            instance.rule, instance.fingerprint, SummaryTemplate.formatNumber(instance.value),
            instance.mutedBy.orElse("none"), instance.summary);
      }
      if (instance.isFiring() && instance.mutedBy.isEmpty()) {
        if (!instance.notified || instance.notifiedSeverity != instance.severity) {
          instance.notified = true;
          instance.notifiedSeverity = instance.severity;
          events.add(new AlertEvent(AlertEvent.Kind.FIRING, instance.snapshot().orElseThrow()));
        }
      } else if (instance.lastTransition == AlertStateMachine.Transition.RESOLVED) {
        LOG.info("alert resolved rule={} fingerprint={}", instance.rule, instance.fingerprint);
        if (instance.notified) {
          instance.notified = false;
          events.add(new AlertEvent(AlertEvent.Kind.RESOLVED,
              instance.snapshot().orElseThrow()));
        }
      }
    }
    return events;
  }

  private void writeAlertSeries(Instant now) {
    Map<Labels, Integer> counts = new HashMap<>();
    for (AlertRule rule : rules.values()) {
      for (AlertInstance instance : rule.instances.values()) {
        Optional<AlertState> state = instance.machine.state();
        if (state.isEmpty()) {
          continue;
        }
        Labels labels = instance.labels();
        String severity = labels.get("severity");
        String domain = labels.get("domain");
        String tenant = labels.get("tenant");
        String muted = Boolean.toString(instance.mutedBy.isPresent());
        String text = instance.rule + '\n' + state.get().apiName() + '\n' + severity + '\n'
            + domain + '\n' + tenant + '\n' + muted;
        Labels key = alertSeriesLabels.computeIfAbsent(text, t -> Labels.of("alertname",
            instance.rule, "state", state.get().apiName(), "severity", severity, "domain",
            domain, "tenant", tenant, "muted", muted));
        counts.merge(key, 1, Integer::sum);
      }
    }
    if (counts.equals(writtenCounts)) {
      // Unchanged series keep their latest values; rewriting them every cycle costs time.
      return;
    }
    writtenCounts = counts;
    if (alertSeriesLabels.size() > 10_000) {
      alertSeriesLabels.clear();
    }
    List<Sample> samples = new ArrayList<>();
    counts.forEach((labels, count) -> samples.add(Sample.gauge("freightwatch_alerts",
        "Alerts per rule, state, severity, domain, tenant and whether they are muted.", count,
        labels)));
    store.applyScrape("rules", samples, now);
  }

  /** A source of alerts: a rule or an SLO, with the state of its alerts. */
  abstract static class AlertRule {
    final String name;
    final Map<Labels, AlertInstance> instances = new HashMap<>();

    AlertRule(String name) {
      this.name = name;
    }

    abstract Map<Labels, ConditionEvaluator.Result> results(Instant now);

    /** Returns a new alert for {@code labels}, or empty when the rule does not apply to them. */
    abstract Optional<AlertInstance> newInstance(Labels labels, Instant now);

    abstract String render(AlertInstance instance);

    /** Returns whether the summary reads other series, so it can change while the value stays. */
    boolean readsOtherSignals() {
      return true;
    }

    /**
     * Returns 1 when a higher value is a worse one (a {@code >} or {@code >=} threshold), -1 when
     * a lower one is, and 0 when the rule has no such direction.
     */
    int worseDirection() {
      return 0;
    }

    void evaluate(Instant now) {
      Map<Labels, ConditionEvaluator.Result> results = results(now);
      for (Map.Entry<Labels, ConditionEvaluator.Result> entry : results.entrySet()) {
        ConditionEvaluator.Result result = entry.getValue();
        AlertInstance instance = instances.get(entry.getKey());
        if (instance == null) {
          if (!result.holds()) {
            continue;
          }
          Optional<AlertInstance> created = newInstance(entry.getKey(), now);
          if (created.isEmpty()) {
            continue;
          }
          instance = created.get();
          instances.put(entry.getKey(), instance);
        }
        // A clearing value is not stored: a resolved alert keeps the value and text it fired with.
        if (!Double.isNaN(result.value())
            && result.observation() != AlertStateMachine.Observation.CLEAR) {
          instance.value = result.value();
        }
        instance.lastTransition = instance.machine.observe(result.observation(), now);
      }
      Iterator<AlertInstance> iterator = instances.values().iterator();
      while (iterator.hasNext()) {
        AlertInstance instance = iterator.next();
        if (!results.containsKey(instance.resultLabels)) {
          // The series is gone: its condition no longer holds.
          instance.lastTransition =
              instance.machine.observe(AlertStateMachine.Observation.CLEAR, now);
        }
      }
    }
  }

  /** A rule from a rule file. */
  private final class CompiledRule extends AlertRule {
    private final RuleSpec spec;

    CompiledRule(RuleSpec spec) {
      super(spec.name());
      this.spec = spec;
    }

    @Override
    Map<Labels, ConditionEvaluator.Result> results(Instant now) {
      Map<Labels, ConditionEvaluator.Result> results = evaluator.evaluate(spec.condition(), now,
          this::thresholdFor, instances::containsKey);
      if (!spec.overrides().isEmpty()) {
        results.keySet().removeIf(labels -> spec.overrideFor(labels)
            .map(RuleSpec.Override::disabled).orElse(false));
      }
      return results;
    }

    /** Returns the condition's threshold, or the first matching override's. */
    private double thresholdFor(Labels labels) {
      if (spec.overrides().isEmpty()) {
        return ConditionEvaluator.thresholdOf(spec.condition());
      }
      return spec.overrideFor(labels)
          .filter(o -> !Double.isNaN(o.threshold()))
          .map(RuleSpec.Override::threshold)
          .orElse(ConditionEvaluator.thresholdOf(spec.condition()));
    }

    @Override
    Optional<AlertInstance> newInstance(Labels labels, Instant now) {
      Optional<RuleSpec.Override> override = spec.overrideFor(labels);
      RuleSpec.Severity severity = override.flatMap(RuleSpec.Override::severity)
          .orElse(spec.impact().severity());
      Duration forDuration = override.flatMap(RuleSpec.Override::forDuration)
          .orElse(spec.forDuration());
      Labels identity = labels
          .withAll(Labels.of(spec.labels()))
          .with("alertname", spec.name())
          .with("severity", severity.yamlName())
          .with("domain", spec.impact().domain().yamlName())
          .with("owner", spec.impact().owner())
          .with("customer_facing", Boolean.toString(spec.impact().customerFacing()));
      return Optional.of(new AlertInstance(spec.name(), labels, identity, spec.impact(), severity,
          forDuration, spec.keepFiringFor(), context.isQuiet(identity, spec.impact(), now)));
    }

    @Override
    boolean readsOtherSignals() {
      return !spec.impact().summary().signals().isEmpty();
    }

    @Override
    int worseDirection() {
      return ConditionEvaluator.comparisonOf(spec.condition()).map(comparison -> switch (comparison) {
        case GREATER, GREATER_OR_EQUAL -> 1;
        case LESS, LESS_OR_EQUAL -> -1;
        case EQUAL, NOT_EQUAL -> 0;
      }).orElse(0);
    }

    @Override
    String render(AlertInstance instance) {
      return spec.impact().summary().render(new SummaryTemplate.Values() {
        @Override
        public String label(String name) {
          return instance.labels().get(name);
        }

        @Override
        public double value() {
          return instance.value;
        }

        @Override
        public double threshold() {
          return thresholdFor(instance.resultLabels);
        }

        @Override
        public double signal(String name) {
          return relatedValue(name, instance.resultLabels);
        }
      });
    }
  }

  /** The burn-rate alerts of one SLO, one alert per tier name. */
  private final class CompiledSlo extends AlertRule {
    private final SloSpec spec;

    CompiledSlo(SloSpec spec) {
      super(SloAlerts.ALERT_NAME + ":" + spec.name());
      this.spec = spec;
    }

    @Override
    Map<Labels, ConditionEvaluator.Result> results(Instant now) {
      return slos.flatMap(engine -> engine.status(spec.name()))
          .map(SloAlerts::results)
          .orElse(Map.of());
    }

    @Override
    Optional<AlertInstance> newInstance(Labels labels, Instant now) {
      RuleSpec.Severity severity = SloAlerts.severityOf(spec, labels.get("tier"));
      Labels identity = SloAlerts.identity(spec, labels, severity);
      return Optional.of(new AlertInstance(SloAlerts.ALERT_NAME, labels, identity, spec.impact(),
          severity, Duration.ZERO, Duration.ZERO, context.isQuiet(identity, spec.impact(), now)));
    }

    @Override
    String render(AlertInstance instance) {
      return slos.flatMap(engine -> engine.status(spec.name()))
          .map(status -> SloAlerts.summary(status, instance.resultLabels.get("tier"),
              instance.labels()))
          .orElse(instance.summary);
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
}
