package io.freightwatch.collect.odoo;

import io.freightwatch.config.OdooTarget;
import java.util.List;

/** Builds the sections that every tenant of an Odoo target reads, in the order they run. */
final class TenantSections {

  private TenantSections() {}

  /** Returns new sections for one tenant; each tenant needs its own, since sections keep state. */
  static List<TenantSection> create(OdooTarget target) {
    return List.of(
        new QueueSection(target.queue()),
        new CronSection(target.signals().cronMaxSeries()),
        new MailSection(),
        new EdiSection(),
        new PickingSection(),
        new CustomQuerySection(target.signals().customQueries()));
  }
}
