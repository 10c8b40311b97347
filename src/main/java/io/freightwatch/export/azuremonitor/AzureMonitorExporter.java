package io.freightwatch.export.azuremonitor;

import io.freightwatch.config.ExportConfig;
import io.freightwatch.export.StoreSnapshot;
import io.freightwatch.notify.azuremonitor.LogsUploader;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends SLO snapshots and business signals to custom Log Analytics tables through the Logs
 * Ingestion API: every series whose name starts with one of the configured prefixes becomes one row
 * per export. An export that is still running when the next one is due makes the next one skip, and
 * the skip is counted.
 */
public final class AzureMonitorExporter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AzureMonitorExporter.class);

  private final ExportConfig.AzureMonitor config;
  private final LogsUploader uploader;
  private final WorkerExecutor worker;
  private boolean busy;
  private long skipped;
  private long failed;

  public AzureMonitorExporter(
      ExportConfig.AzureMonitor config, LogsUploader uploader, WorkerExecutor worker) {
    this.config = config;
    this.uploader = uploader;
    this.worker = worker;
  }

  /**
   * Uploads the rows of {@code snapshot} on the worker pool; call on the agent's event loop. The
   * future completes when both uploads finished, and fails with the first error.
   */
  public Future<Void> export(StoreSnapshot snapshot, Instant now) {
    if (busy) {
      skipped++;
      LOG.warn(
          "Azure Monitor export skipped: the previous one is still running skipped={}", skipped);
      return Future.succeededFuture();
    }
    List<Map<String, Object>> slo = rows(snapshot, config.sloPrefixes(), now);
    List<Map<String, Object>> signals = rows(snapshot, config.signalPrefixes(), now);
    busy = true;
    return worker
        .<Void>executeBlocking(
            () -> {
              if (!config.sloStream().isEmpty()) {
                uploader.upload(config.sloStream(), slo);
              }
              if (!config.signalsStream().isEmpty()) {
                uploader.upload(config.signalsStream(), signals);
              }
              return null;
            },
            false)
        .onComplete(
            done -> {
              busy = false;
              if (done.failed()) {
                failed++;
                LOG.warn(
                    "Azure Monitor export failed rule_id={} failures={} error=\"{}\"",
                    config.ruleId(),
                    failed,
                    done.cause().getMessage());
              }
            });
  }

  /** Exports skipped because the previous one was still running. */
  public long skipped() {
    return skipped;
  }

  /** Exports that failed after the SDK's retries. */
  public long failed() {
    return failed;
  }

  /**
   * Returns one row per series whose name starts with one of {@code prefixes}, with the columns of
   * {@code agent/azure/tables.json}: TimeGenerated, Name, Value, Tenant and Labels.
   */
  public static List<Map<String, Object>> rows(
      StoreSnapshot snapshot, List<String> prefixes, Instant now) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (StoreSnapshot.Family family : snapshot.families().values()) {
      if (prefixes.stream().noneMatch(family.name()::startsWith)) {
        continue;
      }
      for (StoreSnapshot.Point point : family.points()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("TimeGenerated", now.toString());
        row.put("Name", family.name());
        row.put("Value", point.value());
        row.put("Tenant", point.labels().getOrDefault("tenant", ""));
        row.put("Labels", new LinkedHashMap<>(point.labels()));
        rows.add(row);
      }
    }
    return rows;
  }

  @Override
  public void close() {
    uploader.close();
  }
}
