package io.freightwatch.http;

import io.freightwatch.collect.TargetHealth;
import io.freightwatch.config.SummaryTemplate;
import io.freightwatch.notify.DeliveryRecord;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The status page served at {@code /}: target health, firing alerts grouped by business domain
 * and tenant with the time left to a cutoff, SLO error budgets and burn rates, and recent
 * deliveries. The server renders it as one HTML document with inline CSS, no script and no
 * external resource. A meta refresh reloads it every 15 seconds. Every value taken from labels,
 * annotations or errors is HTML-escaped.
 *
 * <p>Rendering reads the suppliers, so it must run where they may be read: on the agent's event
 * loop.
 */
public final class StatusPage {

  /** Annotation with the instant of the business cutoff an alert threatens (ISO-8601). */
  public static final String CUTOFF_AT_ANNOTATION = "cutoff_at";

  /** Annotation with the name and local time of the cutoff an alert threatens. */
  public static final String CUTOFF_ANNOTATION = "cutoff";

  /** Annotation with the time left to that cutoff, as text. */
  public static final String TIME_TO_CUTOFF_ANNOTATION = "time_to_cutoff";

  private static final int REFRESH_SECONDS = 15;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final List<String> SEVERITY_ORDER = List.of("critical", "error", "warning",
      "info");
  private static final List<String> DOMAIN_ORDER = List.of("orders", "warehouse", "transport",
      "integrations", "finance", "platform");
  private static final String NO_TENANT = "all tenants";
  private static final String NO_DOMAIN = "unassigned";

  private final Sources sources;
  private final Clock clock;
  private final String version;

  /**
   * @param version agent version shown in the page header
   */
  public StatusPage(Sources sources, Clock clock, String version) {
    this.sources = Objects.requireNonNull(sources, "sources");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.version = Objects.requireNonNull(version, "version");
  }

  /** Renders the whole page from the current values of the sources. */
  public String render() {
    Instant now = clock.instant();
    List<TargetHealth> targets = sources.targets().get();
    List<Alert> alerts = sources.alerts().get();
    List<SloSummary> slos = sources.slos().get();
    List<DeliveryRecord> deliveries = sources.deliveries().get();

    StringBuilder html = new StringBuilder(16 * 1024);
    head(html);
    header(html, now, targets, alerts);
    firingAlerts(html, now, alerts);
    pendingAlerts(html, now, alerts);
    targets(html, now, targets);
    slos(html, slos);
    deliveries(html, now, deliveries);
    html.append("</main>\n</body>\n</html>\n");
    return html.toString();
  }

