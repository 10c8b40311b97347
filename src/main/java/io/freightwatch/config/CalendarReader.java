package io.freightwatch.config;

import io.freightwatch.config.OperationalCalendar.Cutoff;
import io.freightwatch.config.OperationalCalendar.OperatingHours;
import io.freightwatch.config.OperationalCalendar.Period;
import io.freightwatch.config.OperationalCalendar.Site;
import io.freightwatch.config.OperationalCalendar.Window;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads the {@code calendar} section of the agent configuration. */
final class CalendarReader {

  private static final Map<String, DayOfWeek> DAYS = Map.of(
      "mon", DayOfWeek.MONDAY, "tue", DayOfWeek.TUESDAY, "wed", DayOfWeek.WEDNESDAY,
      "thu", DayOfWeek.THURSDAY, "fri", DayOfWeek.FRIDAY, "sat", DayOfWeek.SATURDAY,
      "sun", DayOfWeek.SUNDAY);
  private static final Set<RuleSpec.Domain> CUTOFF_DOMAINS =
      EnumSet.of(RuleSpec.Domain.ORDERS, RuleSpec.Domain.WAREHOUSE, RuleSpec.Domain.TRANSPORT);

  OperationalCalendar read(YamlNode node) {
    if (node.isNull()) {
      return OperationalCalendar.EMPTY;
    }
    node.allowOnly("escalation", "sites");
    YamlNode escalation = node.section("escalation");
    escalation.allowOnly("horizon", "severity");
    Duration horizon = escalation.positiveDuration("horizon", Duration.ofHours(1));
    RuleSpec.Severity severity = RuleFileReader.readEnum(escalation, "severity",
        RuleSpec.Severity.values(), RuleSpec.Severity.CRITICAL, RuleSpec.Severity::yamlName);
    List<Site> sites = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (YamlNode item : node.list("sites")) {
      Site site = readSite(item);
      if (!names.add(site.name())) {
        item.get("name").ifPresent(n -> n.problem("got \"" + site.name()
            + "\"; another site already has this name; names must be unique"));
      }
      sites.add(site);
    }
    return new OperationalCalendar(horizon, severity, sites);
  }

  private Site readSite(YamlNode item) {
    item.allowOnly("name", "tenants", "warehouses", "time_zone", "operating_hours", "cutoffs",
        "holidays", "peaks", "maintenance", "freezes");
    String name = item.requiredString("name", "rotterdam");
    List<String> tenants = strings(item, "tenants");
    List<String> warehouses = strings(item, "warehouses");
    if (tenants.isEmpty() && warehouses.isEmpty()) {
      item.problem("a site needs tenants or warehouses; add e.g. tenants: [acme]");
    }
    ZoneId zone = readZone(item);
    OperatingHours hours = item.get("operating_hours").isPresent()
        ? readHours(item.section("operating_hours")) : OperatingHours.ALWAYS;
    List<Cutoff> cutoffs = new ArrayList<>();
    for (YamlNode cutoff : item.list("cutoffs")) {
      cutoffs.add(readCutoff(cutoff));
    }
    Set<LocalDate> holidays = new LinkedHashSet<>();
    for (YamlNode holiday : item.list("holidays")) {
      date(holiday).ifPresent(holidays::add);
    }
    List<Period> peaks = readPeriods(item, "peaks");
    List<Period> freezes = readPeriods(item, "freezes");
    List<Window> maintenance = new ArrayList<>();
    for (YamlNode window : item.list("maintenance")) {
      window.allowOnly("name", "from", "to");
      String windowName = window.requiredString("name", "database upgrade");
      Optional<LocalDateTime> from = window.get("from").flatMap(this::dateTime);
      Optional<LocalDateTime> to = window.get("to").flatMap(this::dateTime);
      requireBoth(window, from.isPresent(), to.isPresent(), "2026-03-14T22:00");
      if (from.isPresent() && to.isPresent()) {
        if (!to.get().isAfter(from.get())) {
          window.problem("to " + to.get() + " is not after from " + from.get()
              + "; swap them or fix the dates");
        }
        maintenance.add(new Window(windowName, from.get(), to.get()));
      }
    }
    return new Site(name, tenants, warehouses, zone, hours, cutoffs, holidays, peaks, maintenance,
        freezes);
  }

  private static ZoneId readZone(YamlNode item) {
    Optional<String> text = item.string("time_zone");
    if (text.isEmpty()) {
      item.problem("missing time_zone; cutoffs are local times, e.g. time_zone: Europe/Amsterdam");
      return OperationalCalendar.defaultZone();
    }
    try {
      return ZoneId.of(text.get());
    } catch (DateTimeException e) {
      item.get("time_zone").ifPresent(n -> n.problem("got \"" + text.get()
          + "\"; expected a time zone name such as Europe/Amsterdam"));
      return OperationalCalendar.defaultZone();
    }
  }

