package io.freightwatch.rules;

import io.freightwatch.config.DependencyMap;
import io.freightwatch.config.OperationalCalendar;
import io.freightwatch.config.RuleSpec;
import io.freightwatch.config.SilenceSpec;
import io.freightwatch.config.SummaryTemplate;
import io.freightwatch.store.LabelMatcher;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Series;
import io.freightwatch.store.SeriesStore;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Decides, after each evaluation, what the operational calendar, silences and dependency map mean
 * for every active alert: escalation before a cutoff, muting by maintenance windows and silences,
 * and grouping of business alerts under the infrastructure alert that explains them. Owned by
 * the agent's event loop.
 */
final class AlertContext {

  /** Series that names each discovered tenant's PostgreSQL cluster. */
  static final String TENANT_INFO = "freightwatch_odoo_tenant_info";

  private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("HH:mm");

  private final SeriesStore store;
  private final Silences silences;
  private OperationalCalendar calendar;
  private DependencyMap dependencies;

  AlertContext(SeriesStore store, OperationalCalendar calendar, DependencyMap dependencies,
      Silences silences) {
    this.store = store;
    this.calendar = calendar;
    this.dependencies = dependencies;
    this.silences = silences;
  }

  void set(OperationalCalendar newCalendar, DependencyMap newDependencies) {
    calendar = newCalendar;
    dependencies = newDependencies;
  }

  /**
   * Returns whether a new alert should route quietly: it is not customer-facing and its site is
   * outside operating hours. Decided once, when the alert starts, so its labels never change.
   */
  boolean isQuiet(Labels labels, RuleSpec.Impact impact, Instant now) {
    if (impact.customerFacing()) {
      return false;
    }
    return calendar.siteFor(labels).map(site -> !site.isOperating(now)).orElse(false);
  }

  void apply(List<AlertInstance> instances, Instant now) {
    List<AlertInstance> active = new ArrayList<>();
    for (AlertInstance instance : instances) {
      instance.context.clear();
      instance.summaryPrefix = "";
      instance.summarySuffix = "";
      instance.mutedBy = Optional.empty();
      if (instance.isActive()) {
        applyCalendar(instance, now);
        applySilences(instance, now);
        active.add(instance);
      }
    }
    group(active);
  }

  private void applyCalendar(AlertInstance instance, Instant now) {
    Optional<OperationalCalendar.Site> found = calendar.siteFor(instance.identityLabels);
    if (found.isEmpty()) {
      return;
    }
    OperationalCalendar.Site site = found.get();
    site.maintenanceAt(now).ifPresent(window -> {
      instance.mutedBy = Optional.of("maintenance " + window.name());
      instance.context.put("maintenance", window.name());
    });
    site.peakAt(now).ifPresent(peak -> instance.context.put("peak", peak.name()));
    site.freezeAt(now).ifPresent(freeze -> instance.context.put("release_freeze",
        freeze.name()));
    Duration horizon = site.peakAt(now).isPresent()
        ? calendar.escalationHorizon().multipliedBy(2) : calendar.escalationHorizon();
    site.nextCutoff(now, instance.impact.domain()).ifPresent(cutoff -> {
      Duration left = Duration.between(now, cutoff.at().toInstant());
      if (left.compareTo(horizon) > 0) {
        return;
      }
      String when = cutoff.cutoff().name() + " at " + LOCAL_TIME.format(cutoff.at()) + " "
          + site.zone().getId();
      String leftText = SummaryTemplate.formatDuration(left.toSeconds());
      instance.context.put("cutoff", when);
      // The Teams card computes the time left from this instant when it sends.
      instance.context.put("cutoff_at", cutoff.at().toInstant().toString());
      instance.context.put("time_to_cutoff", leftText);
      if (calendar.escalateTo().isAbove(instance.baseSeverity) && instance.isFiring()) {
        instance.escalated = true;
      }
      StringBuilder text = new StringBuilder(" This threatens the ").append(when).append(": ")
          .append(leftText).append(" left");
      if (instance.escalated) {
        instance.severity = calendar.escalateTo();
        instance.context.put("escalated_from", instance.baseSeverity.yamlName());
        text.append("; escalated from ").append(instance.baseSeverity.yamlName()).append(" to ")
            .append(instance.severity.yamlName());
      }
      instance.summarySuffix = text.append('.').toString();
    });
  }

