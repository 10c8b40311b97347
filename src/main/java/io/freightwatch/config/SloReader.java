package io.freightwatch.config;

import io.freightwatch.config.SloSpec.BurnTier;
import io.freightwatch.store.LabelMatcher;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the {@code slos} list of a rule file. Every problem is recorded with file:line, key path,
 * the value and the fix.
 */
final class SloReader {

  /** Reference window of the default burn-rate tiers. */
  static final Duration REFERENCE_WINDOW = Duration.ofDays(30);

  /**
   * Multiwindow burn-rate tiers for a 30-day window: a page spends 2 % (or 5 %) of the budget in
   * an hour (or six), a ticket 10 % in a day (or three). Other windows scale the durations and
   * keep the factors, so each tier still stands for the same share of the budget.
   */
  static final List<BurnTier> DEFAULT_TIERS = List.of(
      new BurnTier("page", RuleSpec.Severity.CRITICAL, 14.4, Duration.ofHours(1),
          Duration.ofMinutes(5)),
      new BurnTier("page", RuleSpec.Severity.CRITICAL, 6, Duration.ofHours(6),
          Duration.ofMinutes(30)),
      new BurnTier("ticket", RuleSpec.Severity.WARNING, 3, Duration.ofDays(1),
          Duration.ofHours(2)),
      new BurnTier("ticket", RuleSpec.Severity.WARNING, 1, Duration.ofDays(3),
          Duration.ofHours(6)));

  private static final Pattern SLO_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final List<String> SLI_FORMS =
      List.of("ratio", "latency", "time_slice", "business_event");

  List<SloSpec> read(YamlNode root, Problems problems) {
    List<SloSpec> slos = new ArrayList<>();
    for (YamlNode item : root.list("slos")) {
      int before = problems.size();
      SloSpec slo = readSlo(item);
      if (problems.size() == before && slo != null) {
        slos.add(slo);
      }
    }
    return slos;
  }

  /** Scales the default tiers from 30 days to {@code window}, to whole minutes of at least 1. */
  static List<BurnTier> scaledDefaults(Duration window) {
    double scale = (double) window.toMillis() / REFERENCE_WINDOW.toMillis();
    List<BurnTier> tiers = new ArrayList<>();
    for (BurnTier tier : DEFAULT_TIERS) {
      tiers.add(new BurnTier(tier.name(), tier.severity(), tier.factor(),
          scale(tier.longWindow(), scale), scale(tier.shortWindow(), scale)));
    }
    return tiers;
  }

  private static Duration scale(Duration duration, double scale) {
    long minutes = Math.round(duration.toMinutes() * scale);
    return Duration.ofMinutes(Math.max(1, minutes));
  }

  private SloSpec readSlo(YamlNode item) {
    item.allowOnly("name", "labels", "objective", "window", "time_zone", "sli", "min_events",
        "tiers", "impact");
    String name = item.requiredString("name", "edi_gateway_availability");
    if (!name.isEmpty() && !SLO_NAME.matcher(name).matches()) {
      item.get("name").ifPresent(n -> n.problem("got \"" + name
          + "\"; use letters, digits and underscores, starting with a letter"));
    }
    Map<String, String> labels = item.stringMap("labels");
    double objective = readObjective(item);
    SloSpec.Window window = readWindow(item);
    SloSpec.Sli sli = readSli(item.section("sli"), item);
    double minEvents = item.number("min_events").orElse(0.0);
    if (minEvents < 0) {
      item.get("min_events").ifPresent(n -> n.problem("got " + minEvents
          + "; expected 0 or more events, e.g. 100"));
    }
    List<BurnTier> tiers = item.get("tiers").isPresent()
        ? readTiers(item, window.rolling()) : scaledDefaults(window.rolling());
    RuleSpec.Impact impact = readImpact(item.section("impact"), item);
    if (Double.isNaN(objective) || sli == null) {
      return null;
    }
    return new SloSpec(name, item.location(), labels, objective, window, sli, minEvents, tiers,
        impact);
  }

  private static double readObjective(YamlNode item) {
    Optional<Double> objective = item.number("objective");
    if (item.get("objective").isEmpty()) {
      item.problem("missing objective; add e.g. objective: 0.999");
      return Double.NaN;
    }
    if (objective.isEmpty()) {
      return Double.NaN;
    }
    double value = objective.get();
    if (!(value > 0 && value < 1)) {
      String got = item.get("objective").flatMap(YamlNode::asString).orElse("");
      String hint = value == 1 ? "; an objective of 1 leaves no error budget"
          : value > 1 && value < 100 ? " (" + got + " % is " + SummaryTemplate.formatNumber(
              value / 100) + ")" : "";
      item.get("objective").ifPresent(n -> n.problem("got " + got
          + "; expected a ratio in (0, 1), e.g. 0.999" + hint));
      return Double.NaN;
    }
    return value;
  }