  private void head(StringBuilder html) {
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS)
        .append("\">\n<title>Freightwatch status</title>\n<style>\n").append(CSS)
        .append("</style>\n</head>\n<body>\n");
  }

  private void header(StringBuilder html, Instant now, List<TargetHealth> targets,
      List<Alert> alerts) {
    long up = targets.stream().filter(t -> t.scraped() && t.up()).count();
    long firing = alerts.stream().filter(a -> a.state() == AlertState.FIRING).count();
    boolean ready = sources.ready().getAsBoolean();
    html.append("<header>\n<h1>Freightwatch</h1>\n<p class=\"meta\">version ")
        .append(escape(version)).append(" · ").append(TIME.format(now))
        .append(" · <span id=\"readiness\" class=\"").append(ready ? "ok" : "warn").append("\">")
        .append(ready ? "ready" : "starting: not every target scraped yet").append("</span></p>\n")
        .append("<ul class=\"summary\">\n")
        .append("<li><strong id=\"firing-count\">").append(firing).append("</strong> firing")
        .append(firing == 1 ? " alert" : " alerts").append("</li>\n")
        .append("<li><strong id=\"targets-up\">").append(up).append("</strong> of ")
        .append(targets.size()).append(" targets up</li>\n")
        .append("</ul>\n</header>\n<main>\n");
  }

  private void firingAlerts(StringBuilder html, Instant now, List<Alert> alerts) {
    html.append("<section id=\"alerts\">\n<h2>Firing alerts</h2>\n");
    Map<String, Map<String, List<Alert>>> groups = new TreeMap<>(this::compareDomains);
    for (Alert alert : alerts) {
      if (alert.state() == AlertState.FIRING) {
        groups.computeIfAbsent(orDefault(alert.labels().get("domain"), NO_DOMAIN),
                d -> new TreeMap<>())
            .computeIfAbsent(orDefault(alert.labels().get("tenant"), NO_TENANT),
                t -> new java.util.ArrayList<>())
            .add(alert);
      }
    }
    if (groups.isEmpty()) {
      html.append("<p class=\"empty\">No alert is firing.</p>\n</section>\n");
      return;
    }
    for (Map.Entry<String, Map<String, List<Alert>>> domain : groups.entrySet()) {
      html.append("<div class=\"domain\" data-domain=\"").append(escape(domain.getKey()))
          .append("\">\n<h3>").append(escape(domain.getKey())).append("</h3>\n");
      for (Map.Entry<String, List<Alert>> tenant : domain.getValue().entrySet()) {
        html.append("<h4 data-tenant=\"").append(escape(tenant.getKey())).append("\">")
            .append(escape(tenant.getKey())).append("</h4>\n");
        alertTable(html, now, tenant.getValue());
      }
      html.append("</div>\n");
    }
    html.append("</section>\n");
  }

  private void alertTable(StringBuilder html, Instant now, List<Alert> alerts) {
    html.append("<table class=\"alerts\">\n<thead><tr><th>severity</th><th>alert</th>")
        .append("<th>what is at stake</th><th>value</th><th>firing for</th>")
        .append("<th>time to cutoff</th><th>runbook</th></tr></thead>\n<tbody>\n");
    alerts.stream()
        .sorted(Comparator.comparing((Alert a) -> severityRank(a.severity()))
            .thenComparing(Alert::rule))
        .forEach(alert -> alertRow(html, now, alert));
    html.append("</tbody>\n</table>\n");
  }

  private void alertRow(StringBuilder html, Instant now, Alert alert) {
    String severity = orDefault(alert.severity(), "none");
    Duration firingFor = Duration.between(alert.firingSince().orElse(alert.activeSince()), now);
    html.append("<tr class=\"alert\" data-alert=\"").append(escape(alert.rule()))
        .append("\" data-fingerprint=\"").append(escape(alert.fingerprint())).append("\">")
        .append("<td><span class=\"sev ").append(cssClass(severity)).append("\">")
        .append(escape(severity)).append("</span></td>")
        .append("<td>").append(escape(alert.rule())).append("</td>")
        .append("<td>").append(escape(alert.summary())).append("</td>")
        .append("<td class=\"num\">").append(escape(SummaryTemplate.formatNumber(alert.value())))
        .append("</td>")
        .append("<td>").append(escape(formatDuration(firingFor))).append("</td>")
        .append("<td class=\"cutoff\">").append(escape(cutoff(alert, now).orElse("–")))
        .append("</td>")
        .append("<td>").append(runbook(alert.annotations().getOrDefault("runbook", "")))
        .append("</td></tr>\n");
  }

  private void pendingAlerts(StringBuilder html, Instant now, List<Alert> alerts) {
    List<Alert> pending = alerts.stream()
        .filter(a -> a.state() == AlertState.PENDING)
        .sorted(Comparator.comparing(Alert::rule).thenComparing(a -> a.labels().toString()))
        .toList();
    html.append("<section id=\"pending\">\n<h2>Pending alerts</h2>\n");
    if (pending.isEmpty()) {
      html.append("<p class=\"empty\">No alert is pending.</p>\n</section>\n");
      return;
    }
    html.append("<table>\n<thead><tr><th>alert</th><th>tenant</th><th>domain</th>")
        .append("<th>value</th><th>pending for</th></tr></thead>\n<tbody>\n");
    for (Alert alert : pending) {
      html.append("<tr data-alert=\"").append(escape(alert.rule())).append("\"><td>")
          .append(escape(alert.rule())).append("</td><td>")
          .append(escape(orDefault(alert.labels().get("tenant"), NO_TENANT))).append("</td><td>")
          .append(escape(orDefault(alert.labels().get("domain"), NO_DOMAIN))).append("</td>")
          .append("<td class=\"num\">").append(escape(SummaryTemplate.formatNumber(alert.value())))
          .append("</td><td>")
          .append(escape(formatDuration(Duration.between(alert.activeSince(), now))))
          .append("</td></tr>\n");
    }
    html.append("</tbody>\n</table>\n</section>\n");
  }

  private void targets(StringBuilder html, Instant now, List<TargetHealth> targets) {
    html.append("<section id=\"targets\">\n<h2>Targets</h2>\n");
    if (targets.isEmpty()) {
      html.append("<p class=\"empty\">No target is configured.</p>\n</section>\n");
      return;
    }
    html.append("<table>\n<thead><tr><th>source</th><th>target</th><th>health</th>")
        .append("<th>last scrape</th><th>duration</th><th>skipped</th><th>last error</th>")
        .append("</tr></thead>\n<tbody>\n");
    targets.stream()
        .sorted(Comparator.comparing((TargetHealth t) -> t.target().source())
            .thenComparing(t -> t.target().name()))
        .forEach(target -> targetRow(html, now, target));
    html.append("</tbody>\n</table>\n</section>\n");
  }

  private void targetRow(StringBuilder html, Instant now, TargetHealth target) {
    String health = !target.scraped() ? "unknown" : target.up() ? "up" : "down";
    String css = !target.scraped() ? "warn" : target.up() ? "ok" : "bad";
    html.append("<tr class=\"target\" data-source=\"").append(escape(target.target().source()))
        .append("\" data-target=\"").append(escape(target.target().name()))
        .append("\" data-health=\"").append(health).append("\">")
        .append("<td>").append(escape(target.target().source())).append("</td>")
        .append("<td>").append(escape(target.target().name())).append("</td>")
        .append("<td><span class=\"").append(css).append("\">").append(health)
        .append("</span></td>")
        .append("<td>").append(target.lastScrape()
            .map(t -> escape(formatDuration(Duration.between(t, now))) + " ago").orElse("never"))
        .append("</td>")
        .append("<td class=\"num\">").append(Double.isNaN(target.lastDurationSeconds()) ? "–"
            : escape(formatDuration(Duration.ofMillis(
                Math.round(target.lastDurationSeconds() * 1000)))))
        .append("</td>")
        .append("<td class=\"num\">").append(target.skippedScrapes()).append("</td>")
        .append("<td class=\"error\">").append(escape(target.lastError())).append("</td></tr>\n");
  }

  private void slos(StringBuilder html, List<SloSummary> slos) {
    html.append("<section id=\"slos\">\n<h2>SLOs and error budgets</h2>\n");
    if (slos.isEmpty()) {
      html.append("<p class=\"empty\">No SLOs configured.</p>\n</section>\n");
      return;
    }
    html.append("<table>\n<thead><tr><th>SLO</th><th>objective</th><th>window</th>")
        .append("<th>error budget left</th><th>burn rates</th><th>budget spent in</th>")
        .append("</tr></thead>\n<tbody>\n");
    for (SloSummary slo : slos) {
      double left = slo.errorBudgetRemainingRatio();
      long barPercent = Math.round(Math.max(0, Math.min(1, left)) * 100);
      String css = "ok";
      if (left <= 0) {
        css = "bad";
      } else if (left < 0.25) {
        css = "warn";
      }
      html.append("<tr class=\"slo\" data-slo=\"").append(escape(slo.name())).append("\">")
          .append("<td>").append(escape(slo.name())).append("</td>")
          .append("<td class=\"num\">").append(percent(slo.objective(), 3)).append("</td>")
          .append("<td>").append(escape(slo.window())).append("</td>")
          .append("<td><div class=\"bar\" role=\"img\" aria-label=\"")
          .append(percent(left, 1)).append(" of the error budget left\"><span class=\"")
          .append(css).append("\" style=\"width:").append(barPercent).append("%\"></span></div>")
          .append("<span class=\"budget\">").append(percent(left, 1)).append("</span></td>")
          .append("<td>");
      for (SloSummary.BurnRate burn : slo.burnRates()) {
        html.append("<span class=\"burn\">").append(escape(burn.window())).append(": ")
            .append(escape(SummaryTemplate.formatNumber(burn.burnRate()))).append("×</span> ");
      }
      html.append("</td><td>")
          .append(slo.timeToExhaustion().map(d -> escape(formatDuration(d))).orElse("not burning"))
          .append("</td></tr>\n");
    }
    html.append("</tbody>\n</table>\n</section>\n");
  }

  private void deliveries(StringBuilder html, Instant now, List<DeliveryRecord> deliveries) {
    html.append("<section id=\"deliveries\">\n<h2>Recent deliveries</h2>\n");
    if (deliveries.isEmpty()) {
      html.append("<p class=\"empty\">No notification was sent since the agent started.</p>\n")
          .append("</section>\n");
      return;
    }
    long failures = deliveries.stream().filter(d -> d.outcome().isFailure()).count();
    html.append("<p><strong id=\"delivery-failures\">").append(failures)
        .append("</strong> of the last ").append(deliveries.size())
        .append(" attempts failed.</p>\n")
        .append("<table>\n<thead><tr><th>when</th><th>receiver</th><th>alerts</th>")
        .append("<th>outcome</th><th>attempt</th><th>reason</th></tr></thead>\n<tbody>\n");
    for (DeliveryRecord delivery : deliveries) {
      String outcome = delivery.outcome().displayName();
      html.append("<tr class=\"delivery\" data-receiver=\"").append(escape(delivery.receiver()))
          .append("\" data-outcome=\"").append(outcome).append("\">")
          .append("<td>").append(escape(formatDuration(Duration.between(delivery.at(), now))))
          .append(" ago</td>")
          .append("<td>").append(escape(delivery.receiver())).append("</td>")
          .append("<td>").append(escape(String.join(", ", delivery.alertNames()))).append("</td>")
          .append("<td><span class=\"").append(delivery.outcome().isFailure() ? "bad" : "ok")
          .append("\">").append(outcome).append("</span></td>")
          .append("<td class=\"num\">").append(delivery.attempt()).append("</td>")
          .append("<td class=\"error\">").append(escape(delivery.reason())).append("</td></tr>\n");
    }
    html.append("</tbody>\n</table>\n</section>\n");
  }

  /**
   * Returns the time left to the cutoff the alert threatens, with the cutoff's name: computed
   * from {@code cutoff_at} when set, else the {@code time_to_cutoff} text of the rule engine.
   */
  static Optional<String> cutoff(Alert alert, Instant now) {
    String at = alert.annotations().getOrDefault(CUTOFF_AT_ANNOTATION, "");
    String name = alert.annotations().getOrDefault(CUTOFF_ANNOTATION, "");
    if (!at.isEmpty()) {
      try {
        Instant cutoff = Instant.parse(at);
        Duration left = Duration.between(now, cutoff);
        String label = name.isEmpty() ? "at " + TIME.format(cutoff) : name;
        if (left.isNegative()) {
          return Optional.of(name.isEmpty() ? "passed at " + TIME.format(cutoff)
              : "passed: " + name);
        }
        return Optional.of(formatDuration(left) + " (" + label + ")");
      } catch (DateTimeParseException e) {
        return Optional.of(name.isEmpty() ? at : name);
      }
    }
    String left = alert.annotations().getOrDefault(TIME_TO_CUTOFF_ANNOTATION, "");
    if (left.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(name.isEmpty() ? left : left + " (" + name + ")");
  }

  /** Links a runbook given as an http(s) URL; shows any other reference as text. */
  private static String runbook(String reference) {
    if (reference.isEmpty()) {
      return "–";
    }
    String lower = reference.toLowerCase(Locale.ROOT);
    if (lower.startsWith("https://") || lower.startsWith("http://")) {
      return "<a href=\"" + escape(reference) + "\">runbook</a>";
    }
    return "<code>" + escape(reference) + "</code>";
  }

  /** Orders domains by their place in the usual business order, unknown ones last by name. */
  private int compareDomains(String left, String right) {
    return Comparator.comparing((String d) -> {
      int index = DOMAIN_ORDER.indexOf(d);
      return index < 0 ? DOMAIN_ORDER.size() : index;
    }).thenComparing(Comparator.naturalOrder()).compare(left, right);
  }

  private static int severityRank(String severity) {
    int index = SEVERITY_ORDER.indexOf(severity);
    return index < 0 ? SEVERITY_ORDER.size() : index;
  }

  private static String formatDuration(Duration duration) {
    return SummaryTemplate.formatDuration(Math.max(0, duration.toMillis()) / 1000.0);
  }

  private static String percent(double ratio, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f %%", ratio * 100);
  }

  private static String cssClass(String severity) {
    return SEVERITY_ORDER.contains(severity) ? severity : "none";
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isEmpty() ? fallback : value;
  }

  /** Escapes text for HTML element content and double-quoted attribute values. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * Data sources of the page; each supplier is called once per rendering.
   *
   * @param targets health of every scrape target
   * @param alerts pending, firing and recently resolved alerts
   * @param slos SLO statuses; empty when no SLO is configured
   * @param deliveries recent delivery attempts, newest first
   * @param ready whether every target has been scraped once
   */
  public record Sources(
      Supplier<List<TargetHealth>> targets,
      Supplier<List<Alert>> alerts,
      Supplier<List<SloSummary>> slos,
      Supplier<List<DeliveryRecord>> deliveries,
      BooleanSupplier ready) {

    public Sources {
      Objects.requireNonNull(targets, "targets");
      Objects.requireNonNull(alerts, "alerts");
      Objects.requireNonNull(slos, "slos");
      Objects.requireNonNull(deliveries, "deliveries");
      Objects.requireNonNull(ready, "ready");
    }
  }

  private static final String CSS = """
      body{font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;\
      color:#1d2430;background:#f5f6f8}
      header{background:#1d2430;color:#fff;padding:12px 24px}
      header h1{margin:0;font-size:22px}
      .meta{margin:4px 0;color:#c9d1dc}
      .summary{list-style:none;padding:0;margin:6px 0 0;display:flex;gap:24px}
      main{padding:8px 24px 32px}
      section{background:#fff;border:1px solid #dde2e8;border-radius:6px;padding:8px 16px;\
      margin:16px 0}
      h2{font-size:18px;margin:8px 0}
      h3{font-size:16px;margin:12px 0 4px;text-transform:capitalize}
      h4{font-size:14px;margin:8px 0 4px;color:#4a5566}
      table{border-collapse:collapse;width:100%;font-size:14px}
      th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eceff3;vertical-align:top}
      th{color:#4a5566;font-weight:600}
      .num{text-align:right;white-space:nowrap}
      .error{color:#8a1c1c;max-width:420px;overflow-wrap:anywhere}
      .empty{color:#4a5566}
      .ok{color:#17663a;font-weight:600}
      .warn{color:#8a5a00;font-weight:600}
      .bad{color:#b3261e;font-weight:600}
      .sev{padding:1px 6px;border-radius:3px;color:#fff;background:#6b7280}
      .sev.critical{background:#b3261e}
      .sev.error{background:#d9480f}
      .sev.warning{background:#b7791f}
      .sev.info{background:#2b6cb0}
      .cutoff{white-space:nowrap;font-weight:600}
      .bar{display:inline-block;width:140px;height:10px;background:#eceff3;border-radius:5px;\
      overflow:hidden;vertical-align:middle;margin-right:8px}
      .bar span{display:block;height:100%}
      .bar span.ok{background:#2f9e5b}
      .bar span.warn{background:#d69e2e}
      .bar span.bad{background:#b3261e}
      .burn,.budget{white-space:nowrap}
      """;
}