  private void applySilences(AlertInstance instance, Instant now) {
    if (instance.mutedBy.isPresent()) {
      return;
    }
    Optional<SilenceSpec> silence = silences.matching(instance.labels(), now);
    silence.ifPresent(s -> instance.mutedBy = Optional.of("silence " + s.id()));
  }

  /**
   * Mutes every active business alert that an active infrastructure alert explains, and lists
   * the tenants and processes on the infrastructure alert.
   */
  private void group(List<AlertInstance> active) {
    for (AlertInstance infra : active) {
      Optional<RuleSpec.Component> kind = infra.impact.component();
      if (kind.isEmpty()) {
        continue;
      }
      String component = componentName(kind.get(), infra.identityLabels);
      if (component.isEmpty()) {
        continue;
      }
      TreeSet<String> tenants = dependentTenants(kind.get(), component);
      TreeSet<String> processes = new TreeSet<>(dependencies.find(kind.get(), component)
          .map(DependencyMap.Dependency::processes).orElse(List.of()));
      String cause = describe(kind.get(), component) + " (" + infra.rule + ")";
      int grouped = 0;
      for (AlertInstance business : active) {
        if (business.impact.component().isPresent() || !explains(kind.get(), component, tenants,
            business.identityLabels)) {
          continue;
        }
        grouped++;
        if (!business.impact.process().isEmpty()) {
          processes.add(business.impact.process());
        }
        business.context.put("probable_cause", cause);
        business.context.put("grouped_under", infra.fingerprint);
        business.summaryPrefix = "Probable cause: " + cause + ". ";
        if (business.mutedBy.isEmpty()) {
          business.mutedBy = Optional.of("grouped under " + infra.fingerprint);
        }
      }
      if (!tenants.isEmpty()) {
        infra.context.put("affected_tenants", String.join(", ", tenants));
      }
      if (!processes.isEmpty()) {
        infra.context.put("affected_processes", String.join(", ", processes));
      }
      infra.context.put("grouped_alerts", Integer.toString(grouped));
      if (!tenants.isEmpty()) {
        infra.summarySuffix += " Affects tenants " + String.join(", ", tenants)
            + (processes.isEmpty() ? "" : " (" + String.join(", ", processes) + ")") + ".";
      }
    }
  }

  private boolean explains(RuleSpec.Component kind, String component, TreeSet<String> tenants,
      Labels labels) {
    String tenant = tenantOf(labels);
    if (!tenant.isEmpty() && tenants.contains(tenant)) {
      return true;
    }
    return component.equals(componentName(kind, labels));
  }

  /** Tenants of the dependency map plus, for PostgreSQL, every tenant discovered on it. */
  private TreeSet<String> dependentTenants(RuleSpec.Component kind, String component) {
    TreeSet<String> tenants = new TreeSet<>(dependencies.find(kind, component)
        .map(DependencyMap.Dependency::tenants).orElse(List.of()));
    if (kind == RuleSpec.Component.POSTGRES) {
      for (Series info : store.select(TENANT_INFO,
          List.of(LabelMatcher.equal("cluster", component)))) {
        tenants.add(info.labels().get("tenant"));
      }
    }
    return tenants;
  }

  /**
   * Returns the name of the component of {@code kind} that {@code labels} point at: its naming
   * label, or for PostgreSQL and Redis the target the agent scrapes; empty when none.
   */
  String componentName(RuleSpec.Component kind, Labels labels) {
    String named = labels.get(kind.label());
    if (kind == RuleSpec.Component.POSTGRES) {
      if (!named.isEmpty()) {
        return named;
      }
      String instance = labels.get("instance");
      if (dependencies.postgresClusters().containsKey(instance)) {
        return dependencies.postgresClusters().get(instance);
      }
      if (labels.get("source").equals("postgres")) {
        return dependencies.postgresClusters().getOrDefault(labels.get("target"), "");
      }
      return "";
    }
    if (kind == RuleSpec.Component.REDIS && labels.get("source").equals("redis")) {
      return labels.get("target");
    }
    return named;
  }

  private static String tenantOf(Labels labels) {
    String tenant = labels.get("tenant");
    if (tenant.isEmpty() && labels.get("source").equals("odoo")) {
      return labels.get("target");
    }
    return tenant;
  }

  private static String describe(RuleSpec.Component kind, String name) {
    return switch (kind) {
      case POSTGRES -> "PostgreSQL cluster " + name;
      case REDIS -> "Redis " + name;
      case TRAEFIK -> "Traefik service " + name;
      case INTEGRATION -> "integration " + name;
    };
  }
}
