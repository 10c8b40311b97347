package io.freightwatch.cli;

import io.freightwatch.config.OperationalCalendar;
import io.freightwatch.notify.MuteSchedule;
import io.freightwatch.store.Labels;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * Mutes notification routes by the operational calendar. A route's {@code mute_time_intervals}
 * name calendar intervals: {@code outside_operating_hours}, {@code maintenance}, {@code holiday},
 * {@code peak} and {@code release_freeze}, each taken from the site of the group's {@code
 * warehouse} or {@code tenant} label. Groups without a site are never muted, and other names match
 * nothing.
 */
final class CalendarMuteSchedule implements MuteSchedule {

  private final OperationalCalendar calendar;

  CalendarMuteSchedule(OperationalCalendar calendar) {
    this.calendar = calendar;
  }

  @Override
  public boolean isMuted(List<String> intervals, Labels groupLabels, Instant at) {
    Optional<OperationalCalendar.Site> site = calendar.siteFor(groupLabels);
    if (site.isEmpty()) {
      return false;
    }
    for (String interval : intervals) {
      if (isIn(interval, site.get(), at)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isIn(String interval, OperationalCalendar.Site site, Instant at) {
    return switch (interval) {
      case "outside_operating_hours" -> !site.isOperating(at);
      case "maintenance" -> site.maintenanceAt(at).isPresent();
      case "holiday" -> site.holidays().contains(ZonedDateTime.ofInstant(at, site.zone())
          .toLocalDate());
      case "peak" -> site.peakAt(at).isPresent();
      case "release_freeze" -> site.freezeAt(at).isPresent();
      default -> false;
    };
  }
}