  private static SloSpec.Window readWindow(YamlNode item) {
    ZoneId zone = ZoneOffset.UTC;
    Optional<String> zoneText = item.string("time_zone");
    if (zoneText.isPresent()) {
      try {
        zone = ZoneId.of(zoneText.get());
      } catch (DateTimeException e) {
        item.get("time_zone").ifPresent(n -> n.problem("got \"" + zoneText.get()
            + "\"; expected a time zone name such as Europe/Amsterdam"));
      }
    }
    Optional<String> text = item.string("window");
    if (text.isEmpty()) {
      item.problem("missing window; add e.g. window: 30d (rolling 7d, 28d or 30d, or"
          + " calendar_month)");
      return new SloSpec.Window(REFERENCE_WINDOW, false, zone);
    }
    if (text.get().equals("calendar_month")) {
      return new SloSpec.Window(REFERENCE_WINDOW, true, zone);
    }
    Optional<Duration> rolling = Durations.parse(text.get());
    if (rolling.isEmpty() || rolling.get().compareTo(Duration.ofDays(1)) < 0
        || rolling.get().compareTo(Duration.ofDays(90)) > 0) {
      item.get("window").ifPresent(n -> n.problem("got \"" + text.get() + "\"; expected a"
          + " rolling window from 1d to 90d such as 7d, 28d or 30d, or calendar_month"));
      return new SloSpec.Window(REFERENCE_WINDOW, false, zone);
    }
    return new SloSpec.Window(rolling.get(), false, zone);
  }

  private static SloSpec.Sli readSli(YamlNode node, YamlNode item) {
    if (item.get("sli").isEmpty()) {
      item.problem("missing sli; add e.g. sli: {ratio: {bad: {signal: ...}, total: {signal:"
          + " ...}}}");
      return null;
    }
    node.allowOnly(SLI_FORMS.toArray(String[]::new));
    List<String> present = SLI_FORMS.stream().filter(f -> node.get(f).isPresent()).toList();
    if (present.size() != 1) {
      node.problem("names " + present.size() + " SLI forms " + present + "; use exactly one of "
          + SLI_FORMS);
      return null;
    }
    YamlNode body = node.section(present.get(0));
    return switch (present.get(0)) {
      case "ratio" -> readRatio(body);
      case "latency" -> readHistogram(body, "threshold");
      case "business_event" -> readHistogram(body, "within");
      default -> readTimeSlice(body);
    };
  }

  private static SloSpec.Sli readRatio(YamlNode body) {
    body.allowOnly("good", "bad", "total", "restart_signal");
    boolean hasGood = body.get("good").isPresent();
    boolean hasBad = body.get("bad").isPresent();
    if (hasGood == hasBad || body.get("total").isEmpty()) {
      body.problem("a ratio SLI needs total and exactly one of good and bad, e.g. bad: {signal:"
          + " traefik_service_requests_total, matchers: {code: \"=~5..\"}}");
      return null;
    }
    SloSpec.Selector counted = readSelector(body.section(hasGood ? "good" : "bad"));
    SloSpec.Selector total = readSelector(body.section("total"));
    return new SloSpec.EventRatio(counted, Optional.empty(), total, hasBad,
        body.string("restart_signal"));
  }

  private static SloSpec.Sli readHistogram(YamlNode body, String boundKey) {
    body.allowOnly("histogram", "matchers", boundKey, "restart_signal");
    String histogram = body.requiredString("histogram",
        "freightwatch_odoo_queue_job_completion_seconds");
    List<LabelMatcher> matchers = ConfigLoader.readMatchers(body, "matchers");
    double bound;
    if (boundKey.equals("within")) {
      Duration within = body.positiveDuration("within", Duration.ofMinutes(5));
      if (body.get("within").isEmpty()) {
        body.problem("missing within; add e.g. within: 5m");
      }
      bound = within.toMillis() / 1000.0;
    } else {
      bound = body.number("threshold").orElse(Double.NaN);
      if (body.get("threshold").isEmpty()) {
        body.problem("missing threshold; add the latency bound in seconds, e.g. threshold: 0.3");
      }
    }
    if (histogram.isEmpty() || Double.isNaN(bound)) {
      return null;
    }
    String base = histogram.replaceFirst("_(bucket|count|sum)$", "");
    return new SloSpec.EventRatio(new SloSpec.Selector(base + "_bucket", matchers),
        Optional.of(bound), new SloSpec.Selector(base + "_count", matchers), false,
        body.string("restart_signal"));
  }

