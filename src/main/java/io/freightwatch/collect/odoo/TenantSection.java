package io.freightwatch.collect.odoo;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * One group of signals that a tenant's scrape reads from the tenant database, such as the job queue
 * or the scheduled actions.
 *
 * <p>Every section of a tenant shares the scrape's single read-only connection. {@link
 * OdooQueueCollector} calls the sections one after the other on a worker thread and never runs two
 * scrapes of the same tenant at once, even when an earlier scrape overran its timeout, so a section
 * may keep state between calls (a high-water mark, the previous reading) without its own locking.
 */
interface TenantSection {

  /** Returns true when the tenant has the modules, and so the tables, this section reads. */
  boolean appliesTo(InstalledModules modules);

  /**
   * Reads the section's tables and appends its samples.
   *
   * @param connection the tenant's read-only connection, with statement_timeout set
   * @param tenantLabels {@code tenant} and {@code cluster}, to be carried by every sample
   * @param out where the samples go
   * @throws SQLException when a statement fails; the whole tenant scrape then fails
   */
  void read(Connection connection, Labels tenantLabels, List<Sample> out) throws SQLException;

  /**
   * Drops what the section cached about the tenant's schema and reference rows, such as probed
   * tables and columns or backend names, so that its next {@link #read} reads them again. Called
   * on the scrape's worker thread when the collector reads the tenant's modules again.
   */
  default void forgetSchema() {}
}
