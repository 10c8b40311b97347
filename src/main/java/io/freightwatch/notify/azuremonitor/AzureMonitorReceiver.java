package io.freightwatch.notify.azuremonitor;

import io.freightwatch.config.ReceiverConfig;
import io.freightwatch.notify.DeliveryResult;
import io.freightwatch.notify.Notification;
import io.freightwatch.notify.Receiver;
import io.freightwatch.rules.AlertEvent;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes alert changes as rows into a custom Log Analytics table through the Logs Ingestion API, so
 * that they get the outbox's guarantees like any other notification. The SDK blocks, so each upload
 * runs on {@code worker}.
 */
public final class AzureMonitorReceiver implements Receiver {

  private final ReceiverConfig config;
  private final LogsUploader uploader;
  private final WorkerExecutor worker;

  public AzureMonitorReceiver(ReceiverConfig config, LogsUploader uploader, WorkerExecutor worker) {
    this.config = config;
    this.uploader = uploader;
    this.worker = worker;
  }

  @Override
  public String name() {
    return config.name();
  }

  @Override
  public Mode mode() {
    return Mode.EVENTS;
  }

  @Override
  public Future<DeliveryResult> deliver(Notification notification) {
    List<Map<String, Object>> records =
        notification.events().stream()
            .map((AlertEvent event) -> AlertRecords.of(event, notification.createdAt()))
            .toList();
    return worker
        .<DeliveryResult>executeBlocking(
            () -> {
              uploader.upload(config.stream(), records);
              return new DeliveryResult.Delivered();
            },
            false)
        .otherwise(
            error ->
                new DeliveryResult.Retry(String.valueOf(error.getMessage()), Optional.empty()));
  }
}