  private static SloSpec.Sli readTimeSlice(YamlNode body) {
    body.allowOnly("signal", "matchers", "op", "threshold");
    String signal = body.requiredString("signal", "freightwatch_postgres_replication_lag_seconds");
    SloSpec.Selector selector =
        new SloSpec.Selector(signal, ConfigLoader.readMatchers(body, "matchers"));
    RuleSpec.Comparison comparison = RuleFileReader.readEnum(body, "op",
        RuleSpec.Comparison.values(), RuleSpec.Comparison.LESS, RuleSpec.Comparison::symbol);
    double threshold = body.number("threshold").orElse(Double.NaN);
    if (body.get("threshold").isEmpty()) {
      body.problem("missing threshold; add e.g. threshold: 30");
    }
    return new SloSpec.TimeSlice(selector, comparison, threshold);
  }

  private static SloSpec.Selector readSelector(YamlNode node) {
    node.allowOnly("signal", "matchers");
    String signal = node.requiredString("signal", "traefik_service_requests_total");
    return new SloSpec.Selector(signal, ConfigLoader.readMatchers(node, "matchers"));
  }

  private static List<BurnTier> readTiers(YamlNode item, Duration window) {
    List<BurnTier> tiers = new ArrayList<>();
    for (YamlNode node : item.list("tiers")) {
      node.allowOnly("name", "severity", "factor", "long_window", "short_window");
      String name = node.requiredString("name", "page");
      RuleSpec.Severity severity = RuleFileReader.readEnum(node, "severity",
          RuleSpec.Severity.values(), RuleSpec.Severity.CRITICAL, RuleSpec.Severity::yamlName);
      double factor = node.number("factor").orElse(Double.NaN);
      if (node.get("factor").isEmpty()) {
        node.problem("missing factor; add the burn rate bound, e.g. factor: 14.4");
      } else if (!(factor > 0)) {
        node.get("factor").ifPresent(n -> n.problem("got " + factor
            + "; expected a burn rate above 0, e.g. 14.4"));
      }
      Duration longWindow = node.positiveDuration("long_window", Duration.ofHours(1));
      Duration shortWindow = node.positiveDuration("short_window", Duration.ofMinutes(5));
      if (node.get("long_window").isEmpty() || node.get("short_window").isEmpty()) {
        node.problem("a tier needs long_window and short_window, e.g. long_window: 1h,"
            + " short_window: 5m");
      } else if (shortWindow.compareTo(longWindow) >= 0) {
        node.problem("short_window " + Durations.format(shortWindow) + " is not shorter than"
            + " long_window " + Durations.format(longWindow) + "; make it shorter, e.g. 1/12");
      } else if (longWindow.compareTo(window) > 0) {
        node.problem("long_window " + Durations.format(longWindow) + " is longer than the SLO"
            + " window " + Durations.format(window) + "; shorten it");
      }
      if (longWindow.toSeconds() % 60 != 0 || shortWindow.toSeconds() % 60 != 0) {
        node.problem("tier windows are counted in whole minutes; use e.g. 5m or 1h");
      }
      tiers.add(new BurnTier(name, severity, factor, longWindow, shortWindow));
    }
    if (tiers.isEmpty()) {
      item.get("tiers").ifPresent(n -> n.problem("got an empty list; remove tiers to use the"
          + " defaults or list at least one"));
    }
    return tiers;
  }

  private static RuleSpec.Impact readImpact(YamlNode node, YamlNode item) {
    if (item.get("impact").isEmpty()) {
      item.problem("missing impact; every SLO states its domain, owner and runbook");
    }
    node.allowOnly("domain", "process", "summary", "owner", "runbook", "dashboard",
        "customer_facing");
    RuleSpec.Domain domain = RuleFileReader.readEnum(node, "domain", RuleSpec.Domain.values(),
        RuleSpec.Domain.PLATFORM, RuleSpec.Domain::yamlName);
    String process = node.string("process").orElse("");
    SummaryTemplate summary = SummaryTemplate.parse("");
    Optional<String> summaryText = node.string("summary");
    if (summaryText.isPresent()) {
      try {
        summary = SummaryTemplate.parse(summaryText.get());
      } catch (IllegalArgumentException e) {
        node.get("summary").ifPresent(n -> n.problem(e.getMessage()));
      }
    }
    String owner = node.requiredString("owner", "integrations");
    String runbook = node.requiredString("runbook", "runbooks/slo_error_budget_burn.md");
    String dashboard = node.string("dashboard").orElse("");
    boolean customerFacing = node.bool("customer_facing", false);
    return new RuleSpec.Impact(domain, process, summary, RuleSpec.Severity.CRITICAL, owner,
        runbook, dashboard, customerFacing);
  }
}