  private OperatingHours readHours(YamlNode node) {
    node.allowOnly("days", "from", "to");
    Set<DayOfWeek> days = days(node);
    LocalTime from = node.get("from").flatMap(this::time).orElse(LocalTime.MIDNIGHT);
    LocalTime to = node.get("to").flatMap(this::time).orElse(LocalTime.MIDNIGHT);
    return new OperatingHours(days, from, to);
  }

  private Cutoff readCutoff(YamlNode node) {
    node.allowOnly("name", "days", "at", "domains");
    String name = node.requiredString("name", "DHL pickup");
    Set<DayOfWeek> days = days(node);
    if (days.isEmpty()) {
      node.problem("missing days; add e.g. days: [mon, tue, wed, thu, fri]");
    }
    Optional<LocalTime> at = node.get("at").flatMap(this::time);
    if (node.get("at").isEmpty()) {
      node.problem("missing at; add the local time, e.g. at: \"16:00\"");
    }
    Set<RuleSpec.Domain> domains = EnumSet.noneOf(RuleSpec.Domain.class);
    for (YamlNode domain : node.list("domains")) {
      domain.asString().ifPresent(text -> {
        try {
          domains.add(RuleSpec.Domain.valueOf(text.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          domain.problem("got \"" + text + "\"; expected one of orders, warehouse, transport,"
              + " integrations, finance, platform");
        }
      });
    }
    return new Cutoff(name, days, at.orElse(LocalTime.NOON),
        domains.isEmpty() ? CUTOFF_DOMAINS : domains);
  }

  private List<Period> readPeriods(YamlNode item, String key) {
    List<Period> periods = new ArrayList<>();
    for (YamlNode node : item.list(key)) {
      node.allowOnly("name", "from", "to");
      String name = node.requiredString("name", key.equals("peaks") ? "black friday"
          : "year-end freeze");
      Optional<LocalDate> from = node.get("from").flatMap(this::date);
      Optional<LocalDate> to = node.get("to").flatMap(this::date);
      requireBoth(node, from.isPresent(), to.isPresent(), "2026-11-23");
      if (from.isPresent() && to.isPresent()) {
        if (to.get().isBefore(from.get())) {
          node.problem("to " + to.get() + " is before from " + from.get()
              + "; swap them or fix the dates");
        }
        periods.add(new Period(name, from.get(), to.get()));
      }
    }
    return periods;
  }

  private static void requireBoth(YamlNode node, boolean from, boolean to, String example) {
    if (!from && node.get("from").isEmpty()) {
      node.problem("missing from; add e.g. from: \"" + example + "\"");
    }
    if (!to && node.get("to").isEmpty()) {
      node.problem("missing to; add e.g. to: \"" + example + "\"");
    }
  }

  private static Set<DayOfWeek> days(YamlNode node) {
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (YamlNode day : node.list("days")) {
      day.asString().ifPresent(text -> {
        DayOfWeek value = DAYS.get(text.trim().toLowerCase(Locale.ROOT));
        if (value == null) {
          day.problem("got \"" + text + "\"; expected mon, tue, wed, thu, fri, sat or sun");
        } else {
          days.add(value);
        }
      });
    }
    return days;
  }

  private Optional<LocalTime> time(YamlNode node) {
    Optional<String> text = node.asString();
    try {
      return text.map(t -> LocalTime.parse(t.trim()));
    } catch (DateTimeParseException e) {
      node.problem("got \"" + text.orElse("") + "\"; expected a local time such as \"16:00\"");
      return Optional.empty();
    }
  }

  private Optional<LocalDate> date(YamlNode node) {
    Optional<String> text = node.asString();
    try {
      return text.map(t -> LocalDate.parse(t.trim()));
    } catch (DateTimeParseException e) {
      node.problem("got \"" + text.orElse("") + "\"; expected a date such as 2026-12-25");
      return Optional.empty();
    }
  }

  private Optional<LocalDateTime> dateTime(YamlNode node) {
    Optional<String> text = node.asString();
    try {
      return text.map(t -> LocalDateTime.parse(t.trim()));
    } catch (DateTimeParseException e) {
      node.problem("got \"" + text.orElse("") + "\"; expected a local date and time such as"
          + " 2026-03-14T22:00");
      return Optional.empty();
    }
  }

  private static List<String> strings(YamlNode node, String key) {
    List<String> values = new ArrayList<>();
    for (YamlNode item : node.list(key)) {
      item.asString().ifPresent(values::add);
    }
    return values;
  }
}
