package io.freightwatch.rules;

import io.freightwatch.config.Durations;
import io.freightwatch.config.RuleSpec;
import io.freightwatch.config.SloSpec;
import io.freightwatch.config.SummaryTemplate;
import io.freightwatch.slo.SloStatus;
import io.freightwatch.store.Labels;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Multiwindow burn-rate alerts of SLOs, one alert per SLO and tier name. An alert fires while any
 * tier of its name burns faster than the tier's factor over both its long and short window. The
 * long window must also contain at least the SLO's minimum event count.
 */
final class SloAlerts {

  /** {@code alertname} of every burn-rate alert. */
  static final String ALERT_NAME = "slo_error_budget_burn";

  private SloAlerts() {}

  /** Returns one result per tier name, holding or not, with the highest long-window burn. */
  static Map<Labels, ConditionEvaluator.Result> results(SloStatus status) {
    SloSpec spec = status.spec();
    Map<String, Boolean> holds = new LinkedHashMap<>();
    Map<String, Double> burns = new LinkedHashMap<>();
    for (SloSpec.BurnTier tier : spec.tiers()) {
      SloStatus.WindowBurn longBurn = status.window(tier.longWindow());
      SloStatus.WindowBurn shortBurn = status.window(tier.shortWindow());
      boolean tierHolds = longBurn.hasEnoughEvents() && longBurn.burnRate() > tier.factor()
          && shortBurn.burnRate() > tier.factor();
      holds.merge(tier.name(), tierHolds, Boolean::logicalOr);
      burns.merge(tier.name(), longBurn.burnRate(), Math::max);
    }
    Map<Labels, ConditionEvaluator.Result> results = new LinkedHashMap<>();
    Labels base = Labels.of(spec.labels()).with("slo", spec.name());
    holds.forEach((tier, holding) -> results.put(base.with("tier", tier),
        new ConditionEvaluator.Result(holding ? AlertStateMachine.Observation.HOLDS
            : AlertStateMachine.Observation.CLEAR, burns.get(tier))));
    return results;
  }

  /** Returns the severity of the first tier named {@code tier}. */
  static RuleSpec.Severity severityOf(SloSpec spec, String tier) {
    return spec.tiers().stream()
        .filter(t -> t.name().equals(tier))
        .map(SloSpec.BurnTier::severity)
        .findFirst()
        .orElse(RuleSpec.Severity.WARNING);
  }

  /** Returns the identifying labels of an SLO alert, as the Prometheus export sets them too. */
  static Labels identity(SloSpec spec, Labels resultLabels, RuleSpec.Severity severity) {
    return resultLabels
        .with("alertname", ALERT_NAME)
        .with("severity", severity.yamlName())
        .with("domain", spec.impact().domain().yamlName())
        .with("owner", spec.impact().owner())
        .with("customer_facing", Boolean.toString(spec.impact().customerFacing()));
  }

  /** Writes the alert text: burn rates, budget left and time to exhaustion. */
  static String summary(SloStatus status, String tier, Labels labels) {
    SloSpec spec = status.spec();
    SloSpec.BurnTier worst = null;
    for (SloSpec.BurnTier candidate : spec.tiers()) {
      if (candidate.name().equals(tier) && (worst == null
          || status.window(candidate.longWindow()).burnRate()
              / candidate.factor() > status.window(worst.longWindow()).burnRate()
              / worst.factor())) {
        worst = candidate;
      }
    }
    StringBuilder text = new StringBuilder();
    if (!spec.impact().summary().text().isEmpty()) {
      double burn = worst == null ? 0 : status.window(worst.longWindow()).burnRate();
      text.append(spec.impact().summary().render(values(labels, burn))).append(' ');
    }
    text.append("SLO ").append(spec.name()).append(" (objective ")
        .append(SummaryTemplate.formatNumber(spec.objective() * 100)).append("% over ")
        .append(spec.window().describe()).append(')');
    if (worst != null) {
      SloStatus.WindowBurn longBurn = status.window(worst.longWindow());
      SloStatus.WindowBurn shortBurn = status.window(worst.shortWindow());
      text.append(" burns its error budget ")
          .append(SummaryTemplate.formatNumber(longBurn.burnRate())).append("x too fast over ")
          .append(Durations.format(worst.longWindow())).append(" and ")
          .append(SummaryTemplate.formatNumber(shortBurn.burnRate())).append("x over ")
          .append(Durations.format(worst.shortWindow())).append(" (")
          .append(tier).append(" above ")
          .append(SummaryTemplate.formatNumber(worst.factor())).append("x)");
    }
    double remaining = status.errorBudgetRemainingRatio();
    if (remaining <= 0) {
      text.append("; the error budget of the ").append(spec.window().describe())
          .append(" window is spent (")
          .append(SummaryTemplate.formatNumber(Math.round(-remaining * 1000) / 10.0))
          .append("% over)");
    } else {
      text.append("; ").append(SummaryTemplate.formatNumber(Math.round(remaining * 1000) / 10.0))
          .append("% of the budget is left");
      status.timeToExhaustion().ifPresent(left -> text.append(", spent in ")
          .append(SummaryTemplate.formatDuration(left.toSeconds())).append(" at this rate"));
    }
    return text.append('.').toString();
  }

  private static SummaryTemplate.Values values(Labels labels, double burn) {
    return new SummaryTemplate.Values() {
      @Override
      public String label(String name) {
        return labels.get(name);
      }

      @Override
      public double value() {
        return burn;
      }

      @Override
      public double threshold() {
        return Double.NaN;
      }

      @Override
      public double signal(String name) {
        return Double.NaN;
      }
    };
  }
}
