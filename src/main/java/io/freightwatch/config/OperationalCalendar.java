package io.freightwatch.config;

import io.freightwatch.config.RuleSpec.Domain;
import io.freightwatch.config.RuleSpec.Severity;
import io.freightwatch.store.Labels;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The operational calendar: for each site (a tenant's warehouses in one time zone), its operating
 * hours, weekly shipping cutoffs and carrier pickups, holidays, peak periods, maintenance windows
 * and release freezes. Every method takes the instant to evaluate, so callers decide the clock.
 *
 * @param escalationHorizon alerts that threaten a cutoff within this time escalate
 * @param escalateTo severity an alert escalates to
 * @param sites the sites; an alert belongs to the first site listing its warehouse, else to the
 *     first site listing its tenant
 */
public record OperationalCalendar(Duration escalationHorizon, Severity escalateTo,
    List<Site> sites) {

  /** A calendar without sites: no cutoffs, always operating, never in maintenance. */
  public static final OperationalCalendar EMPTY =
      new OperationalCalendar(Duration.ofHours(1), Severity.CRITICAL, List.of());

  public OperationalCalendar {
    Objects.requireNonNull(escalationHorizon, "escalationHorizon");
    Objects.requireNonNull(escalateTo, "escalateTo");
    sites = List.copyOf(sites);
  }

  /** Returns the site of an alert or series, by its {@code warehouse}, then {@code tenant}. */
  public Optional<Site> siteFor(Labels labels) {
    String warehouse = labels.get("warehouse");
    if (!warehouse.isEmpty()) {
      for (Site site : sites) {
        if (site.warehouses().contains(warehouse)) {
          return Optional.of(site);
        }
      }
    }
    String tenant = labels.get("tenant");
    if (!tenant.isEmpty()) {
      for (Site site : sites) {
        if (site.tenants().contains(tenant)) {
          return Optional.of(site);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * One site.
   *
   * @param name site name, shown in alert texts
   * @param tenants tenants operating there
   * @param warehouses values of the {@code warehouse} label that belong to the site
   * @param zone the site's time zone; cutoffs and windows are local times in it
   * @param hours operating hours
   * @param cutoffs weekly cutoffs and pickups
   * @param holidays days without operation and without cutoffs
   * @param peaks peak periods
   * @param maintenance maintenance windows: alerts are muted and SLO budgets do not burn
   * @param freezes release freezes
   */
  public record Site(
      String name,
      List<String> tenants,
      List<String> warehouses,
      ZoneId zone,
      OperatingHours hours,
      List<Cutoff> cutoffs,
      Set<LocalDate> holidays,
      List<Period> peaks,
      List<Window> maintenance,
      List<Period> freezes) {

    public Site {
      Objects.requireNonNull(name, "name");
      tenants = List.copyOf(tenants);
      warehouses = List.copyOf(warehouses);
      Objects.requireNonNull(zone, "zone");
      Objects.requireNonNull(hours, "hours");
      cutoffs = List.copyOf(cutoffs);
      holidays = Set.copyOf(holidays);
      peaks = List.copyOf(peaks);
      maintenance = List.copyOf(maintenance);
      freezes = List.copyOf(freezes);
    }

    /**
     * Returns the next cutoff after {@code now} that concerns {@code domain}, skipping holidays,
     * within the coming 14 days.
     */
    public Optional<CutoffTime> nextCutoff(Instant now, Domain domain) {
      ZonedDateTime local = now.atZone(zone);
      CutoffTime best = null;
      for (int day = 0; day <= 14 && best == null; day++) {
        LocalDate date = local.toLocalDate().plusDays(day);
        if (holidays.contains(date)) {
          continue;
        }
        for (Cutoff cutoff : cutoffs) {
          if (!cutoff.days().contains(date.getDayOfWeek()) || !cutoff.domains().contains(domain)) {
            continue;
          }
          // atZone picks the later offset in a DST overlap and shifts a time in a gap forward.
          ZonedDateTime at = date.atTime(cutoff.at()).atZone(zone);
          if (at.toInstant().isAfter(now) && (best == null || at.isBefore(best.at()))) {
            best = new CutoffTime(cutoff, at);
          }
        }
      }
      return Optional.ofNullable(best);
    }

    /** Returns whether the site operates at {@code now}: a working day, within its hours. */
    public boolean isOperating(Instant now) {
      ZonedDateTime local = now.atZone(zone);
      if (holidays.contains(local.toLocalDate())) {
        return false;
      }
      return hours.contains(local.getDayOfWeek(), local.toLocalTime());
    }

    public Optional<Period> peakAt(Instant now) {
      LocalDate date = now.atZone(zone).toLocalDate();
      return peaks.stream().filter(p -> p.contains(date)).findFirst();
    }

    public Optional<Period> freezeAt(Instant now) {
      LocalDate date = now.atZone(zone).toLocalDate();
      return freezes.stream().filter(p -> p.contains(date)).findFirst();
    }

    public Optional<Window> maintenanceAt(Instant now) {
      LocalDateTime local = LocalDateTime.ofInstant(now, zone);
      return maintenance.stream().filter(w -> w.contains(local)).findFirst();
    }
  }

  /**
   * Weekly operating hours; {@code to} before {@code from} runs past midnight.
   *
   * @param days days the site works; an empty set means every day
   * @param from first operating time of a day
   * @param to end of operation, exclusive; equal to {@code from} means all day
   */
  public record OperatingHours(Set<DayOfWeek> days, LocalTime from, LocalTime to) {
    public static final OperatingHours ALWAYS =
        new OperatingHours(Set.of(), LocalTime.MIDNIGHT, LocalTime.MIDNIGHT);

    public OperatingHours {
      days = Set.copyOf(days);
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }

    boolean contains(DayOfWeek day, LocalTime time) {
      boolean workingDay = days.isEmpty() || days.contains(day);
      if (from.equals(to)) {
        return workingDay;
      }
      if (from.isBefore(to)) {
        return workingDay && !time.isBefore(from) && time.isBefore(to);
      }
      DayOfWeek previous = day.minus(1);
      boolean afterStart = workingDay && !time.isBefore(from);
      boolean beforeEnd = (days.isEmpty() || days.contains(previous)) && time.isBefore(to);
      return afterStart || beforeEnd;
    }
  }

  /**
   * A weekly cutoff: the last moment orders can be shipped that day, or a carrier pickup.
   *
   * @param name shown in alert texts, such as {@code DHL pickup}
   * @param days weekdays it applies to
   * @param at local time
   * @param domains alert domains whose problems threaten it
   */
  public record Cutoff(String name, Set<DayOfWeek> days, LocalTime at, Set<Domain> domains) {
    public Cutoff {
      Objects.requireNonNull(name, "name");
      days = Set.copyOf(days);
      Objects.requireNonNull(at, "at");
      domains = Set.copyOf(domains);
    }
  }

  /** A cutoff on a given day. */
  public record CutoffTime(Cutoff cutoff, ZonedDateTime at) {}

  /** Whole days from {@code from} to {@code to}, both included. */
  public record Period(String name, LocalDate from, LocalDate to) {
    public Period {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }

    public boolean contains(LocalDate date) {
      return !date.isBefore(from) && !date.isAfter(to);
    }
  }

  /** A local time span from {@code from} (included) to {@code to} (excluded). */
  public record Window(String name, LocalDateTime from, LocalDateTime to) {
    public Window {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }

    public boolean contains(LocalDateTime time) {
      return !time.isBefore(from) && time.isBefore(to);
    }
  }

  /** Default zone of sites that name none. */
  public static ZoneId defaultZone() {
    return ZoneOffset.UTC;
  }
}
